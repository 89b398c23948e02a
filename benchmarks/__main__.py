"""`python -m benchmarks [--quick]`: measure, print a table, write benchmarks/results.json.

Each figure is measured beside its anchor in the same run on the same
machine; the ratio is what is judged. `--quick` uses small sizes and judges
nothing (the CI smoke run, so the benchmark cannot rot).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from app.core.ids import new_id
from app.core.types import utcnow
from app.engine.service import Service
from app.storage import models as m
from app.storage.db import init_db
from app.workflow_file import import_text

FLOWS = """
cueflow: 1
data_types:
  Member: {fields: {name: text}}
workflows:
  greet:
    parameters: {member: {type: Member}}
    steps: [{action: log, with: {message: "hi {{ member.name }}"}}]
"""


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    anchor: str
    anchor_value: float
    target: str
    met: bool | None


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def schedule_on_list(folder: Path, n: int) -> Figure:
    """Engine call to committed rows, beside a raw SQLite bulk insert of the same rows."""
    db = init_db(f"sqlite:///{folder / 'list.db'}")
    import_text(db, FLOWS)
    now = utcnow()
    with db.write() as session:
        type_id = session.scalar(select(m.DataType.id).where(m.DataType.name == "Member"))
        rows = [
            {
                "id": new_id(),
                "data_type_id": type_id,
                "data": {"name": f"m{i}"},
                "created_at": now,
                "modified_at": now,
            }
            for i in range(n)
        ]
        session.execute(insert(m.Thing), rows)
    ids = [row["id"] for row in rows]
    service = Service(db)
    at = utcnow() + timedelta(hours=1)
    engine_s = timed(lambda: service.schedule_on_list("greet", ids, "member", {}, at=at))

    raw = sqlite3.connect(folder / "raw.db")
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute(
        "CREATE TABLE runs (id TEXT PRIMARY KEY, workflow TEXT, status TEXT, "
        "scheduled_for TEXT, params TEXT)"
    )
    raw.execute("CREATE INDEX ix ON runs (status, scheduled_for)")

    def raw_insert() -> None:
        with raw:
            raw.executemany(
                "INSERT INTO runs VALUES (?, ?, 'scheduled', ?, ?)",
                ((new_id(), "greet", at.isoformat(), json.dumps({"member": i})) for i in ids),
            )

    raw_s = timed(raw_insert)
    raw.close()
    db.dispose()
    ratio = engine_s / raw_s
    return Figure(
        f"schedule on a list of {n:,} things",
        engine_s,
        "s",
        "raw SQLite bulk insert",
        raw_s,
        "≤ 10× the floor and ≤ 2 s",
        ratio <= 10 and engine_s <= 2,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, judge nothing")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        figures = [schedule_on_list(Path(tmp), n)]
    if args.quick:
        for figure in figures:
            figure.met = None
    print("| figure | value | anchor | anchor value | ratio | target | met |")
    print("|---|---|---|---|---|---|---|")
    for f in figures:
        met = "—" if f.met is None else ("yes" if f.met else "NO")
        print(
            f"| {f.name} | {f.value:.3f} {f.unit} | {f.anchor} | {f.anchor_value:.3f} "
            f"{f.unit} | {f.value / f.anchor_value:.1f}× | {f.target} | {met} |"
        )
    out = Path(__file__).with_name("results.json")
    if not args.quick:
        out.write_text(json.dumps([asdict(f) for f in figures], indent=2))
    return 1 if any(f.met is False for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
