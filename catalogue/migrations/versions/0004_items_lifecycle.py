"""items lifecycle: request holds (one open request per record), request versions for
compare-and-set decisions, withdrawal, and the item's last published change

Revision ID: 0004_items_lifecycle
Revises: 0004_completeness_lists
Create Date: 2026-12-02 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_items_lifecycle"
down_revision = "0004_completeness_lists"
branch_labels = None
depends_on = None

_OPEN = ("pending_review", "pending_decision", "approved")


def upgrade() -> None:
    op.create_table(
        "request_holds",
        sa.Column("target_kind", sa.String(length=30), nullable=False),
        sa.Column("target_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["change_requests.id"],
            name=op.f("fk_request_holds_request_id_change_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("target_kind", "target_id", name=op.f("pk_request_holds")),
    )
    op.create_index(
        op.f("ix_request_holds_request_id"), "request_holds", ["request_id"], unique=False
    )
    with op.batch_alter_table("change_requests") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_change_requests_closed_by_id_staff_members"),
            "staff_members",
            ["closed_by_id"],
            ["id"],
        )
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("revised_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revision_note", sa.Text(), server_default="", nullable=False))
    # Requests already open hold their record (the newest one, should there be several).
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, target_kind, target_id FROM change_requests "
            "WHERE state IN :open AND target_id IS NOT NULL ORDER BY id DESC"
        ).bindparams(sa.bindparam("open", expanding=True)),
        {"open": list(_OPEN)},
    ).all()
    held: set[tuple[str, int]] = set()
    for request_id, kind, target_id in rows:
        if (kind, target_id) in held:
            continue
        held.add((kind, target_id))
        bind.execute(
            sa.text(
                "INSERT INTO request_holds (target_kind, target_id, request_id) "
                "VALUES (:kind, :target, :request)"
            ),
            {"kind": kind, "target": target_id, "request": request_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("revision_note")
        batch.drop_column("revised_at")
    with op.batch_alter_table("change_requests") as batch:
        batch.drop_constraint(
            batch.f("fk_change_requests_closed_by_id_staff_members"), type_="foreignkey"
        )
        batch.drop_column("closed_by_id")
        batch.drop_column("closed_at")
        batch.drop_column("version")
    op.drop_index(op.f("ix_request_holds_request_id"), table_name="request_holds")
    op.drop_table("request_holds")
