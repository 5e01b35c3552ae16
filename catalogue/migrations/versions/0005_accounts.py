"""official_accounts: the official accounts one deployment serves (secrets sealed);
held_replies.account: which account's client sends a held reply

Revision ID: 0005_accounts
Revises: 0005_console
Create Date: 2026-12-02 09:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_accounts"
down_revision = "0005_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "official_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("original_id", sa.String(length=64), nullable=False),
        sa.Column("home_region", sa.String(length=6), nullable=False),
        sa.Column("token_sealed", sa.Text(), nullable=False),
        sa.Column("aes_key_sealed", sa.Text(), nullable=False),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("welcome", sa.Text(), nullable=False),
        sa.Column("menu", sa.JSON(), nullable=True),
        sa.Column("template_ids", sa.JSON(), nullable=False),
        sa.Column("public_base_url", sa.String(length=200), nullable=False),
        sa.Column("staff_channel", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_official_accounts_name")),
        sa.UniqueConstraint("app_id", name=op.f("uq_official_accounts_app_id")),
        sa.UniqueConstraint("original_id", name=op.f("uq_official_accounts_original_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("held_replies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("account", sa.String(length=64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("held_replies", schema=None) as batch_op:
        batch_op.drop_column("account")
    op.drop_table("official_accounts")
