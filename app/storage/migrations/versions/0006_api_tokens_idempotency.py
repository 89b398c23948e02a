"""The workflow API's tokens and idempotency keys (PRODUCT §6).

`api_tokens` keeps one row per token label with only the SHA-256 of the
token; `idempotency_keys` keeps, per (workflow, key), the hash of the
request's parameters and the run it started, for 24 hours. The index on
runs (status, origin) lets the API count its waiting runs (api.max_pending).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from app.storage.column_types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("label", sa.String(length=64), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("run_as", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("workflow", sa.String(length=100), primary_key=True),
        sa.Column("key", sa.String(length=255), primary_key=True),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    op.create_index("ix_runs_status_origin", "runs", ["status", "origin"])


def downgrade() -> None:
    op.drop_index("ix_runs_status_origin", table_name="runs")
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_table("api_tokens")
