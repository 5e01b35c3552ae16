"""tickets and change_requests never reuse a number on SQLite (AUTOINCREMENT), so a restore
can keep the numbers already told to citizens and staff out of reach

Revision ID: 0004_backup_numbers
Revises: 0004_regions_life
Create Date: 2026-12-02 06:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0004_backup_numbers"
down_revision = "0004_regions_life"
branch_labels = None
depends_on = None

NUMBERED = ("tickets", "change_requests")


def upgrade() -> None:
    # PostgreSQL sequences never go back by themselves; SQLite reuses the highest rowid after
    # a delete or a restore unless the table is AUTOINCREMENT (then sqlite_sequence keeps it).
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in NUMBERED:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in NUMBERED:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
