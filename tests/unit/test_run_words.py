"""The words the window shows for a run's errors and steps (app.engine.presenting):
the engine's stored text ("step 1 (send_email): 'to': …") as the workflow editor
says it ("Step 1 · Send email: To: …"), made by real runs on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine import presenting
from app.engine import run_queries as queries
from app.engine.runner import Runner
from app.storage.db import DB_FILENAME, Database, init_db
from app.workflow_file import import_text

FLOWS = """
cueflow: 1
data_types:
  User: {fields: {email: text, name: text}}
things:
  User:
    - {id: ada, email: ada@example.com, name: Ada}
workflows:
  bad_address:
    parameters: {to: {type: text}}
    steps:
      - action: send_email
        with: {to: "{{ to }}", subject: Hi, body: Hello}
  bad_template:
    steps:
      - action: log
        with: {message: "{{ 1 / 0 }}"}
  bad_condition:
    steps:
      - action: log
        only_when: "1 / 0"
        with: {message: x}
"""


@pytest.fixture
def flows(tmp_path: Path) -> Database:
    db = init_db(f"sqlite:///{tmp_path / DB_FILENAME}")
    import_text(db, FLOWS)
    return db


def stored_and_shown(db: Database, workflow: str, params: dict[str, object]) -> tuple[str, str]:
    run_id = Runner(db).run_now(workflow, params)
    trace = queries.run_trace(db, run_id)
    assert trace is not None and trace.run.status == queries.FAILED
    with db.read() as session:
        from app.storage import ledger

        stored = ledger.get_run(session, run_id).error
    assert stored is not None and trace.run.error is not None
    return stored, trace.run.error


def test_an_input_error_names_the_step_by_its_label_and_the_field_by_its_title(
    flows: Database,
) -> None:
    stored, shown = stored_and_shown(flows, "bad_address", {"to": "not an address"})
    assert stored.startswith("step 1 (send_email): 'to': ")  # the ledger keeps the engine's
    assert shown.startswith("Step 1 · Send email: To: 'not an address' is not an email")
    assert "send_email" not in shown


def test_an_expression_error_points_at_the_input_once(flows: Database) -> None:
    stored, shown = stored_and_shown(flows, "bad_template", {})
    assert stored.startswith("step 1 (log): workflow bad_template, step 1 (log), input message: ")
    assert shown.startswith("Step 1 · Write to the run log: Message: ")
    assert "workflow bad_template" not in shown and "(log)" not in shown


def test_a_condition_error_says_only_when(flows: Database) -> None:
    _, shown = stored_and_shown(flows, "bad_condition", {})
    assert shown.startswith("Step 1 · Write to the run log: Only when: ")


def test_the_history_rows_carry_the_worded_error(flows: Database) -> None:
    Runner(flows).run_now("bad_address", {"to": "nobody"})
    window = queries.history_window(flows, queries.RunFilter(), 10, colours=False)
    (row,) = window.first
    assert row.error is not None and row.error.startswith("Step 1 · Send email: To: ")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (
            "step 2 (send_email): workflow w, step 2 (send_email): input 'to' is missing",
            "Step 2 · Send email: To is required",
        ),
        (
            "missed: Cueflow was not running at the scheduled time (policy skip)",
            "Missed: Cueflow was not running at the scheduled time; "
            "this workflow skips missed runs",
        ),
        ("timed out after 300 s (step 2)", "Timed out after 300 s (step 2)"),
        ("step 1 (no_such_action): unknown action", "Step 1 · no_such_action: unknown action"),
        ("smtp: connection refused", "smtp: connection refused"),  # not a known form: as is
        ("", ""),
        (None, None),
    ],
)
def test_stored_errors_in_words(stored: str | None, shown: str | None) -> None:
    assert presenting.run_error_words(stored) == shown


def test_hostile_error_texts_are_shown_as_they_are() -> None:
    huge = "step 1 (send_email): " + "x" * 200_000
    assert presenting.run_error_words(huge) == "Step 1 · Send email: " + "x" * 200_000
    odd = "step 99999999999999999999 (send_email): \udcff bad \x00"
    assert presenting.run_error_words(odd).startswith("Step 99999999999999999999 · Send email")
    assert presenting.run_error_words("step (send_email): x") == "step (send_email): x"


def test_log_lines_name_steps_and_things() -> None:
    line = "attempt 1 failed: step 1 (http_request): refused; running as User 06h3867q6fh8smbj"
    shown = presenting.log_words(line, {"06h3867q6fh8smbj": "Ada"})
    assert shown == "attempt 1 failed: step 1 · Call a web API: refused; running as User Ada"
    assert presenting.log_words("run 06h3867q6fh8smbk done", {}) == "run 06h3867q6fh8smbk done"
    titles = {"send_welcome": "Send welcome email"}.get
    scheduled = "scheduled send_welcome for 2027-12-10T09:00:00+00:00: 06h38698g6a51eeg"
    assert presenting.log_words(scheduled, {}, lambda name: titles(name, name)) == (
        "scheduled Send welcome email for 2027-12-10T09:00:00+00:00: 06h38698g6a51eeg"
    )
    note = "scheduled jobs for today"  # a log step's own words: not a known workflow
    assert presenting.log_words(note, {}, lambda name: titles(name, name)) == note


def test_ids_in_stops_at_deep_nesting_and_long_lists() -> None:
    deep: object = "06h3867q6fh8smbj"
    for _ in range(1000):
        deep = [deep]
    found: set[str] = set()
    presenting.ids_in(deep, found)  # no RecursionError: 8 levels at most
    assert found == set()
    found = set()
    presenting.ids_in([f"{n:016d}" for n in range(10_000)], found, limit=50)
    assert 0 < len(found) <= 50
