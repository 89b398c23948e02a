"""What sqlite3 binds for None and bools once app.storage is loaded: the same NULL,
0 and 1, found by one adapter lookup instead of two failed attribute lookups each
(issue 18: seven such values a row of a scheduled list, eight a run)."""

from __future__ import annotations

import sqlite3

import app.storage.dialects  # noqa: F401  (registers the adapters)


def test_none_and_bools_are_bound_through_a_registered_adapter() -> None:
    for value in (None, True):
        assert (type(value), sqlite3.PrepareProtocol) in sqlite3.adapters


def test_what_is_stored_is_unchanged() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a, b, c)")
    conn.execute("INSERT INTO t VALUES (?, ?, ?)", (None, True, False))
    row = conn.execute("SELECT a IS NULL, typeof(a), b, typeof(b), c FROM t").fetchone()
    assert row == (1, "null", 1, "integer", 0)
    assert conn.execute("SELECT count(*) FROM t WHERE a IS ?", (None,)).fetchone() == (1,)
