"""Recurring schedules, trigger-started runs and chain depth.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from app.storage.column_types import Json, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workflow", sa.String(length=100), nullable=False),
        sa.Column("params", Json, nullable=False),
        sa.Column("run_as", sa.String(length=32), nullable=True),
        sa.Column("ignore_privacy", sa.Boolean(), nullable=False),
        sa.Column("every", sa.String(length=100), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("trigger", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("schedule_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("depth", sa.Integer(), server_default="0", nullable=False))
        batch.create_index("ix_runs_schedule_id", ["schedule_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_index("ix_runs_schedule_id")
        batch.drop_column("depth")
        batch.drop_column("schedule_id")
        batch.drop_column("trigger")
    op.drop_table("schedules")
