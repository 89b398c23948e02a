"""`python -m benchmarks [--quick]`: measure, print a table, write results.

Each figure is measured beside its anchor in the same run on the same
machine. The full run writes benchmarks/results.json and results.md and exits
1 when a target is missed. `--quick` uses small sizes, judges nothing and
writes nothing (the CI smoke run, so the benchmark cannot rot).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from benchmarks import api, firing, gui_heartbeat, memory, schedule, startup, things_import
from benchmarks.common import QUICK, Figure, Sizes

HERE = Path(__file__).parent


def run_all(sizes: Sizes, folder: Path, say: Callable[[str], None]) -> list[Figure]:
    figures: list[Figure] = []

    def step(name: str, measure: Callable[[], Figure | list[Figure]]) -> None:
        start = time.perf_counter()
        got = measure()
        figures.extend(got if isinstance(got, list) else [got])
        say(f"  {name}: {time.perf_counter() - start:.1f} s")

    step("schedule on a list", lambda: schedule.measure(folder, sizes))
    step("import things", lambda: things_import.measure(folder, sizes))
    step("import things (YAML)", lambda: things_import.measure(folder, sizes, "YAML"))
    step("fire lateness", lambda: firing.lateness(folder, sizes))
    step("throughput", lambda: firing.throughput(folder, sizes))
    start = time.perf_counter()
    ledger = startup.big_ledger(folder / "big", sizes)
    say(f"  generating the big ledger: {time.perf_counter() - start:.1f} s")
    step("cold start", lambda: startup.cold_start(ledger, sizes))
    step("log filter", lambda: startup.log_filter(ledger, sizes))
    step("memory", lambda: memory.measure(folder, sizes))
    step("GUI heartbeat", lambda: gui_heartbeat.measure(folder, sizes))
    step("workflow API", lambda: api.measure(folder, sizes))
    return figures


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if value < 1 else f"{value:.2f}"


def table(figures: list[Figure]) -> str:
    lines = [
        "| figure | Cueflow | anchor (same run) | anchor value | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        met = "—" if f.met is None else ("yes" if f.met else "**no**")
        value = f"{_number(f.value)} {f.unit}"
        if not f.anchors:
            lines.append(f"| {f.name} | {value} | — | — | — | {f.target} | {met} |")
        for number, anchor in enumerate(f.anchors):
            ratio = f.ratio(anchor)
            first = number == 0
            lines.append(
                f"| {f.name if first else '″'} | {value if first else ''} | {anchor.name} | "
                f"{_number(anchor.value)} {f.unit} | "
                f"{'—' if ratio is None else f'{ratio:.2f}×'} | "
                f"{f.target if first else ''} | {met if first else ''} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, judge nothing")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else Sizes()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cueflow-bench-") as tmp:
        figures = run_all(sizes, Path(tmp), lambda line: print(line, file=sys.stderr))
    took = time.perf_counter() - began
    if args.quick:
        for figure in figures:
            figure.met = None
    text = table(figures)
    print(text)
    machine = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    kind = "quick (smoke, not judged)" if args.quick else "full"
    print(f"\n{kind} run in {took:.0f} s on {machine}")
    if not args.quick:
        (HERE / "results.json").write_text(
            json.dumps(
                {
                    "machine": machine,
                    "seconds": round(took, 1),
                    "figures": [asdict(f) for f in figures],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
        (HERE / "results.md").write_text(
            f"{text}\n\nMeasured by `python -m benchmarks` in {took:.0f} s on {machine}.\n",
            encoding="utf-8",
        )
    return 1 if any(f.met is False for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
