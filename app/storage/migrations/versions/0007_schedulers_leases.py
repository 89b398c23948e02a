"""Team mode: scheduler identity and leases, one occurrence per (schedule, time).

`schedulers` keeps one row per scheduler that ever started (host, PID, start,
heartbeat, version; `stopped` once it signed off or was found dead). A running
run records the scheduler that claimed it (`runs.owner_scheduler`), so a
survivor takes over only the runs of a scheduler whose lease expired. The
partial unique index makes each first attempt of a schedule's occurrence once
per (schedule, time), however many schedulers advance the schedule.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from app.storage.column_types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_OCCURRENCE = "schedule_id IS NOT NULL AND attempt = 1"


def upgrade() -> None:
    op.create_table(
        "schedulers",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started", UTCDateTime(), nullable=False),
        sa.Column("heartbeat", UTCDateTime(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("stopped", UTCDateTime(), nullable=True),
    )
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("owner_scheduler", sa.String(length=32), nullable=True))
    op.create_index(
        "ux_runs_occurrence",
        "runs",
        ["schedule_id", "scheduled_for"],
        unique=True,
        sqlite_where=sa.text(_OCCURRENCE),
        postgresql_where=sa.text(_OCCURRENCE),
    )


def downgrade() -> None:
    op.drop_index("ux_runs_occurrence", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("owner_scheduler")
    op.drop_table("schedulers")
