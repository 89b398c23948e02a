"""Importing a workflow file of 100,000 things (issue 17).

Cueflow: `import_text` of a workflow file (a data type and its things), in
JSON and in YAML as `cueflow export` writes it, from the text to the
transaction committed, every value checked. Anchor: a raw
SQLite `executemany` of the same rows (already encoded) into a fresh database
of the same schema, committed: the floor any import stands on.

`python -m benchmarks.things_import [--quick]` measures just these figures.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import yaml

from app.core.ids import new_ids
from app.core.types import utcnow
from app.storage.db import init_db
from app.storage.models import to_db_time
from app.workflow_file import import_text
from benchmarks.common import QUICK, Anchor, Figure, Sizes

TARGET_SECONDS = 2.0


def things_file(count: int) -> str:
    things = [
        {"email": f"user{i}@example.com", "name": f"User {i}", "age": i % 90} for i in range(count)
    ]
    fields = {"email": "text", "name": "text", "age": "number"}
    return json.dumps(
        {"cueflow": 1, "data_types": {"User": {"fields": fields}}, "things": {"User": things}}
    )


def _raw_insert(path: Path, count: int) -> float:
    """The same rows, encoded beforehand, by one executemany and a commit."""
    init_db(f"sqlite:///{path}").dispose()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("INSERT INTO data_types (id, name, privacy) VALUES (1, 'User', '{}')")
        now = to_db_time(utcnow())
        rows = [
            (
                thing_id,
                1,
                json.dumps({"email": f"user{i}@example.com", "name": f"User {i}", "age": i % 90}),
                now,
                now,
            )
            for i, thing_id in enumerate(new_ids(count))
        ]
        start = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO things (id, data_type_id, data, created_at, modified_at) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        connection.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        connection.close()


def measure(folder: Path, sizes: Sizes, form: str = "JSON") -> Figure:
    count = sizes.list_items
    text = things_file(count)
    if form == "YAML":  # as `cueflow export` writes it
        text = yaml.safe_dump(json.loads(text), sort_keys=False, allow_unicode=True)
    db = init_db(f"sqlite:///{folder / f'import-{form}.db'}")
    try:
        start = time.perf_counter()
        summary = import_text(db, text)
        took = time.perf_counter() - start
    finally:
        db.dispose()
    assert summary.things == count, summary
    raw = _raw_insert(folder / f"import-raw-{form}.db", count)
    return Figure(
        name=f"import a workflow file of {count:,} things ({form}, checked, committed)",
        value=took,
        unit="s",
        target=f"≤ {TARGET_SECONDS:g} s",
        met=took <= TARGET_SECONDS,
        anchors=[Anchor("raw SQLite executemany of the same rows, encoded beforehand", raw)],
        details={"things": count, "file_bytes": len(text)},
    )


def main(argv: list[str]) -> int:
    sizes = QUICK if "--quick" in argv else Sizes()
    with tempfile.TemporaryDirectory(prefix="cueflow-bench-") as tmp:
        figures = [measure(Path(tmp), sizes, form) for form in ("JSON", "YAML")]
    for figure in figures:
        anchor = figure.anchors[0]
        print(
            f"{figure.name}: {figure.value:.3f} s; {anchor.name}: {anchor.value:.3f} s "
            f"({figure.value / anchor.value:.1f}×); target {figure.target}: "
            f"{'met' if figure.met else 'MISSED'}"
        )
    return 0 if all(f.met for f in figures) or "--quick" in argv else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
