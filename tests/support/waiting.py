"""Waiting for a condition instead of sleeping a fixed time."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any


def _describe(condition: Callable[[], Any]) -> str:
    """The condition's source line (a lambda) or its name, for the failure message."""
    try:
        source = inspect.getsource(condition).strip()
    except (OSError, TypeError):
        return getattr(condition, "__qualname__", repr(condition))
    return " ".join(source.split())[:200]


def wait_until(
    condition: Callable[[], Any],
    timeout: float = 10.0,
    every: float = 0.02,
    message: str = "",
) -> Any:
    """Poll `condition` until it is truthy and return its value.

    Raises AssertionError after `timeout` seconds, naming the condition (or
    `message`) and the last value it returned.
    """
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            what = message or _describe(condition)
            raise AssertionError(
                f"condition not met within {timeout} s: {what} (last value: {value!r})"
            )
        time.sleep(every)


def eventually(condition: Callable[[], Any], timeout: float = 10.0, every: float = 0.02) -> Any:
    """Like `wait_until`, but give the last value instead of raising: for callers whose
    own assertion says more (`assert eventually(lambda: …), process.stderr`)."""
    try:
        return wait_until(condition, timeout=timeout, every=every)
    except AssertionError:
        return condition()
