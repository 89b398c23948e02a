"""End to end with real processes: `cueflow runner` + the command line + SMTP/HTTP.

These start Python subprocesses, so they take a few seconds each. The runners are
real processes, and so are the birthday test's `schedule` and `cancel` and the
second runner refused; the setup and the `runs --json` polling run in this process
(`cli`: the same main() and output, without ~1 s of start-up per call).
"""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, Mailbox, WebServer, cueflow_run
from tests.support.processes import RunnerProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow


def runs(cli: Any, *args: str) -> list[dict[str, Any]]:
    result = cli("runs", "--json", *args)
    assert result.code == 0, result.err
    return result.json()  # type: ignore[no-any-return]


def wait_for_run(cli: Any, run_id: str, statuses: set[str], timeout: float = 10) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        run = next((r for r in runs(cli) if r["id"] == run_id), None)
        return run if run and run["status"] in statuses else None

    return wait_until(  # type: ignore[no-any-return]
        found, timeout, every=0.2, message=f"run {run_id} {statuses}"
    )


def test_birthday_email_end_to_end(
    data_dir: Path, smtp_server: Mailbox, runner: RunnerProcess, cli: Any
) -> None:
    assert cli("settings", "set", "smtp.host", smtp_server.host).code == 0
    assert cli("settings", "set", "smtp.port", str(smtp_server.port)).code == 0
    assert cli("import", str(EXAMPLES / "birthday.yaml")).code == 0
    ada = next(u for u in cli("things", "User", "--json").json() if u["name"] == "Ada")
    runner.start()
    birthday = (datetime.now().astimezone() + timedelta(seconds=2)).replace(microsecond=0)
    # Run as Ada: the example's privacy rules let a user see only their own email.
    scheduled = cueflow_run(
        data_dir,
        "schedule",
        "send_birthday_email",
        "-p",
        f"user={ada['id']}",
        "-p",
        f"birthday={birthday.isoformat()}",
        "--at",
        "+2s",
        "--as",
        ada["id"],
    )
    assert scheduled.code == 0, scheduled.err
    run_id = scheduled.out.strip()

    messages = smtp_server.wait_for(1, timeout=5 + 2)
    assert len(messages) == 1
    assert messages[0]["subject"] == "Happy birthday, Ada!"
    assert messages[0]["to"] == ["ada@example.com"]
    done = wait_for_run(cli, run_id, {"succeeded"})
    [upcoming] = runs(cli, "--upcoming")
    assert upcoming["parent_id"] == run_id
    assert upcoming["run_as"] == ada["id"]
    next_year = datetime.fromisoformat(upcoming["scheduled_for"])
    assert next_year == birthday.replace(year=birthday.year + 1)
    assert upcoming["params"]["birthday"] == next_year.isoformat()
    assert datetime.fromisoformat(done["started_at"]) >= birthday - timedelta(seconds=1)

    assert cueflow_run(data_dir, "cancel", upcoming["id"]).code == 0
    assert runs(cli, "--upcoming") == []
    assert len(smtp_server.messages) == 1
    assert runner.stop() == 0


LOG_FLOWS = """
cueflow: 1
workflows:
  late_ok:
    steps: [{action: log, with: {message: ran}}]
  skip_it:
    on_missed: skip
    steps: [{action: log, with: {message: ran}}]
  slow_call:
    parameters: {url: {type: text}}
    steps:
      - action: http_request
        with: {url: "{{ url }}/slow", timeout: 30}
"""


def _wait_past(rows: list[dict[str, Any]], margin: float = 0.2) -> None:
    """Until the latest `scheduled_for` of these runs (and `margin` seconds) has passed."""
    due = max(datetime.fromisoformat(r["scheduled_for"]) for r in rows)
    end = due + timedelta(seconds=margin)
    wait_until(lambda: datetime.now(UTC) > end, timeout=30, every=0.05)


def test_restart_runs_late_or_marks_missed(
    data_dir: Path, tmp_path: Path, runner: RunnerProcess, cli: Any
) -> None:
    flows = tmp_path / "flows.yaml"
    flows.write_text(LOG_FLOWS)
    assert cli("import", str(flows)).code == 0
    runner.start()
    late = cli("schedule", "late_ok", "--at", "+3s").out.strip()
    skipped = cli("schedule", "skip_it", "--at", "+3s").out.strip()
    assert runner.stop() == 0
    # Both come due while no runner runs, more than the second before a start that
    # the clock settles as overdue (Clock.settle_overdue's cutoff).
    _wait_past(runs(cli, "--upcoming"), margin=1.2)
    assert {r["status"] for r in runs(cli, "--upcoming")} == {"scheduled"}
    line = runner.start()
    assert line
    assert wait_for_run(cli, late, {"succeeded"})["attempt"] == 1
    missed = wait_for_run(cli, skipped, {"missed"})
    assert "policy skip" in missed["error"]
    runner.stop()
    assert [r["status"] for r in runs(cli) if r["id"] == late] == ["succeeded"]


def test_kill_9_during_a_step_leaves_the_run_interrupted(
    data_dir: Path, tmp_path: Path, http_server: WebServer, runner: RunnerProcess, cli: Any
) -> None:
    flows = tmp_path / "flows.yaml"
    flows.write_text(LOG_FLOWS)
    cli("import", str(flows))
    runner.start()
    run_id = cli("schedule", "slow_call", "-p", f"url={http_server.url}").out.strip()
    wait_for_run(cli, run_id, {"running"})
    assert runner.stop(signal.SIGKILL) == -signal.SIGKILL
    assert next(r for r in runs(cli) if r["id"] == run_id)["status"] == "running"
    runner.start()
    interrupted = wait_for_run(cli, run_id, {"interrupted"})
    assert interrupted["error"] == "Cueflow stopped while the run was running"
    runner.stop()


def test_only_one_runner_per_data_folder(data_dir: Path, runner: RunnerProcess) -> None:
    runner.start()
    assert runner.proc is not None
    second = cueflow_run(data_dir, "runner")
    assert second.code == 2
    assert second.err.strip() == (
        f"cueflow: Cueflow's scheduler already runs for this data folder "
        f"(process {runner.proc.pid})"
    )
    runner.stop()


def test_schedule_and_cancel_reach_the_runner_within_a_second(
    data_dir: Path, tmp_path: Path, runner: RunnerProcess, cli: Any
) -> None:
    flows = tmp_path / "flows.yaml"
    flows.write_text(LOG_FLOWS)
    cli("import", str(flows))
    runner.start()
    run_id = cli("schedule", "late_ok").out.strip()
    done = wait_for_run(cli, run_id, {"succeeded"})
    queued = datetime.fromisoformat(done["scheduled_for"])
    assert datetime.fromisoformat(done["started_at"]) - queued < timedelta(seconds=1)

    soon = cli("schedule", "late_ok", "--at", "+1.5s").out.strip()
    assert cli("cancel", soon).code == 0
    # A second past its time: had the cancel not reached the runner, it would have run.
    _wait_past([r for r in runs(cli) if r["id"] == soon], margin=1.0)
    assert next(r for r in runs(cli) if r["id"] == soon)["status"] == "cancelled"
    runner.stop()


def test_runner_stops_cleanly_on_sigint(data_dir: Path, runner: RunnerProcess) -> None:
    runner.start()
    assert runner.stop(signal.SIGINT) == 0
    assert os.path.exists(data_dir / "scheduler.lock")
    again = RunnerProcess(data_dir)
    again.start()
    again.stop()
