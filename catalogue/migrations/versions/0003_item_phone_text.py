"""items.phone becomes TEXT: real guides put whole contact blocks (address, phone, web) there

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite does not enforce VARCHAR lengths; only PostgreSQL needs the wider type.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("items", "phone", type_=sa.Text(), existing_type=sa.String(length=200))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("items", "phone", type_=sa.String(length=200), existing_type=sa.Text())
