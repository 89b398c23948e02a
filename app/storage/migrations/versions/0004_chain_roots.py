"""Chain roots: every run knows the run its chain started from.

`runs.root_id` (NULL: the run is its own root) and the index `(root_id,
status)` count a chain's unfinished runs in one indexed query;
`stopped_chains` keeps the chains stopped as runaway, so they stay stopped.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from app.storage.column_types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("root_id", sa.String(length=32), nullable=True))
        batch.create_index("ix_runs_root_id_status", ["root_id", "status"], unique=False)
    op.create_table(
        "stopped_chains",
        sa.Column("root_id", sa.String(length=32), nullable=False),
        sa.Column("stopped_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("root_id"),
    )


def downgrade() -> None:
    op.drop_table("stopped_chains")
    with op.batch_alter_table("runs") as batch:
        batch.drop_index("ix_runs_root_id_status")
        batch.drop_column("root_id")
