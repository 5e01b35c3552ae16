"""tickets with states, owners and an SLA; ratings one per answer with 差评 cases; held replies

Revision ID: 0004_tickets
Revises: 0004_seam
Create Date: 2026-12-02 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_tickets"
down_revision = "0004_seam"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "held_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("reply", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Integer(), nullable=False),
        sa.Column("retry_after", _TZ, nullable=True),
        sa.Column("at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_replies")),
    )
    with op.batch_alter_table("held_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_replies_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_held_replies_openid"), ["openid"], unique=False)

    # SQLite rebuilds the table for the foreign key: keep AUTOINCREMENT (ticket numbers told to
    # citizens are never handed out again), which reflection would not carry over.
    with op.batch_alter_table(
        "tickets", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(
            sa.Column("account", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("item_code", sa.String(length=33), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("owner", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("due_at", _TZ, nullable=True))
        batch_op.add_column(sa.Column("notified_at", _TZ, nullable=True))
        batch_op.add_column(
            sa.Column("delivery_note", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("retry_after", _TZ, nullable=True))
        batch_op.add_column(sa.Column("delivered_at", _TZ, nullable=True))
        batch_op.add_column(
            sa.Column("closed_by", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("closed_at", _TZ, nullable=True))
        batch_op.add_column(sa.Column("close_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.create_foreign_key(
            batch_op.f("fk_tickets_department_id_departments"),
            "departments",
            ["department_id"],
            ["id"],
        )
    # Answers given before this revision count as delivered (they were sent when given).
    op.execute(
        "UPDATE tickets SET state = 'delivered', delivered_at = answered_at "
        "WHERE state = 'answered'"
    )

    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("answer_key", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("ticket_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("case_state", sa.String(length=12), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("conversation", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("notified_at", _TZ, nullable=True))
        batch_op.add_column(sa.Column("notified_to", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("followup", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("followup_by", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("followup_at", _TZ, nullable=True))
        batch_op.add_column(
            sa.Column("rectification", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("rectified_by", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("rectified_at", _TZ, nullable=True))
    # Ratings given before this revision: each its own answer, so the one-per-answer key holds.
    op.execute("UPDATE ratings SET answer_key = 'legacy:' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ratings_case_state"), ["case_state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ratings_department_id"), ["department_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_ratings_openid_hash_answer_key"), ["openid_hash", "answer_key"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ratings_ticket_id_tickets"), "tickets", ["ticket_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ratings_department_id_departments"),
            "departments",
            ["department_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_ratings_department_id_departments"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_ratings_ticket_id_tickets"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_ratings_openid_hash_answer_key"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_ratings_department_id"))
        batch_op.drop_index(batch_op.f("ix_ratings_case_state"))
        for column in (
            "rectified_at",
            "rectified_by",
            "rectification",
            "followup_at",
            "followup_by",
            "followup",
            "notified_to",
            "notified_at",
            "conversation",
            "case_state",
            "department_id",
            "ticket_id",
            "answer_key",
        ):
            batch_op.drop_column(column)
    op.execute("UPDATE tickets SET state = 'answered' WHERE state <> 'open'")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tickets_department_id_departments"), type_="foreignkey"
        )
        for column in (
            "close_reason",
            "closed_at",
            "closed_by",
            "delivered_at",
            "retry_after",
            "delivery_note",
            "notified_at",
            "due_at",
            "owner",
            "department_id",
            "item_code",
            "account",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("held_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_replies_openid"))
        batch_op.drop_index(batch_op.f("ix_held_replies_at"))
    op.drop_table("held_replies")
