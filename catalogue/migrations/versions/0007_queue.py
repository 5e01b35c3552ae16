"""outbound_jobs.recipient: a recipient's jobs (a citizen's reply parts, a staff member's
messages) are claimed one at a time, oldest first

Revision ID: 0007_queue
Revises: 0006_accounts2
Create Date: 2026-12-02 11:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_queue"
down_revision = "0006_accounts2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_outbound_jobs_recipient_id", ["recipient", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbound_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_jobs_recipient_id")
        batch_op.drop_column("recipient")
