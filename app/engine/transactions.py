"""The transactions a run writes through: its segment, and a worker's batch.

A run writes through one open transaction, its Segment: the claim, each data
step's changes with that step's record, the log and the end commit together.
A step with an outside effect commits the segment first and runs outside any
transaction, so a slow server never holds the write lock. A worker with
several due runs executes them in a Batch: their segments are savepoints of
one transaction (group commit). See app.engine.runner for the step loop.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.engine.events import EventBus, RunChanged
from app.storage import catalog, ledger, schedulers
from app.storage.db import (
    Database,
    changes,
    release,
    rollback_to,
    rollback_within,
    savepoint,
    transaction_alive,
)

_T = TypeVar("_T")

# A segment that has been open this long is committed after its current step,
# so other writers (the window, other runs) never wait much longer for the lock.
SEGMENT_SECONDS = 0.02
# On a database server no process-wide write lock is held (dialects.Side.one_writer):
# an open transaction blocks only its own rows, so it may stay open longer, and its
# age is counted in the CPU time its worker thread spent (time.thread_time), up to a
# wall-clock cap. Fewer commits, each with its lease check and fresh catalogue
# reads. Measured with four runners on two busy cores: wall-clock limits meant
# more commits the busier the machine (20 ms: one after nearly every step; 250 ms:
# one per run at load 15), each costing CPU, so busier still.
SERVER_SEGMENT_CPU_SECONDS = 0.02
SERVER_SEGMENT_SECONDS = 1.0


class _Aged(Protocol):
    opened: float  # time.monotonic() when it was opened
    cpu_opened: float  # time.thread_time() then


def is_old(db: Database, unit: _Aged) -> bool:
    """Whether a segment or batch has been open long enough to commit, on this database."""
    age = time.monotonic() - unit.opened
    if db.side.one_writer:
        return age >= SEGMENT_SECONDS
    return (
        age >= SERVER_SEGMENT_SECONDS
        or time.thread_time() - unit.cpu_opened >= SERVER_SEGMENT_CPU_SECONDS
    )


class SegmentOwner(Protocol):
    """What a segment needs of the runner that owns it (app.engine.runner.Runner)."""

    db: Database
    events: EventBus
    owner: str | None  # the scheduler whose lease its commits need (team mode)

    def current_batch(self) -> Batch | None:
        """This thread's open batch, if any."""

    def queue_log(self, run_id: str, message: str, level: str = "info") -> None:
        """Queue a line for the run's log; it is written with the run's next commit."""

    def take_log(self, run_id: str) -> list[tuple[str, str]]:
        """Take the run's queued (message, level) log lines, to be written now."""


class _Unit:
    """A db.write() unit of work held open across calls (committed or rolled back later)."""

    def __init__(self, db: Database, owner: str | None = None) -> None:
        self._context = db.write(urgent=False)
        self.session = self._context.__enter__()
        self.opened = time.monotonic()
        self.cpu_opened = time.thread_time()  # (this thread's CPU time: see is_old)
        self.owner = owner

    def commit(self) -> None:
        try:
            check_alive(self.session)
            # (PostgreSQL: the lease check and the COMMIT in one round trip)
            if self.owner is not None and not schedulers.hold(
                self.session, self.owner, commit=True
            ):
                raise LeaseLost(self.owner)
        except Exception:  # (lost, or the commit's round trip failed: nothing committed)
            self.rollback()
            raise
        self._context.__exit__(None, None, None)

    def rollback(self) -> None:
        try:
            self._context.__exit__(_Abandoned, _Abandoned(), None)
        except _Abandoned:
            pass
        except DBAPIError as exc:
            # The connection is gone (a server ended the session): so is the
            # transaction, with nothing left to undo. Not raised over the error
            # that is on its way up (it tells what happened).
            if not exc.connection_invalidated:
                raise


class TransactionLost(Exception):
    """SQLite rolled the whole transaction back itself (disk full, I/O error).

    Nothing written since it began is there: no record of it may be written
    in its place (that would go in outside any transaction) and nothing of it
    may be announced. It travels up to whoever opened the transaction.
    """

    def __str__(self) -> str:
        return "the database rolled the transaction back (disk full or I/O error)"


class LeaseLost(TransactionLost):
    """This scheduler was found dead (its lease expired) and its runs taken over:
    what its transaction wrote is rolled back, and none of it is recorded."""

    def __init__(self, owner: str) -> None:
        super().__init__()
        self.owner = owner

    def __str__(self) -> str:
        return f"scheduler {self.owner} lost its lease; its runs were taken over"


def check_alive(session: Session) -> None:
    """Raise TransactionLost if SQLite has rolled the session's transaction back."""
    if not transaction_alive(session):
        raise TransactionLost()


class Batch:
    """Runs one worker executes back to back, sharing one write transaction.

    A commit costs more than a small run's own writes (the WAL pages of the
    ledger's indexes are written out once per commit), so a worker with more
    due runs keeps its transaction for up to SEGMENT_SECONDS (group commit).
    Each run is a savepoint in it, taken just after its claim: a run that
    breaks is rolled back alone, to scheduled (its claim is written with its
    end, see Segment.claim), and failed after the batch.
    What the runs say (events) is said once the transaction is committed.
    The step records and log lines of the runs that ended in it are written
    just before the commit, each table in one executemany.
    """

    def __init__(self, runner: SegmentOwner) -> None:
        self.runner = runner
        self.unit: _Unit | None = None
        self.events: list[Any] = []
        self.rows = _Rows()
        # Segments' savepoints open in its transaction now. Each is named by its
        # depth: a name unique among the open ones that recurs from run to run,
        # so SQLite's statement cache keeps it prepared (a new name per segment
        # cost a prepare of its SAVEPOINT and RELEASE each time).
        self.open_segments = 0

    def session(self) -> Session:
        if self.unit is None:
            self.unit = _Unit(self.runner.db, self.runner.owner)
        return self.unit.session

    @property
    def young(self) -> bool:
        """Whether it may take another run: not open for long, nobody else waiting."""
        if self.unit is None:
            return True
        db = self.runner.db
        return not is_old(db, self.unit) and not db.write_lock.wanted

    def commit(self) -> None:
        unit, self.unit = self.unit, None
        events, self.events = self.events, []  # not said if the commit fails
        rows, self.rows = self.rows, _Rows()
        if unit is not None:
            try:
                rows.write(unit.session)
            except BaseException:
                unit.rollback()
                raise
            unit.commit()
        for event in events:
            self.runner.events.emit(event)

    def rollback(self) -> None:
        unit, self.unit = self.unit, None
        self.events = []
        self.rows = _Rows()
        self.open_segments = 0
        if unit is not None:
            unit.rollback()


class _Rows:
    """Step records and log lines waiting for their transaction's commit."""

    __slots__ = ("logs", "steps")

    def __init__(self) -> None:
        self.steps: list[list[Any]] = []
        self.logs: list[tuple[Any, ...]] = []

    def extend(self, other: _Rows) -> None:
        self.steps += other.steps
        self.logs += other.logs

    def write(self, session: Session) -> None:
        ledger.insert_step_rows(session, self.steps)
        ledger.insert_log_rows(session, self.logs)
        self.steps, self.logs = [], []


def _reading_through(segment: Segment) -> Callable[[], AbstractContextManager[Session]]:
    """Segment.reading for its loader, without the loader keeping the segment alive:
    with a bound method the two made a cycle each run, left to the garbage
    collector with all the run's objects hanging off it (issue 18). Things read
    in the run may outlive it: their loader then reads as any other does."""
    segment_ref = weakref.ref(segment)
    db = segment.runner.db

    def reading() -> AbstractContextManager[Session]:
        alive = segment_ref()
        return alive.reading() if alive is not None else db.read()

    return reading


class Segment:
    """The open write transaction of one run (see the module's docstring).

    It is opened on first use and committed before an outside step, at the
    run's end, and after any step once it has been open SEGMENT_SECONDS.
    Events about what it wrote are emitted only once that is committed: a
    listener never reads the ledger before the change is there. Inside a
    Batch, the segment is a savepoint of the batch's transaction.
    """

    def __init__(self, runner: SegmentOwner, run_id: str) -> None:
        self.runner = runner
        self.run_id = run_id
        self.loader = catalog.DbThingLoader(runner.db, reading=_reading_through(self))
        self.running: RunChanged | None = None  # said when a commit leaves the run running
        self._events: list[Any] = []
        self._unit: _Unit | None = None  # its own transaction, outside a batch
        self._batch: Batch | None = None  # the batch whose transaction it is part of
        self._session: Session | None = None
        self._savepoint = ""  # its name inside a batch (see Batch.open_segments)
        # When its savepoint was taken in a batch (see commit_if_old).
        self.opened = self.cpu_opened = 0.0
        # SQLite, in a batch: the connection's count of rows written (db.changes) as
        # the run's savepoint was taken right after its claim. While it is unchanged
        # the first data step needs no savepoint of its own: undoing to the run's
        # undoes the same, and the claim stays (see claim and savepoint).
        self._unwritten: int | None = None
        self._rows = _Rows()  # its step records, written when it commits
        # Its run's claim, peeked and not yet written (see claim): written before
        # anything that may read or change the run's row, or commit, else with its end.
        self.late: ledger.LateClaim | None = None

    def claim(
        self,
        take: Callable[[Session], _T | None],
        peek: Callable[[Session], _T | None] | None = None,
    ) -> _T | None:
        """`take` (a run's claim) in the open transaction, before the run's savepoint
        in a batch: a run that breaks afterwards is rolled back to just after its
        claim, and stays running until it is failed (Runner.fail_unexpected).

        In a batch, `peek` instead: it reads the run (on PostgreSQL locking its row)
        and leaves the claim to write later (`late`). No other connection can see
        the claim nor take the run before the batch commits, so the run's status
        is written once, with its end, unless something must see it running
        first (write_claim). A run that breaks is then still scheduled until it
        is failed."""
        batch = self.runner.current_batch()
        if batch is None or self._session is not None:
            return take(self.session())
        claimed = (take if peek is None else peek)(batch.session())
        if claimed is not None:
            session = self.session()
            self._unwritten = changes(session)
        return claimed

    def session(self) -> Session:
        if self._session is None:
            batch = self.runner.current_batch()
            if batch is not None:
                self._session = batch.session()
                self._session.flush()  # what the ORM holds belongs before the savepoint
                self._savepoint = f'"segment {batch.open_segments}"'
                savepoint(self._session, self._savepoint)
                self.opened, self.cpu_opened = time.monotonic(), time.thread_time()
                batch.open_segments += 1
                self._batch = batch
            else:
                self._unit = _Unit(self.runner.db, self.runner.owner)
                self._session = self._unit.session
        return self._session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """The open transaction to read through, or a short read session."""
        batch = self.runner.current_batch()
        if self._session is not None:
            yield self._session
        elif batch is not None and batch.unit is not None:
            yield batch.unit.session  # earlier runs' writes, not yet committed
        else:
            with self.runner.db.read() as session:
                yield session

    @contextmanager
    def savepoint(self) -> Iterator[Session]:
        """One data step: on an error its changes are undone, the rest stays."""
        session = self.session()
        session.flush()  # raw SAVEPOINTs do not flush: earlier ORM changes go in first
        unwritten, self._unwritten = self._unwritten, None
        own = unwritten is None or changes(session) != unwritten
        if own:
            savepoint(session, "step")
        try:
            yield session
            session.flush()
        except BaseException:
            self.check_alive()
            if own:
                rollback_to(session, "step")
            else:  # nothing written since the run's savepoint: back to it, kept open
                rollback_within(session, self._savepoint)
            catalog.take_changes(session)  # the undone changes fire nothing
            session.expunge_all()  # nor may ORM objects of undone rows linger
            raise
        if own:
            release(session, "step")

    def write_claim(self) -> None:
        """Write the run's peeked claim now: from here on its row says running.
        Before a step that may read or change runs, and before any commit."""
        late, self.late = self.late, None
        if late is not None and not ledger.claim_later(self.session(), late):
            raise RuntimeError(f"run {late.run_id} changed while its claim was unwritten")

    def take_late(self) -> ledger.LateClaim | None:
        """The claim still unwritten, for the run's end to write with it (ledger.finish)."""
        late, self.late = self.late, None
        return late

    def record_step(self, values: dict[str, Any]) -> None:
        """A step's record (ledger.step_row's columns), written with the segment's commit."""
        self._rows.steps.append(ledger.step_row(self.session(), values))

    def insert_step(self, values: dict[str, Any]) -> int:
        """A step's record written now (after those queued); returns its row ID."""
        session = self.session()
        ledger.insert_step_rows(session, self._rows.steps)
        self._rows.steps = []
        return ledger.insert_step(session, values)

    @property
    def open(self) -> bool:
        """Whether it has a transaction open (holding the write lock)."""
        return self._session is not None

    def check_alive(self) -> None:
        if self._session is not None:
            check_alive(self._session)

    def notify(self, event: Any) -> None:
        """Emit `event` once what the segment wrote so far is committed."""
        if self._session is None:
            self.runner.events.emit(event)
        else:
            self._events.append(event)

    def commit(self, final: Any = None) -> None:
        """Commit; `final` is the run's last event (its end), said last.

        In a batch, the run's end only releases its savepoint (the batch
        commits it with the others); any other commit is a real one, since
        what follows needs it on disk (an outside step's checkpoint).
        """
        if final is None:
            self.write_claim()  # committed, the run is seen: running
        events, self._events = self._events, []
        if final is None and self.running is not None:
            events.insert(0, self.running)  # the run is visible as running from now on
            self.running = None
        if final is not None:
            events.append(final)
        if self._session is not None:
            rows = self._rows
            rows.logs += ledger.log_rows(
                self._session, self.run_id, self.runner.take_log(self.run_id)
            )
            self._unwritten = None
            if self._batch is not None:
                session, self._session = self._session, None
                batch, self._batch = self._batch, None
                self._rows = _Rows()
                session.flush()
                check_alive(session)
                release(session, self._savepoint)
                batch.open_segments -= 1
                batch.rows.extend(rows)  # written by the batch's commit
                batch.events.extend(events)
                if final is None:
                    batch.commit()
                return
            rows.write(self._session)
            self._session = None
            unit, self._unit = self._unit, None
            assert unit is not None
            unit.commit()
        for event in events:
            self.runner.events.emit(event)

    def commit_if_old(self) -> None:
        """Commit after a step when open for long or when another writer waits.

        In a batch, "open for long" counts from the run's own savepoint: a batch
        grown old with the runs before it commits after this run's end (it takes
        no more runs), not halfway through it. Its next step would wait for
        the write lock behind other workers' batches (SQLite), up to 20 ms each."""
        if self._session is None:
            return
        opened: _Aged | None = self if self._batch is not None else self._unit
        if opened is not None and (
            is_old(self.runner.db, opened) or self.runner.db.write_lock.wanted
        ):
            self.commit()

    def abandon(self) -> None:
        """Roll back what is still open (an unexpected error is on its way up)."""
        if self._session is None:
            return
        session, self._session = self._session, None
        self._events = []
        self._rows = _Rows()
        self._unwritten = None
        self.late = None
        if self._batch is not None:
            batch, self._batch = self._batch, None
            try:
                check_alive(session)
                rollback_to(session, self._savepoint)
                batch.open_segments -= 1
                session.expunge_all()
            except Exception:  # the transaction is gone: so is the whole batch
                batch.rollback()
            return
        unit, self._unit = self._unit, None
        if unit is not None:
            unit.rollback()


class _Abandoned(Exception):
    """Thrown into a segment's unit of work to roll it back."""
