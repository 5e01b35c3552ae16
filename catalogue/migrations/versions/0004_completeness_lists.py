"""budget_years.original_approved_on: a corrected budget approval date keeps the first one

Revision ID: 0004_completeness_lists
Revises: 0004_audit_staff
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_completeness_lists"
down_revision = "0004_audit_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("budget_years", sa.Column("original_approved_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("budget_years") as batch:
        batch.drop_column("original_approved_on")
