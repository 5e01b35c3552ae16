"""bot state in the database while Redis is down: delivery claims and conversations

Revision ID: 0004_seam
Revises: 0003
Create Date: 2026-12-02 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_seam"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bot_deliveries",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_bot_deliveries")),
    )
    with op.batch_alter_table("bot_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bot_deliveries_expires_at"), ["expires_at"])
    op.create_table(
        "bot_conversations",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=200), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_bot_conversations")),
    )
    with op.batch_alter_table("bot_conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bot_conversations_expires_at"), ["expires_at"])


def downgrade() -> None:
    with op.batch_alter_table("bot_conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bot_conversations_expires_at"))
    op.drop_table("bot_conversations")
    with op.batch_alter_table("bot_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bot_deliveries_expires_at"))
    op.drop_table("bot_deliveries")
