"""What the tray shows, as plain values: state, tooltip, menu entries, messages.

No Qt here, so every text and decision can be unit tested without a tray
(the offscreen platform has none). `app.ui.shell.tray` turns these values into a
QSystemTrayIcon, its menu and its messages. `tr` is the translation hook the
Qt side passes in (its `QObject.tr`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

# The tray's states; app.ui.shell.icons draws a badge for each but idle.
IDLE, RUNNING, PAUSED, FAILED = "idle", "running", "paused", "failed"
UPCOMING_IN_MENU = 5
FAILED_STATUSES = ("failed", "interrupted")


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class UpcomingRun:
    run_id: str
    workflow: str
    at: datetime


@dataclass(frozen=True)
class RunnableWorkflow:
    name: str
    title: str
    needs_input: bool  # has a required parameter: open the form instead of running


@dataclass
class TrayStatus:
    """The little state the tray keeps between events."""

    paused: bool = False
    running: int = 0
    last_failed: bool = False

    def run_changed(self, status: str) -> None:
        """A run finished: a failure sticks until a later run succeeds (or it is seen)."""
        if status in FAILED_STATUSES:
            self.last_failed = True
        elif status == "succeeded":
            self.last_failed = False

    @property
    def state(self) -> str:
        """running > paused > failed > idle: the most useful thing to show now."""
        if self.running > 0:
            return RUNNING
        if self.paused:
            return PAUSED
        if self.last_failed:
            return FAILED
        return IDLE


def until(seconds: float) -> str:
    """`45 s`, `12 min`, `2 h 10 min`, `3 days 4 h`: a countdown, two units at most."""
    seconds = int(max(0, seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


class TrayPresenter:
    def __init__(
        self,
        tr: Callable[[str], str] = _identity,
        day_and_time: Callable[[datetime], str] = lambda moment: moment.strftime("%a %H:%M"),
    ) -> None:
        self.tr = tr
        self.day_and_time = day_and_time  # "Tue 09:00", in the window's language

    def when(self, at: datetime, now: datetime) -> str:
        seconds = (at - now).total_seconds()
        if seconds < 1:
            return self.tr("now")
        return self.tr("in {span}").format(span=until(seconds))

    def tooltip(self, status: TrayStatus, upcoming: Sequence[UpcomingRun], now: datetime) -> str:
        """Two lines: the state, then "Next: send_birthday_email in 2 h 10 min"."""
        state = {
            RUNNING: (
                self.tr("running 1 workflow")
                if status.running == 1
                else self.tr("running {n} workflows").format(n=status.running)
            ),
            PAUSED: self.tr("scheduler paused"),
            FAILED: self.tr("the last run failed"),
            IDLE: self.tr("idle"),
        }[status.state]
        first = self.tr("Cueflow — {state}").format(state=state)
        if not upcoming:
            return f"{first}\n{self.tr('Nothing scheduled')}"
        run = upcoming[0]
        return f"{first}\n" + self.tr("Next: {workflow} {when}").format(
            workflow=run.workflow, when=self.when(run.at, now)
        )

    def upcoming_text(self, run: UpcomingRun, now: datetime, local: datetime) -> str:
        """A menu entry: `Send birthday email — in 2 h 10 min (Tue 09:00)`."""
        return self.tr("{workflow} — {when} ({at})").format(
            workflow=run.workflow, when=self.when(run.at, now), at=self.day_and_time(local)
        )

    def pause_text(self, paused: bool) -> str:
        return self.tr("Resume scheduler") if paused else self.tr("Pause scheduler")

    def failed_message(
        self, workflow: str, error: str | None, status: str = "failed"
    ) -> tuple[str, str]:
        """A notification: the workflow by its title, then the first line of the
        reason in the window's words (or where to look when there is none)."""
        title = (
            self.tr("{workflow} was interrupted")
            if status == "interrupted"
            else self.tr("{workflow} failed")
        ).format(workflow=workflow)
        lines = (error or "").strip().splitlines()
        if lines:
            return title, lines[0]
        return title, self.tr("Open the Scheduler's History to see what happened")

    def recovered_message(self, recovered: Mapping[str, Sequence[str]]) -> str | None:
        """ "3 runs were missed while Cueflow was closed — 2 ran late, 1 skipped"."""
        late = len(recovered.get("late", ()))
        skipped = len(recovered.get("missed", ()))
        interrupted = len(recovered.get("interrupted", ()))
        parts = []
        total = late + skipped
        if total:
            head = (
                self.tr("1 run was missed while Cueflow was closed")
                if total == 1
                else self.tr("{n} runs were missed while Cueflow was closed").format(n=total)
            )
            details = []
            if late:
                details.append(self.tr("{n} ran late").format(n=late))
            if skipped:
                details.append(self.tr("{n} skipped").format(n=skipped))
            parts.append(f"{head} — {', '.join(details)}")
        if interrupted:
            parts.append(
                self.tr("1 run was interrupted when Cueflow stopped")
                if interrupted == 1
                else self.tr("{n} runs were interrupted when Cueflow stopped").format(n=interrupted)
            )
        return ". ".join(parts) if parts else None

    def keeps_running_message(self) -> tuple[str, str]:
        return (
            self.tr("Cueflow keeps running"),
            self.tr(
                "Scheduled workflows still run while the window is closed. Use Quit in this "
                "icon's menu to stop Cueflow."
            ),
        )
