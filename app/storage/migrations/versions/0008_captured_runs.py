"""Captured runs: a test run from the workflow editor whose outside effects are previewed.

`runs.captured` is set when such a run is scheduled and kept on the row, so a
crash and a resume of it (or a retry) never sends an email or calls a web API
for real; the runs it starts inline are captured too. Existing runs are not.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER TABLE … ADD COLUMN on both databases: a batch "move and copy"
    # of runs on SQLite would drop the old table, and its step results and log
    # lines with it (ON DELETE CASCADE).
    op.add_column(
        "runs", sa.Column("captured", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    op.drop_column("runs", "captured")  # (SQLite 3.35+ drops a column in place)
