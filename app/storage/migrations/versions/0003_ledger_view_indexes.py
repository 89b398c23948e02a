"""Indexes for the window's History view over a large ledger.

`(status, finished_at, id)` gives the History table's COUNT from the index
alone and its newest-first pages without sorting; `(workflow, status,
finished_at, id)` does the same for a filter by workflow and status (and still
serves "how many scheduled runs of this workflow"). They replace the narrower
`(finished_at)` and `(workflow, status)` indexes.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_runs_finished_at", table_name="runs")
    op.drop_index("ix_runs_workflow_status", table_name="runs")
    op.create_index(
        "ix_runs_status_finished_at", "runs", ["status", "finished_at", "id"], unique=False
    )
    op.create_index(
        "ix_runs_workflow_status_finished_at",
        "runs",
        ["workflow", "status", "finished_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_runs_workflow_status_finished_at", table_name="runs")
    op.drop_index("ix_runs_status_finished_at", table_name="runs")
    op.create_index("ix_runs_workflow_status", "runs", ["workflow", "status"], unique=False)
    op.create_index("ix_runs_finished_at", "runs", ["finished_at"], unique=False)
