"""keyed audit chain (keyed_from), official holiday schedule, yearly case counts

Revision ID: 0004_audit_staff
Revises: 0004_tickets
Create Date: 2026-12-02 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_audit_staff"
down_revision = "0004_tickets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_heads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "keyed_from",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                server_default="1",
                nullable=False,
            )
        )
    # Entries written so far carry plain SHA-256 hashes; the keyed chain starts after them.
    op.execute("UPDATE audit_heads SET keyed_from = seq + 1")
    op.create_table(
        "official_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_official_days")),
    )
    with op.batch_alter_table("official_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_official_days_year"), ["year"], unique=False)
    op.create_table(
        "case_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_case_counts_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_counts")),
        sa.UniqueConstraint("item_id", "year", name=op.f("uq_case_counts_item_id_year")),
    )
    with op.batch_alter_table("case_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_counts_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    op.drop_table("case_counts")
    op.drop_table("official_days")
    with op.batch_alter_table("audit_heads", schema=None) as batch_op:
        batch_op.drop_column("keyed_from")
