"""Run origins and the workflow API's exposure.

`runs.origin` says who asked for a run (PRODUCT §5: cli, window, schedule,
trigger, workflow or api:LABEL); existing runs get it from what they record
(a schedule, a parent run, a trigger), else `cli`. `workflows.api` keeps how
the workflow API serves a workflow (PRODUCT §6); NULL: not exposed.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from app.storage.column_types import Json

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=120), nullable=False, server_default="cli")
        )
    op.execute(
        "UPDATE runs SET origin = CASE"
        " WHEN schedule_id IS NOT NULL THEN 'schedule'"
        " WHEN parent_id IS NOT NULL THEN 'workflow'"
        " WHEN \"trigger\" IS NOT NULL THEN 'trigger'"
        " ELSE 'cli' END"
    )
    with op.batch_alter_table("workflows") as batch:
        batch.add_column(sa.Column("api", Json, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workflows") as batch:
        batch.drop_column("api")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("origin")
