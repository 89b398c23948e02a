"""The clock's read of the earliest due runs comes from one index, in order.

`ix_runs_status_scheduled_for` gains `id`, the query's tie-break
(ORDER BY scheduled_for, id): a list scheduled for one time (schedule on a
list) has every run at the same time, and without `id` in the index each read
of the next due runs sorted all of them, looking each up in the table. Measured
with 20,000 runs due at once: the clock's reads cost 36.7 µs a run before, 11.0
after (issue 18). The query now reads only the rows it returns.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NAME = "ix_runs_status_scheduled_for"


def upgrade() -> None:
    op.drop_index(NAME, table_name="runs")
    op.create_index(NAME, "runs", ["status", "scheduled_for", "id"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="runs")
    op.create_index(NAME, "runs", ["status", "scheduled_for"])
