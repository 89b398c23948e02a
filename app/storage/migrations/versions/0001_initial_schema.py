"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 21:39:42.407338
"""

import sqlalchemy as sa
from alembic import op

from app.storage.column_types import Json, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "data_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("privacy", Json, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workflow", sa.String(length=100), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("scheduled_for", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("params", Json, nullable=False),
        sa.Column("run_as", sa.String(length=32), nullable=True),
        sa.Column("ignore_privacy", sa.Boolean(), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("returned", Json, nullable=True),
        sa.Column("owner_pid", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index("ix_runs_finished_at", ["finished_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_runs_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(
            "ix_runs_status_scheduled_for", ["status", "scheduled_for"], unique=False
        )
        batch_op.create_index("ix_runs_workflow_status", ["workflow", "status"], unique=False)

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "triggers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("data_type", sa.String(length=100), nullable=False),
        sa.Column("events", Json, nullable=False),
        sa.Column("only_when", sa.Text(), nullable=True),
        sa.Column("workflow", sa.String(length=100), nullable=False),
        sa.Column("params", Json, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "workflows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("colour", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("only_when", sa.Text(), nullable=True),
        sa.Column("ignore_privacy_rules", sa.Boolean(), nullable=False),
        sa.Column("timeout", sa.Double(), nullable=False),
        sa.Column("retry_attempts", sa.Integer(), nullable=False),
        sa.Column("retry_backoff", sa.Double(), nullable=False),
        sa.Column("on_missed", sa.String(length=20), nullable=False),
        sa.Column("grace", sa.Double(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_type_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["data_type_id"], ["data_types.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "log_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("log_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_log_lines_run_id"), ["run_id"], unique=False)

    op.create_table(
        "parameters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=120), nullable=False),
        sa.Column("is_list", sa.Boolean(), nullable=False),
        sa.Column("optional", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflows.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "step_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("inputs", Json, nullable=True),
        sa.Column("result", Json, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("duration_ms", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("step_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_results_run_id"), ["run_id"], unique=False)

    op.create_table(
        "steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("inputs", Json, nullable=False),
        sa.Column("only_when", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflows.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "things",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("data_type_id", sa.Integer(), nullable=False),
        sa.Column("data", Json, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("modified_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["data_type_id"], ["data_types.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("things", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_things_data_type_id"), ["data_type_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("things", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_things_data_type_id"))

    op.drop_table("things")
    op.drop_table("steps")
    with op.batch_alter_table("step_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_results_run_id"))

    op.drop_table("step_results")
    op.drop_table("parameters")
    with op.batch_alter_table("log_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_log_lines_run_id"))

    op.drop_table("log_lines")
    op.drop_table("fields")
    op.drop_table("workflows")
    op.drop_table("triggers")
    op.drop_table("settings")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("ix_runs_workflow_status")
        batch_op.drop_index("ix_runs_status_scheduled_for")
        batch_op.drop_index(batch_op.f("ix_runs_parent_id"))
        batch_op.drop_index("ix_runs_finished_at")

    op.drop_table("runs")
    op.drop_table("data_types")
