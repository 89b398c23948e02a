"""What differs between SQLite and PostgreSQL, in one small object per database.

The stores write their hot statements as plain SQL with `?` placeholders
(SQLite's own style, run on the sqlite3 connection as it is); on PostgreSQL the
same text runs through psycopg with `%s`. Where the SQL itself differs (JSON
functions, `IS` between values, a new row's ID) the statement lives here, once
per database, as procrastinate keeps its queries and huey its `begin_sql`.
Values cross with the database's own forms: times as sortable UTC text in
SQLite and `timestamptz` in PostgreSQL, JSON as text and `jsonb`.
"""

from __future__ import annotations

import json
import sqlite3
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, ClassVar, Protocol

from sqlalchemy import String, cast
from sqlalchemy.sql import ColumnElement

from app.core import json_text
from app.storage.column_types import from_db_time, to_db_time


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Any: ...


class Raw(Protocol):
    """A transaction's driver connection, as the stores use it (sqlite3's interface)."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, rows: Any, /) -> Cursor: ...


Update = tuple[str, list[Any]]  # an UPDATE statement and its arguments


@dataclass(frozen=True)
class Where:
    """Which rows a JSON edit changes (`sql` with `args`), and what else it sets
    (`also`: ", column = ?" … with `also_args`)."""

    sql: str
    args: Sequence[Any] = ()
    also: str = ""
    also_args: Sequence[Any] = ()


class Side:
    """One database's forms (see the module docstring); subclasses fill them in."""

    name: ClassVar[str]
    # `a IS b` where either may be NULL (SQLite's IS, PostgreSQL's IS NOT DISTINCT FROM).
    same: ClassVar[str]
    # What makes an INSERT give back its row ID (see last_id).
    returning_id: ClassVar[str]
    # A data type's name and privacy rules as text (a cache key: hashable), by ID.
    type_row: ClassVar[str]
    # The Upcoming/History text search over a run's workflow, ID and parameters.
    run_search: ClassVar[str]
    # Taken in a schema upgrade's transaction so that processes starting at once
    # upgrade once ("": the database's own write lock suffices, one file, one process).
    schema_lock: ClassVar[str]
    # Whether the database takes one writer at a time (SQLite: its file lock), so a
    # process's writers queue on its own lock first (db.WriteLock) rather than on
    # the busy handler. False: the server's row locks keep writers apart, within a
    # process as between processes.
    one_writer: ClassVar[bool]

    def time(self, value: datetime) -> Any:
        raise NotImplementedError

    def read_time(self, raw: Any) -> datetime:
        raise NotImplementedError

    def json(self, value: Any) -> Any:
        raise NotImplementedError

    def read_json(self, raw: Any) -> Any:
        raise NotImplementedError

    def raw(self, connection: Any) -> Raw:
        raise NotImplementedError

    def configure(self, engine: Any) -> None:
        """Hook the side's needs into a new SQLAlchemy engine (none by default)."""

    def execute_later(self, raw: Raw, sql: str) -> None:
        """A statement with no parameters and no result that nothing reads before the
        next one (SAVEPOINT, RELEASE): executed now, or (PostgreSQL) sent with the
        next statement of the transaction, saving a round trip."""
        raw.execute(sql)

    def last_id(self, cursor: Any) -> int:
        raise NotImplementedError

    def changes(self, raw: Raw) -> int | None:
        """Rows this connection has inserted, changed or deleted since it opened (a
        counter to tell that nothing was written between two moments), or None
        where the side keeps no such count."""
        return None

    def insert_rows(self, raw: Raw, table: str, columns: Sequence[str], rows: list[Any]) -> None:
        """Many rows into `table` at once (values in the side's own forms; JSON as text)."""
        raise NotImplementedError

    def contains(self, column: Any, pattern: str) -> ColumnElement[bool]:
        """`column` (text or JSON) contains `pattern` (a LIKE pattern), as a search box reads."""
        raise NotImplementedError

    # --- JSON edits (arguments: keys of the JSON object, not paths) -------------

    def rename_key(self, table_id: int, old: str, new: str) -> list[tuple[str, list[Any]]]:
        """Statements moving things' values from key `old` to `new` (see catalog)."""
        raise NotImplementedError

    def drop_from_list(self, table: str, column: str, key: str, value: str, where: Where) -> Update:
        """UPDATE `table` removing `value` from the list at `key` of `column` (in the
        rows `where` chooses, and setting what it also sets)."""
        raise NotImplementedError

    def drop_key_equal(self, table: str, column: str, key: str, value: str, where: Where) -> Update:
        """UPDATE `table` removing `key` of `column` where it holds the text `value`."""
        raise NotImplementedError

    def key_equals(self, column: str, key: str, value: Any) -> tuple[str, list[Any]]:
        """A condition: `column`'s `key` holds the JSON value `value` (None: unset or null)."""
        raise NotImplementedError

    def key_is_text(self, column: str, key: str, value: str) -> tuple[str, list[Any]]:
        """A condition: `column`'s `key` holds the text `value`."""
        raise NotImplementedError

    def list_holds(self, table: str, column: str, key: str, value: str) -> tuple[str, list[Any]]:
        """A condition: `column`'s `key` is a list holding the text `value`."""
        raise NotImplementedError


# sqlite3 binds None and a bool as what they are (NULL, 0 or 1), but only after
# looking for an adapter the slow way: two failed attribute lookups, each formatting
# an AttributeError (`__adapt__` on its protocol, `__conform__` on the value), for
# every such value bound: seven a row of a list's runs, eight a run's statements
# (issue 18). Registered, the lookup is one dict hit, and what is stored is the
# same. (None's adapter is an empty dict's `get`: a C function giving None for
# anything, cheaper to call than a Python one.)
sqlite3.register_adapter(bool, int)
sqlite3.register_adapter(type(None), typing.cast("Callable[[None], None]", {}.get))


class SqliteSide(Side):
    name = "sqlite"
    same = "IS"
    returning_id = ""
    type_row = "SELECT name, privacy FROM data_types WHERE id = ?"
    run_search = "(workflow LIKE ? OR id LIKE ? OR params LIKE ?)"
    schema_lock = ""
    one_writer = True

    time = staticmethod(to_db_time)
    read_time = staticmethod(from_db_time)  # type: ignore[assignment]
    json = staticmethod(json_text.dumps)  # type: ignore[assignment]

    def read_json(self, raw: Any) -> Any:
        return json.loads(raw) if isinstance(raw, str | bytes) else raw

    def raw(self, connection: Any) -> Raw:
        return connection  # type: ignore[no-any-return]  # sqlite3.Connection as it is

    def last_id(self, cursor: Any) -> int:
        return int(cursor.lastrowid)

    def changes(self, raw: Raw) -> int | None:
        return int(raw.total_changes)  # type: ignore[attr-defined]  # (sqlite3.Connection)

    def insert_rows(self, raw: Raw, table: str, columns: Sequence[str], rows: list[Any]) -> None:
        marks = ", ".join("?" for _ in columns)
        raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def contains(self, column: Any, pattern: str) -> ColumnElement[bool]:
        return cast(column, String).like(pattern)  # (SQLite's LIKE ignores ASCII case)

    @staticmethod
    def _path(key: str) -> str:
        return f'$."{key}"'

    def rename_key(self, table_id: int, old: str, new: str) -> list[tuple[str, list[Any]]]:
        old_path, new_path = self._path(old), self._path(new)
        return [
            (  # first the leftovers where there is nothing to move…
                "UPDATE things SET data = json_remove(data, ?) "
                "WHERE data_type_id = ? AND json_type(data, ?) IS NULL "
                "AND json_type(data, ?) IS NOT NULL",
                [new_path, table_id, old_path, new_path],
            ),
            (  # …then the move, over any leftover
                "UPDATE things SET data = json_set(json_remove(data, ?, ?), ?, json(data -> ?)) "
                "WHERE data_type_id = ? AND json_type(data, ?) IS NOT NULL",
                [old_path, new_path, new_path, old_path, table_id, old_path],
            ),
        ]

    def drop_from_list(self, table: str, column: str, key: str, value: str, where: Where) -> Update:
        path = self._path(key)
        holds, holds_args = self.list_holds(table, column, key, value)
        return (
            f"UPDATE {table} SET {column} = json_set({column}, ?, json(("
            f"  SELECT json_group_array(item.value) FROM json_each({table}.{column}, ?) AS item"
            f"  WHERE item.value IS NOT ?))){where.also} WHERE {where.sql} AND {holds}",
            [path, path, value, *where.also_args, *where.args, *holds_args],
        )

    def drop_key_equal(self, table: str, column: str, key: str, value: str, where: Where) -> Update:
        equal, equal_args = self.key_is_text(column, key, value)
        return (
            f"UPDATE {table} SET {column} = json_remove({column}, ?){where.also} "
            f"WHERE {where.sql} AND {equal}",
            [self._path(key), *where.also_args, *where.args, *equal_args],
        )

    def key_equals(self, column: str, key: str, value: Any) -> tuple[str, list[Any]]:
        if value is None:  # an empty field: unset or null
            return f"json_extract({column}, ?) IS NULL", [f"$.{key}"]
        # compared as SQLite sees JSON values (true is 1, text is text)
        return f"json_extract({column}, ?) = json_extract(?, '$')", [f"$.{key}", json.dumps(value)]

    def key_is_text(self, column: str, key: str, value: str) -> tuple[str, list[Any]]:
        return f"json_extract({column}, ?) = ?", [self._path(key), value]

    def list_holds(self, table: str, column: str, key: str, value: str) -> tuple[str, list[Any]]:
        return (
            f"EXISTS (SELECT 1 FROM json_each({table}.{column}, ?) WHERE value = ?)",
            [self._path(key), value],
        )


# On a psycopg connection: statements execute_later holds back for its next one.
_LATER = "_cueflow_later"


def _send_later(connection: Any) -> None:
    """Send what Side.execute_later held back, before a statement that did not carry it (the
    ORM's): one round trip (a pipeline) however many there are."""
    later = getattr(connection, _LATER, None)
    if later:
        setattr(connection, _LATER, None)
        with connection.pipeline():
            for sql in later:
                connection.execute(sql)


def _drop_later(connection: Any) -> None:
    """The transaction ends (commit, rollback, back to the pool): a SAVEPOINT or
    RELEASE held back has nothing left to do (COMMIT releases every savepoint)."""
    if getattr(connection, _LATER, None):
        setattr(connection, _LATER, None)


class _PostgresRaw:
    """psycopg's connection with sqlite3's calls; `?` placeholders become `%s`.

    Side.execute_later holds a SAVEPOINT or RELEASE back and sends it in one pipeline
    with the next statement: a run's two savepoints and their releases cost no
    round trips of their own (a third of a three-step run's, which on a busy
    machine wait for both processes to be scheduled). The server executes them
    in the same order; only an error of the held-back statement would be raised
    by the next one, and they fail only in a transaction already failed, where
    the next statement fails anyway."""

    __slots__ = ("connection",)
    _converted: ClassVar[dict[str, str]] = {}

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    @classmethod
    def _sql(cls, sql: str) -> str:
        converted = cls._converted.get(sql)
        if converted is None:
            if len(cls._converted) > 2000:
                cls._converted.clear()
            converted = cls._converted[sql] = sql.replace("?", "%s")
        return converted

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        # (a failed statement leaves it open but refusing: a rollback to a savepoint mends it)
        status = self.connection.info.transaction_status
        if status == TransactionStatus.IDLE and getattr(self.connection, _LATER, None):
            return True  # its first statement is held back (see execute_later)
        return status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)

    def later(self, sql: str) -> None:
        later = getattr(self.connection, _LATER, None)
        if later is None:
            setattr(self.connection, _LATER, [sql])
        else:
            later.append(sql)

    def execute(self, sql: str, parameters: Any = None, /) -> Any:
        connection = self.connection
        later = getattr(connection, _LATER, None)
        if not later:
            return connection.execute(self._sql(sql), parameters)
        setattr(connection, _LATER, None)
        with connection.pipeline():  # (results and errors arrive as it ends)
            for held in later:
                connection.execute(held)
            cursor = connection.execute(self._sql(sql), parameters)
        return cursor

    def executemany(self, sql: str, rows: Any, /) -> Any:
        _send_later(self.connection)
        cursor = self.connection.cursor()
        cursor.executemany(self._sql(sql), rows)
        return cursor

    def commit_if(self, check: str, parameters: Any, then: Sequence[str]) -> bool:
        """What is held back, `check`, `then` and COMMIT in one pipeline: one round trip.
        `check` raises division_by_zero in the server when the transaction must not
        commit: then nothing after it runs (the server skips the rest of a pipeline
        after an error), the transaction is left failed to be rolled back, and the
        answer is False."""
        from psycopg import errors

        connection = self.connection
        later = getattr(connection, _LATER, None) or ()
        setattr(connection, _LATER, None)
        try:
            with connection.pipeline():
                for held in later:
                    connection.execute(held)
                connection.execute(self._sql(check), parameters)
                for sql in then:
                    connection.execute(sql)
                connection.execute("COMMIT")
        except errors.DivisionByZero:
            return False
        return True


@cache
def _time_text() -> type:
    """COPY's dumper for (aware) datetimes: each distinct value formatted once, as
    ISO 8601 text the server reads into timestamptz. A list's 100,000 runs carry
    the same due time and creation time in every row; psycopg's own dumper
    formatted each again (measured: 0.38–0.42 s of a 100,000-row COPY's 0.4–0.5 s
    in the client, 0.27–0.30 s with this)."""
    import psycopg
    from psycopg.adapt import Dumper

    class TimeText(Dumper):
        oid = psycopg.adapters.types["timestamptz"].oid

        def __init__(self, cls: type, context: Any = None) -> None:
            super().__init__(cls, context)
            self._seen: dict[datetime, bytes] = {}

        def dump(self, obj: datetime) -> bytes:
            text = self._seen.get(obj)
            if text is None:
                if obj.tzinfo is None:
                    raise ValueError("naive datetime given to the database")
                if len(self._seen) > 4096:
                    self._seen.clear()
                text = self._seen[obj] = obj.isoformat().encode()
            return text

    return TimeText


class PostgresSide(Side):
    name = "postgresql"
    same = "IS NOT DISTINCT FROM"
    returning_id = " RETURNING id"
    type_row = "SELECT name, privacy::text FROM data_types WHERE id = ?"
    run_search = "(workflow ILIKE ? OR id ILIKE ? OR params::text ILIKE ?)"
    schema_lock = "SELECT pg_advisory_xact_lock(8130206114)"  # (a fixed key: Cueflow's schema)
    one_writer = False

    def time(self, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value

    def read_time(self, raw: Any) -> datetime:
        value: datetime = raw
        return value if value.tzinfo is UTC else value.astimezone(UTC)

    def json(self, value: Any) -> Any:
        from psycopg.types.json import Jsonb

        return Jsonb(value, json_text.dumps)  # (the encoder built once, as on SQLite)

    def read_json(self, raw: Any) -> Any:
        return json.loads(raw) if isinstance(raw, str | bytes) else raw  # jsonb arrives decoded

    def raw(self, connection: Any) -> Raw:
        return _PostgresRaw(connection)

    def execute_later(self, raw: Raw, sql: str) -> None:
        assert isinstance(raw, _PostgresRaw)
        raw.later(sql)

    def commit_if(self, raw: Raw, check: str, parameters: Any, then: Sequence[str]) -> bool:
        assert isinstance(raw, _PostgresRaw)
        return raw.commit_if(check, parameters, then)

    def configure(self, engine: Any) -> None:
        """What execute_later held back goes before any statement of the ORM's, and is
        dropped when the transaction ends (see _PostgresRaw)."""
        from sqlalchemy import event

        def before_execute(conn: Any, *_: Any) -> None:
            _send_later(conn.connection.driver_connection)

        def ended(conn: Any) -> None:
            _drop_later(conn.connection.driver_connection)

        def checked_in(dbapi_connection: Any, _record: Any) -> None:
            _drop_later(getattr(dbapi_connection, "driver_connection", dbapi_connection))

        event.listen(engine, "before_cursor_execute", before_execute)
        event.listen(engine, "commit", ended)
        event.listen(engine, "rollback", ended)
        event.listen(engine, "checkin", checked_in)

    def last_id(self, cursor: Any) -> int:
        return int(cursor.fetchone()[0])

    def insert_rows(self, raw: Raw, table: str, columns: Sequence[str], rows: list[Any]) -> None:
        # COPY: 100,000 runs in a fraction of what as many INSERTs take.
        assert isinstance(raw, _PostgresRaw)
        _send_later(raw.connection)
        names = ", ".join(f'"{column}"' for column in columns)
        with raw.connection.cursor() as cursor:
            cursor.adapters.register_dumper(datetime, _time_text())
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def contains(self, column: Any, pattern: str) -> ColumnElement[bool]:
        return cast(column, String).ilike(pattern)

    def rename_key(self, table_id: int, old: str, new: str) -> list[tuple[str, list[Any]]]:
        return [
            (
                "UPDATE things SET data = data - ?::text WHERE data_type_id = ? "
                "AND NOT jsonb_exists(data, ?::text) AND jsonb_exists(data, ?::text)",
                [new, table_id, old, new],
            ),
            (
                "UPDATE things SET data = jsonb_set(data - ?::text - ?::text, ARRAY[?::text], "
                "data -> ?::text) WHERE data_type_id = ? AND jsonb_exists(data, ?::text)",
                [old, new, new, old, table_id, old],
            ),
        ]

    def drop_from_list(self, table: str, column: str, key: str, value: str, where: Where) -> Update:
        holds, holds_args = self.list_holds(table, column, key, value)
        return (
            f"UPDATE {table} SET {column} = jsonb_set({column}, ARRAY[?::text], COALESCE(("
            f"  SELECT jsonb_agg(item) FROM jsonb_array_elements({column} -> ?::text) AS item"
            f"   WHERE item <> to_jsonb(?::text)), '[]'::jsonb)){where.also} "
            f"WHERE {where.sql} AND {holds}",
            [key, key, value, *where.also_args, *where.args, *holds_args],
        )

    def drop_key_equal(self, table: str, column: str, key: str, value: str, where: Where) -> Update:
        equal, equal_args = self.key_is_text(column, key, value)
        return (
            f"UPDATE {table} SET {column} = {column} - ?::text{where.also} "
            f"WHERE {where.sql} AND {equal}",
            [key, *where.also_args, *where.args, *equal_args],
        )

    def key_equals(self, column: str, key: str, value: Any) -> tuple[str, list[Any]]:
        if value is None:  # an empty field: unset or null
            return f"COALESCE({column} -> ?::text, 'null'::jsonb) = 'null'::jsonb", [key]
        return f"{column} -> ?::text = ?::jsonb", [key, json.dumps(value)]

    def key_is_text(self, column: str, key: str, value: str) -> tuple[str, list[Any]]:
        return f"{column} -> ?::text = to_jsonb(?::text)", [key, value]

    def list_holds(self, table: str, column: str, key: str, value: str) -> tuple[str, list[Any]]:
        return (
            f"jsonb_typeof({column} -> ?::text) = 'array' "
            f"AND {column} -> ?::text @> jsonb_build_array(?::text)",
            [key, key, value],
        )


SIDES: dict[str, Side] = {"sqlite": SqliteSide(), "postgresql": PostgresSide()}
