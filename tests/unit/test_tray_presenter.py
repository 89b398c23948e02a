"""The tray's texts and state, without Qt (the offscreen platform has no tray)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.ui.shell.tray_presenter import TrayPresenter, TrayStatus, UpcomingRun, until

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (45, "45 s"),
        (60, "1 min"),
        (59 * 60 + 59, "59 min"),
        (3600, "1 h"),
        (2 * 3600 + 10 * 60, "2 h 10 min"),
        (47 * 3600 + 60, "47 h 1 min"),
        (2 * 86400, "2 days"),
        (3 * 86400 + 4 * 3600 + 59, "3 days 4 h"),
        (-5, "0 s"),
    ],
)
def test_until(seconds: float, text: str) -> None:
    assert until(seconds) == text


def test_tooltip_names_the_next_run() -> None:
    runs = [
        UpcomingRun("r1", "send_birthday_email", NOW + timedelta(hours=2, minutes=10)),
        UpcomingRun("r2", "daily_digest", NOW + timedelta(days=1)),
    ]
    text = TrayPresenter().tooltip(TrayStatus(), runs, NOW)
    assert text == "Cueflow — idle\nNext: send_birthday_email in 2 h 10 min"


def test_tooltip_when_nothing_is_scheduled_or_a_run_is_due() -> None:
    presenter = TrayPresenter()
    assert (
        presenter.tooltip(TrayStatus(paused=True), [], NOW)
        == "Cueflow — scheduler paused\nNothing scheduled"
    )
    due = [UpcomingRun("r1", "ping", NOW - timedelta(seconds=3))]
    assert (
        presenter.tooltip(TrayStatus(running=2), due, NOW)
        == "Cueflow — running 2 workflows\nNext: ping now"
    )


def test_state_priority_and_sticky_failure() -> None:
    status = TrayStatus()
    assert status.state == "idle"
    status.run_changed("failed")
    assert status.state == "failed"
    status.paused = True
    assert status.state == "paused"
    status.running = 1
    assert status.state == "running"
    status.running, status.paused = 0, False
    status.run_changed("cancelled")  # neither success nor failure: the red badge stays
    assert status.state == "failed"
    status.run_changed("succeeded")
    assert status.state == "idle"
    status.run_changed("interrupted")
    assert status.state == "failed"


def test_upcoming_menu_entry() -> None:
    run = UpcomingRun("r1", "send_birthday_email", NOW + timedelta(minutes=90))
    local = datetime(2026, 3, 2, 10, 30)
    assert (
        TrayPresenter().upcoming_text(run, NOW, local)
        == "send_birthday_email — in 1 h 30 min (Mon 10:30)"
    )


def test_recovered_message() -> None:
    presenter = TrayPresenter()
    assert (
        presenter.recovered_message({"late": ["a", "b"], "missed": ["c"], "interrupted": []})
        == "3 runs were missed while Cueflow was closed — 2 ran late, 1 skipped"
    )
    assert (
        presenter.recovered_message({"late": [], "missed": ["c"], "interrupted": ["d"]})
        == "1 run was missed while Cueflow was closed — 1 skipped. "
        "1 run was interrupted when Cueflow stopped"
    )
    assert presenter.recovered_message({"late": [], "missed": [], "interrupted": []}) is None
    assert presenter.recovered_message({}) is None


def test_failed_message_keeps_the_first_line_of_the_error() -> None:
    presenter = TrayPresenter()
    assert presenter.failed_message("Greet", "SMTP refused\ntraceback…") == (
        "Greet failed",
        "SMTP refused",
    )
    assert presenter.failed_message("Greet", None, "interrupted") == (
        "Greet was interrupted",
        "Open the Scheduler's History to see what happened",
    )


def test_pause_text_and_translation_hook() -> None:
    assert TrayPresenter().pause_text(False) == "Pause scheduler"
    assert TrayPresenter().pause_text(True) == "Resume scheduler"
    shouting = TrayPresenter(tr=str.upper)
    assert shouting.pause_text(True) == "RESUME SCHEDULER"


def test_the_presenter_imports_no_qt() -> None:
    import subprocess
    import sys

    code = "import sys, app.ui.shell.tray_presenter; sys.exit('PySide6' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
