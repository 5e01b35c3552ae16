"""outbound_jobs, place_follows, place_qr_codes, notice_marks: the durable job queue, followers
of places, the account's QR codes per place, the notice scanner's marks

Revision ID: 0005_villages
Revises: 0004_staff_told
Create Date: 2026-12-02 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_villages"
down_revision = "0004_staff_told"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbound_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=64), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_jobs")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_outbound_jobs_dedup_key")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_outbound_jobs_state_run_after", "outbound_jobs", ["state", "run_after"], unique=False
    )
    op.create_table(
        "place_follows",
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_place_follows_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("openid", "region_code", name=op.f("pk_place_follows")),
    )
    op.create_index(
        op.f("ix_place_follows_region_code"), "place_follows", ["region_code"], unique=False
    )
    op.create_table(
        "place_qr_codes",
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("scene", sa.String(length=64), nullable=False),
        sa.Column("ticket", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_place_qr_codes_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("region_code", name=op.f("pk_place_qr_codes")),
        sa.UniqueConstraint("scene", name=op.f("uq_place_qr_codes_scene")),
    )
    op.create_table(
        "notice_marks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("seen_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_notice_marks")),
    )


def downgrade() -> None:
    op.drop_table("notice_marks")
    op.drop_table("place_qr_codes")
    op.drop_index(op.f("ix_place_follows_region_code"), table_name="place_follows")
    op.drop_table("place_follows")
    op.drop_index("ix_outbound_jobs_state_run_after", table_name="outbound_jobs")
    op.drop_table("outbound_jobs")
