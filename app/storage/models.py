"""The tables. The runs table is the ledger: the single source of truth for
what is scheduled, running and done; the scheduler's timers are rebuilt from it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.storage.column_types import Json, UTCDateTime
from app.storage.column_types import from_db_time as from_db_time
from app.storage.column_types import to_db_time as to_db_time

OCCURRENCE = "schedule_id IS NOT NULL AND attempt = 1"


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: Json, list[Any]: Json}


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DataType(Base):
    __tablename__ = "data_types"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    privacy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fields: Mapped[list[Field]] = relationship(
        back_populates="data_type", order_by="Field.position", cascade="all, delete-orphan"
    )


class Field(Base):
    __tablename__ = "fields"
    id: Mapped[int] = mapped_column(primary_key=True)
    data_type_id: Mapped[int] = mapped_column(ForeignKey("data_types.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(120))
    data_type: Mapped[DataType] = relationship(back_populates="fields")


class Thing(Base):
    __tablename__ = "things"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    data_type_id: Mapped[int] = mapped_column(
        ForeignKey("data_types.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Workflow(Base):
    __tablename__ = "workflows"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    colour: Mapped[str] = mapped_column(String(20), default="#3b82f6")
    description: Mapped[str] = mapped_column(Text, default="")
    only_when: Mapped[str | None] = mapped_column(Text)
    ignore_privacy_rules: Mapped[bool] = mapped_column(default=False)
    timeout: Mapped[float] = mapped_column(default=300.0)
    retry_attempts: Mapped[int] = mapped_column(default=0)
    retry_backoff: Mapped[float] = mapped_column(default=10.0)
    on_missed: Mapped[str] = mapped_column(String(20), default="run_late")
    grace: Mapped[float] = mapped_column(default=86400.0)
    # How the workflow API serves it (PRODUCT §6); NULL: not exposed (migration 0005).
    api: Mapped[dict[str, Any] | None] = mapped_column(Json)
    version: Mapped[int] = mapped_column(default=1)
    parameters: Mapped[list[Parameter]] = relationship(
        order_by="Parameter.position", cascade="all, delete-orphan"
    )
    steps: Mapped[list[Step]] = relationship(order_by="Step.position", cascade="all, delete-orphan")


class Parameter(Base):
    __tablename__ = "parameters"
    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(120))
    is_list: Mapped[bool] = mapped_column(default=False)
    optional: Mapped[bool] = mapped_column(default=False)


class Step(Base):
    __tablename__ = "steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    position: Mapped[int]
    action: Mapped[str] = mapped_column(String(60))
    inputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    only_when: Mapped[str | None] = mapped_column(Text)


class Trigger(Base):
    __tablename__ = "triggers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    data_type: Mapped[str] = mapped_column(String(100))
    events: Mapped[list[Any]] = mapped_column(default=list)
    only_when: Mapped[str | None] = mapped_column(Text)
    workflow: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Run(Base):
    """One occurrence of a workflow: the ledger row."""

    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workflow: Mapped[str] = mapped_column(String(100))
    workflow_version: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12))
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    run_as: Mapped[str | None] = mapped_column(String(32))
    ignore_privacy: Mapped[bool] = mapped_column(default=False)
    parent_id: Mapped[str | None] = mapped_column(String(32), index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    error: Mapped[str | None] = mapped_column(Text)
    returned: Mapped[dict[str, Any] | None] = mapped_column(Json)
    owner_pid: Mapped[int | None]
    trigger: Mapped[str | None] = mapped_column(String(100))
    schedule_id: Mapped[str | None] = mapped_column(String(32), index=True)
    depth: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The run its chain started from (NULL: the run is its own root); a chain's
    # unfinished runs are counted against runner.max_chain_runs (migration 0004).
    root_id: Mapped[str | None] = mapped_column(String(32))
    # Who asked for it: cli, window, schedule, trigger, workflow or api:LABEL (0005).
    origin: Mapped[str] = mapped_column(String(120), default="cli", server_default="cli")
    # The scheduler (schedulers.id) whose claim it runs under (team mode, 0007).
    owner_scheduler: Mapped[str | None] = mapped_column(String(32))
    # A test run whose emails and web calls are previewed, not sent (0008); kept
    # on the row so that a resume after a crash never performs them either.
    captured: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (
        # The clock's next due runs, in order, from the index alone (0009).
        Index("ix_runs_status_scheduled_for", "status", "scheduled_for", "id"),
        Index("ix_runs_root_id_status", "root_id", "status"),
        # History pages and counts, newest first, from the index (migration 0003).
        Index("ix_runs_status_finished_at", "status", "finished_at", "id"),
        Index("ix_runs_workflow_status_finished_at", "workflow", "status", "finished_at", "id"),
        # The workflow API counts its waiting runs per request (api.max_pending; 0006).
        Index("ix_runs_status_origin", "status", "origin"),
        # Each occurrence of a schedule is made once (first attempts; 0007).
        Index(
            "ux_runs_occurrence",
            "schedule_id",
            "scheduled_for",
            unique=True,
            sqlite_where=text(OCCURRENCE),
            postgresql_where=text(OCCURRENCE),
        ),
    )


class Schedule(Base):
    """A recurring rule; each occurrence is a run row with `schedule_id` set."""

    __tablename__ = "schedules"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workflow: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    run_as: Mapped[str | None] = mapped_column(String(32))
    ignore_privacy: Mapped[bool] = mapped_column(default=False)
    every: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    parent_id: Mapped[str | None] = mapped_column(String(32))


class StoppedChain(Base):
    """A chain stopped as runaway: none of its runs schedules anything again."""

    __tablename__ = "stopped_chains"
    root_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    stopped_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)


class StepResult(Base):
    __tablename__ = "step_results"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int]
    position: Mapped[int]
    action: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12))
    inputs: Mapped[dict[str, Any] | None] = mapped_column(Json)
    result: Mapped[Any | None] = mapped_column(Json)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[float] = mapped_column(default=0.0)


class LogLine(Base):
    __tablename__ = "log_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    level: Mapped[str] = mapped_column(String(10), default="info")
    message: Mapped[str] = mapped_column(Text)


class ApiToken(Base):
    """A workflow API token: only the SHA-256 of the token is kept (migration 0006)."""

    __tablename__ = "api_tokens"
    label: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    run_as: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdempotencyKey(Base):
    """An `Idempotency-Key` the workflow API has seen: one run per (workflow, key), 24 h."""

    __tablename__ = "idempotency_keys"
    workflow: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Scheduler(Base):
    """A scheduler that registered itself (team mode, migration 0007): its lease is
    its heartbeat; `stopped` is set when it signs off or a survivor found it dead."""

    __tablename__ = "schedulers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[str] = mapped_column(String(32))
    stopped: Mapped[datetime | None] = mapped_column(UTCDateTime)
