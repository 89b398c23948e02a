"""Data safety: migrations keep every row and leave a backup; export + import reproduces all."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from app.storage.db import SCHEMA_HEAD, alembic_config, current_revision, init_db
from tests.support.reliability import integrity

pytestmark = pytest.mark.timeout(60)

T0 = "2024-01-02 03:04:05.000000"
LATER = "2099-06-01 09:00:00.000000"

OLD_ROWS = [
    "INSERT INTO settings (key, value) VALUES ('smtp.host', 'mail.example.com')",
    "INSERT INTO data_types (id, name, privacy) VALUES (1, 'User', '{}')",
    "INSERT INTO fields (id, data_type_id, position, name, type) VALUES (1, 1, 0, 'email', 'text')",
    "INSERT INTO fields (id, data_type_id, position, name, type) VALUES (2, 1, 1, 'name', 'text')",
    f"INSERT INTO things (id, data_type_id, data, created_at, modified_at) VALUES "
    f"('u1', 1, '{{\"email\": \"ada@example.com\", \"name\": \"Ada\"}}', '{T0}', '{T0}')",
    "INSERT INTO workflows (id, name, label, colour, description, only_when, "
    "ignore_privacy_rules, timeout, retry_attempts, retry_backoff, on_missed, grace, version) "
    "VALUES (1, 'greet', 'Greet', '#e67e22', 'says hello', NULL, 0, 300, 2, 10, 'run_late', "
    "86400, 3)",
    "INSERT INTO parameters (id, workflow_id, position, key, type, is_list, optional) "
    "VALUES (1, 1, 0, 'user', 'User', 0, 0)",
    "INSERT INTO steps (id, workflow_id, position, action, inputs, only_when) VALUES "
    "(1, 1, 0, 'log', '{\"message\": \"hello {{ user.name }}\"}', NULL)",
    "INSERT INTO runs (id, workflow, workflow_version, status, scheduled_for, created_at, "
    "started_at, finished_at, params, run_as, ignore_privacy, parent_id, attempt, error, "
    "returned, owner_pid) VALUES "
    f"('r_done', 'greet', 3, 'succeeded', '{T0}', '{T0}', '{T0}', '{T0}', "
    '\'{"user": "u1"}\', NULL, 0, NULL, 1, NULL, NULL, 123)',
    "INSERT INTO runs (id, workflow, workflow_version, status, scheduled_for, created_at, "
    "started_at, finished_at, params, run_as, ignore_privacy, parent_id, attempt, error, "
    "returned, owner_pid) VALUES "
    f"('r_next', 'greet', 3, 'scheduled', '{LATER}', '{T0}', NULL, NULL, "
    "'{\"user\": \"u1\"}', 'u1', 1, 'r_done', 1, NULL, NULL, NULL)",
    "INSERT INTO step_results (id, run_id, attempt, position, action, status, inputs, result, "
    f"error, started_at, duration_ms) VALUES (1, 'r_done', 1, 1, 'log', 'succeeded', "
    f"'{{\"message\": \"hello Ada\"}}', NULL, NULL, '{T0}', 1.5)",
    f"INSERT INTO log_lines (id, run_id, at, level, message) VALUES "
    f"(1, 'r_done', '{T0}', 'info', 'hello Ada')",
]

CHECKED = {
    "settings": "SELECT key, value FROM settings WHERE key = 'smtp.host'",
    "things": "SELECT id, data_type_id, data, created_at FROM things",
    "fields": "SELECT id, name, type FROM fields ORDER BY id",
    "workflows": "SELECT name, label, colour, retry_attempts, version FROM workflows",
    "steps": "SELECT action, inputs FROM steps",
    "runs": "SELECT id, workflow, status, scheduled_for, params, run_as, ignore_privacy, "
    "parent_id, attempt FROM runs ORDER BY id",
    "step_results": "SELECT run_id, attempt, position, action, status, inputs FROM step_results",
    "log_lines": "SELECT run_id, message FROM log_lines",
}


def _old_database(path: Path) -> None:
    from alembic import command

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    engine.dispose()
    with sqlite3.connect(path) as connection:
        for sql in OLD_ROWS:
            connection.execute(sql)


def _read(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as connection:
        return {name: connection.execute(sql).fetchall() for name, sql in CHECKED.items()}


def test_migrating_a_populated_first_schema_keeps_rows_and_a_backup(data_dir: Path) -> None:
    path = data_dir / "cueflow.db"
    _old_database(path)
    before = _read(path)
    assert len(before["runs"]) == 2 and len(before["things"]) == 1

    db = init_db(f"sqlite:///{path}")
    assert current_revision(db) == SCHEMA_HEAD
    db.dispose()

    assert _read(path) == before  # every row, every value
    with sqlite3.connect(path) as connection:
        depth = connection.execute(
            "SELECT depth, schedule_id FROM runs WHERE id='r_next'"
        ).fetchone()
    assert depth == (0, None)
    assert integrity(path) == "ok"

    backup = data_dir / "cueflow.db.bak-0001"
    backups = sorted(p.name for p in data_dir.iterdir() if ".bak" in p.name)
    assert backup.exists(), f"no backup copy; the folder has {backups}"
    assert integrity(backup) == "ok"
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert _read(backup) == before


def test_the_migrated_database_works_from_the_command_line(data_dir: Path, cli: Any) -> None:
    _old_database(data_dir / "cueflow.db")
    upcoming = cli("runs", "--upcoming", "--json")
    assert upcoming.code == 0, upcoming.err
    [row] = upcoming.json()
    assert (row["id"], row["params"], row["run_as"], row["parent_id"]) == (
        "r_next",
        {"user": "u1"},
        "u1",
        "r_done",
    )
    ran = cli("run", "greet", "-p", "user=u1", "--json")
    assert ran.code == 0, ran.err
    assert ran.json()["status"] == "succeeded"
    assert (data_dir / "cueflow.db.bak-0001").exists()


def test_no_backup_for_a_new_or_current_database(data_dir: Path) -> None:
    init_db(f"sqlite:///{data_dir / 'cueflow.db'}").dispose()
    init_db(f"sqlite:///{data_dir / 'cueflow.db'}").dispose()
    assert not [p.name for p in data_dir.iterdir() if ".bak" in p.name]


# --- export --things, then import into an empty folder ---------------------------------------

FLOWS = """
cueflow: 1
data_types:
  User:
    fields: {email: text, name: text, birthday: date, tags: list of text}
things:
  User:
    - {email: ada@example.com, name: Ada, birthday: 1990-12-10T09:00:00+00:00, tags: [a, b]}
    - {email: bob@example.com, name: Bob}
workflows:
  greet:
    label: Greet
    retries: {attempts: 2, backoff: 5}
    parameters:
      user: {type: User}
      note: {type: text, optional: true}
      when: {type: date, optional: true}
    steps:
      - action: log
        with: {message: "hello {{ user.name }} {{ note }}"}
"""


def _things(cli: Any, folder: Path) -> list[dict[str, object]]:
    done = cli("things", "User", "--json", folder=folder)
    assert done.code == 0, done.err
    return sorted(done.json(), key=lambda t: t["id"])


def _upcoming(cli: Any, folder: Path) -> list[dict[str, object]]:
    done = cli("runs", "--upcoming", "--json", folder=folder)
    assert done.code == 0, done.err
    keys = ("id", "workflow", "status", "scheduled_for", "params", "run_as", "attempt")
    return sorted(({k: r[k] for k in keys} for r in done.json()), key=lambda r: str(r["id"]))


def test_export_things_then_import_into_an_empty_folder_reproduces_everything(
    data_dir: Path, tmp_path: Path, cli: Any
) -> None:
    # Not about the process boundary: the commands run in this process (`cli`).
    flows = tmp_path / "flows.yaml"
    flows.write_text(FLOWS)
    assert cli("import", str(flows)).code == 0
    ada, bob = sorted(_things(cli, data_dir), key=lambda t: str(t["name"]))
    for args in (
        ["-p", f"user={ada['id']}", "--at", "2099-01-01T10:00:00+00:00"],
        ["-p", f"user={bob['id']}", "-p", "note=späť ✓", "--at", "+3d", "--as", str(ada["id"])],
        ["-p", f"user={ada['id']}", "-p", "when=2030-05-05T05:05:05+02:00", "--at", "+90m"],
    ):
        done = cli("schedule", "greet", *args)
        assert done.code == 0, done.err
    before = _upcoming(cli, data_dir)
    assert len(before) == 3

    exported = tmp_path / "all.yaml"
    assert cli("export", "--things", "-o", str(exported)).code == 0
    assert "runs:" in exported.read_text(encoding="utf-8")

    other = tmp_path / "elsewhere"
    imported = cli("import", str(exported), folder=other)
    assert imported.code == 0, imported.err

    assert _upcoming(cli, other) == before
    assert _things(cli, other) == _things(cli, data_dir)
    first = cli("export", "--things").out
    second = cli("export", "--things", folder=other).out
    assert second == first
    # and the upcoming runs are real runs there: cancellable by the same IDs
    some = str(before[0]["id"])
    assert cli("cancel", some, folder=other).code == 0
    statuses = {r["id"]: r["status"] for r in json.loads(cli("runs", "--json", folder=other).out)}
    assert statuses[some] == "cancelled"
