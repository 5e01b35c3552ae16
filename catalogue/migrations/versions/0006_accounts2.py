"""place_follows.account: the official account (its name) a place is followed through

Revision ID: 0006_accounts2
Revises: 0005_accounts
Create Date: 2026-12-02 10:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_accounts2"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Follows made before several accounts were served are the default account's ("").
    with op.batch_alter_table("place_follows", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("account", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_place_follows_account"), ["account"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("place_follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_follows_account"))
        batch_op.drop_column("account")
