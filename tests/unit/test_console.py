"""The command line's output helpers: colour, headers and the progress bar."""

from __future__ import annotations

import io

import pytest

from app import console


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def a_terminal_that_shows_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")  # (CI may run with TERM=dumb)
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert console.paint("failed", "red", Terminal()) == "\033[31mfailed\033[0m"
    assert console.paint("failed", "red", io.StringIO()) == "failed"
    monkeypatch.setenv("NO_COLOR", "1")
    assert console.paint("failed", "red", Terminal()) == "failed"
    monkeypatch.setenv("NO_COLOR", "")  # empty: not set (no-color.org)
    monkeypatch.setenv("TERM", "dumb")
    assert console.paint("failed", "red", Terminal()) == "failed"


def test_progress_draws_on_a_terminal_and_clears_its_line() -> None:
    screen = Terminal()
    with console.Progress("importing", 200, after=0, stream=screen) as bar:
        bar.advance(100)
        drawn = screen.getvalue()
    assert "importing [###############               ] 100/200" in drawn
    assert screen.getvalue().endswith("\r\033[K")


def test_progress_stays_silent_off_a_terminal_or_for_quick_work() -> None:
    piped = io.StringIO()
    with console.Progress("importing", 10, after=0, stream=piped) as bar:
        bar.advance(5)
    assert piped.getvalue() == ""
    screen = Terminal()
    with console.Progress("importing", 10, after=60, stream=screen) as bar:
        bar.advance(5)
    assert screen.getvalue() == ""


def test_work_without_a_count_shows_its_elapsed_time_until_it_ends() -> None:
    from tests.support.waiting import wait_until

    screen = Terminal()
    with console.Progress("exporting", after=0, stream=screen).ticking():
        wait_until(lambda: "exporting… 0 s" in screen.getvalue(), timeout=5)
    end = len(screen.getvalue())
    assert screen.getvalue().endswith("\r\033[K")
    piped = io.StringIO()
    with console.Progress("exporting", after=0, stream=piped).ticking() as quiet:
        assert quiet._ticker is None  # no thread off a terminal
    assert piped.getvalue() == "" and len(screen.getvalue()) == end
