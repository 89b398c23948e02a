"""What every figure shares: the result row, timing, waiting and memory readings."""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Anchor:
    """What a figure is measured beside, in the same run."""

    name: str
    value: float


@dataclass
class Figure:
    """One measured figure: Cueflow's value, its anchors, the target and whether it is met."""

    name: str
    value: float
    unit: str
    target: str
    met: bool | None
    anchors: list[Anchor] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def ratio(self, anchor: Anchor) -> float | None:
        return self.value / anchor.value if anchor.value else None


@dataclass(frozen=True)
class Sizes:
    """How big each figure's workload is (full run, or the CI smoke run)."""

    list_items: int = 100_000
    naive_jobs: int = 2_000
    lateness_ledger: int = 10_000
    lateness_due: int = 500
    lateness_window: float = 5.0
    throughput_runs: int = 2_000
    throughput_rounds: int = 3  # Cueflow and each anchor, in turn; the median of each
    cold_upcoming: int = 100_000
    cold_history: int = 1_000_000
    memory_upcoming: int = 100_000
    heartbeat_runs: int = 2_000
    api_requests: int = 3_000


QUICK = Sizes(
    list_items=2_000,
    naive_jobs=200,
    lateness_ledger=1_000,
    lateness_due=50,
    lateness_window=1.0,
    throughput_runs=100,
    throughput_rounds=1,
    cold_upcoming=2_000,
    cold_history=20_000,
    memory_upcoming=5_000,
    heartbeat_runs=100,
    api_requests=200,
)


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(times: int, fn: Callable[[], Any]) -> float:
    """The median of `times` runs: steady state, not the first cold call."""
    return statistics.median(timed(fn) for _ in range(times))


def wait_until(condition: Callable[[], bool], timeout: float, every: float = 0.001) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(every)
    return condition()


def rss_bytes() -> int:
    """This process's resident set size now (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return peak_rss_bytes()


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if os.uname().sysname == "Darwin" else peak * 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]
