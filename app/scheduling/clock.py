"""The clock: APScheduler over the run ledger.

The ledger is the truth. APScheduler holds, in memory, a date job for each of
the next `horizon` due runs only (never the whole ledger), rebuilt from the
rows whenever the ledger changes: on an in-process event at once, and for
other processes' commits by polling a change probe four times a second
(SQLite's `PRAGMA data_version`, PostgreSQL's snapshot: storage.db.ChangeProbe),
and on PostgreSQL at once when another process NOTIFYs that it scheduled or
cancelled runs (a hint: the poll stays the rule).
A fired job only hands the run ID to a bounded pool of workers; the worker
claims the row with one conditional UPDATE, so a cancelled or already claimed
run is never executed."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import queue
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor as APSThreadPool
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.core.types import utcnow
from app.core.when import span
from app.core.words import counted
from app.engine.events import EventBus, LedgerChanged, RunsDue, SchedulerState
from app.engine.runner import Runner, executing_here
from app.scheduling.lease import Lease
from app.scheduling.process import owner_alive
from app.storage import ledger, schedulers, schedules, settings
from app.storage import models as m
from app.storage.db import Database, WriteLockBusy

log = logging.getLogger(__name__)
REFILL_JOB = "__cueflow_refill__"
POLL_SECONDS = 0.25
HEARTBEAT = "scheduler.heartbeat"
HEARTBEAT_SECONDS = 2.0
CLOCK_JUMP_SECONDS = 5.0
STEAL_SECONDS = 1.0  # team mode: see Clock.steal_seconds
ENDED_SECONDS = 5.0  # how long the runs the workers handed back are remembered (see sync)
TEAM_SECONDS = 1.0  # team mode: the live schedulers are read again this often
# Team mode: the change probe (the server's snapshot) moves with every commit
# anywhere, the other schedulers' claims and finishes included, so on a busy team
# it says "changed" at every poll. What it alone reports re-arms at most this
# often; NOTIFY (runs scheduled, cancelled or moved) and this process's own
# events still re-arm at once. A change seen only by the poll (no LISTEN, e.g.
# through PgBouncer) takes effect within POLL_SECONDS + this + a sync: < 1 s.
TEAM_PROBE_SECONDS = 0.5
PRUNE_SECONDS = 3600.0  # team mode: stopped schedulers' old rows are deleted this often
# After its timeout, stop waits at most this long for the write lock to mark
# the runs still going interrupted (a worker may be stuck holding it).
STOP_WRITE_SECONDS = 2.0


class Clock:
    def __init__(
        self,
        db: Database,
        events: EventBus | None = None,
        *,
        horizon: int = 200,
        workers: int | None = None,
        now: Callable[[], datetime] = utcnow,
        worker_nice: int = 0,
    ) -> None:
        self.db = db
        # > 0: the run threads are this much nicer than the process (Linux), so a
        # window in the same process keeps the CPU while runs are busy
        self.worker_nice = worker_nice
        self.events = events or EventBus()
        self.runner = Runner(db, self.events)
        self.horizon = horizon
        self.now = now
        if workers is None:
            with db.read() as session:
                workers = int(settings.get(session, "runner.max_concurrent_runs"))
        self.workers = workers
        self._aps = _new_scheduler()
        self._armed: dict[str, datetime] = {}
        self._in_flight: set[str] = set()
        self._lock = threading.RLock()
        self._queue = _RunQueue()
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._unsubscribe: Callable[[], None] | None = None
        self.recovered: dict[str, list[str]] = {}
        self.paused = False
        self.restarts = 0
        self.wall_clock: Callable[[], float] = time.time  # seen by the jump detector
        self._unsettled: dict[str, BaseException] = {}  # runs to mark failed when writes work
        # Runs handed back by the workers lately: when (time.monotonic), oldest first.
        # A ledger read begun before their commit still finds them scheduled (see sync).
        self._ended: dict[str, float] = {}
        self._last_tick: tuple[float, float] | None = None
        self.folder = db.folder  # None on a database server: no folder lock, no heartbeat file
        self.lease: Lease | None = None  # on a database server: its identity and lease
        self._team: list[str] = []  # the live schedulers' IDs, sorted (see _share)
        # Whether the last sync may have left due runs in the ledger (it read as many
        # as it asked for): only then do workers running low ask for a refill.
        self._more_due = True
        self._team_at = -TEAM_SECONDS  # when _team was read (time.monotonic)
        self._prune_at = 0.0  # when to prune stopped schedulers' rows next (time.monotonic)
        # Another's due run still waiting this long is armed here too (a busy or
        # slow machine's share; SKIP LOCKED gives each run to one).
        self.steal_seconds = STEAL_SECONDS
        self._stop_checkpoints: Callable[[], None] = lambda: None

    # --- life cycle -----------------------------------------------------------

    def start(self) -> None:
        if self.folder is None:
            self.lease = Lease(self.db)
            self.runner.owner = self.lease.id
            self.db.warm(self.workers + 2)  # (its workers, watcher and lease thread)
        # SQLite: the WAL is copied back by a thread of its own, not inside the
        # commit (holding the write lock) that happens to fill it.
        self._stop_checkpoints = self.db.checkpoint_apart()
        self.recovered = self.recover()
        for number in range(self.workers):
            thread = threading.Thread(
                target=self._work, name=f"cueflow-worker-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        self._aps.start()
        self._unsubscribe = self.events.subscribe(self._on_event)
        watcher = threading.Thread(target=self._watch, name="cueflow-ledger-watch", daemon=True)
        watcher.start()
        self._threads.append(watcher)
        if self.lease is not None:
            self.lease.start(self._look)
        self.sync()
        # Move what is alive now (modules, catalogue, caches) out of the cyclic
        # collector's reach: a full collection over it stops every thread, the
        # timers' included, for tens of milliseconds (measured: 47 ms p100
        # lateness on 100,000 objects; see benchmarks/README.md).
        gc.freeze()
        log.info("scheduler started (process %d, %s)", os.getpid(), counted(self.workers, "worker"))
        self.events.emit(SchedulerState("paused" if self.paused else "running"))

    def stop(self, timeout: float = 10.0) -> list[str]:
        """Stop firing; let running runs finish for up to `timeout` seconds.

        Runs still going after that are marked `interrupted` (and their late
        results ignored). Returns the IDs so marked.
        """
        self._stop.set()
        self._wake.set()
        if self._unsubscribe:
            self._unsubscribe()
        if self._aps.running:
            self._aps.shutdown(wait=False)
        for _ in range(self.workers):
            self._queue.put(None)
        deadline = threading.Event()
        end = datetime.now(UTC) + timedelta(seconds=timeout)
        while self._busy() and datetime.now(UTC) < end:
            deadline.wait(0.05)
        interrupted: list[str] = []
        unmarked = False
        with self._lock:
            leftover = list(self._in_flight)
        if leftover:
            try:
                # A worker stuck holding the write lock must not hang the stop.
                with self.db.write(timeout=STOP_WRITE_SECONDS) as session:
                    for run_id in leftover:
                        if ledger.finish(
                            session,
                            run_id,
                            ledger.INTERRUPTED,
                            error="Cueflow stopped while the run was running",
                            owner=self.runner.owner,
                        ):
                            interrupted.append(run_id)
            except (WriteLockBusy, SQLAlchemyError) as exc:
                interrupted = []
                unmarked = True
                log.warning(
                    "could not mark %s %s interrupted while stopping (%s); "
                    "the next start marks them",
                    "run" if len(leftover) == 1 else "runs",
                    ", ".join(leftover),
                    exc,
                )
        if self.folder is not None:
            with contextlib.suppress(OSError):
                (self.folder / HEARTBEAT).unlink()
        if self.lease is not None:
            if unmarked:
                # Still holding runs it could not mark: no sign-off, so a worker
                # may still end them; else a survivor takes them when the lease ends.
                self.lease.stop()
            else:
                self.lease.sign_off()
        self._stop_checkpoints()
        log.info("scheduler stopped (%s marked interrupted)", counted(len(interrupted), "run"))
        self.events.emit(SchedulerState("stopped"))
        return interrupted

    def _busy(self) -> bool:
        with self._lock:
            return bool(self._in_flight)

    # --- recovery -------------------------------------------------------------

    def recover(self) -> dict[str, list[str]]:
        """Settle what happened while no scheduler ran (PRODUCT §1, on_missed)."""
        interrupted = self.take_over()
        with self.db.read() as session:
            paused = bool(settings.get(session, "scheduler.paused"))
        # While paused, overdue runs wait: they are settled on resume. On a server
        # where other schedulers run, what is due is their backlog, not missed.
        late: list[str] = []
        missed: list[str] = []
        if not (paused or self._others_running()):
            late, missed = self.settle_overdue("Cueflow was not running")
        return {"interrupted": interrupted, "late": late, "missed": missed}

    def take_over(self) -> list[str]:
        """Interrupt (and resume, if retries are left) runs whose owner process is gone.

        A run another live process executes (`cueflow run`, the window's Run
        now) is left to it; the health check looks again every few seconds,
        so such a run is taken over soon after its process dies.

        On a database server: the runs of schedulers whose lease expired (or
        whose process on this host is gone), see _take_over_dead.
        """
        if self.lease is not None:
            return self._take_over_dead(self.lease) + self._take_over_local(
                {None, schedulers.host_tag()}
            )
        return self._take_over_local(None)

    def _take_over_local(self, owners: set[str | None] | None) -> list[str]:
        """Runs of ended processes on this machine, told by PID (on a server: those
        whose owner is no scheduler, claimed on this host or before team mode)."""
        with self.db.read() as session:
            candidates = ledger.running_runs(session)
        if owners is not None:
            candidates = [run for run in candidates if run.owner_scheduler in owners]
        with self._lock:
            ours = set(self._in_flight)
        ours |= executing_here()
        gone = [
            run
            for run in candidates
            if run.id not in ours
            and (run.owner_pid == os.getpid() or not owner_alive(run.owner_pid, run.started_at))
        ]
        if not gone:
            return []
        with self.db.write() as session:
            # Conditional on the same owner and claim: a run that finished or
            # moved meanwhile is left alone.
            interrupted = ledger.interrupt(
                session, gone, "Cueflow stopped while the run was running"
            )
            self._resume(session, interrupted, "interrupted: the process running it ended")
        if interrupted:
            log.warning("took over %s left by ended processes", counted(len(interrupted), "run"))
        return interrupted

    def _share(self) -> tuple[int, int] | None:
        """On a server with other live schedulers: (this one's index, how many) — each
        arms only the due runs whose ID hashes to it (ledger.share_of), so they share
        the work without racing for every run. A dead one's share passes to the
        others once its lease ends and it leaves the list. None: arm everything."""
        lease = self.lease
        team = self._team
        if lease is None or len(team) < 2 or lease.id not in team:
            return None
        return team.index(lease.id), len(team)

    def _refresh_team(self) -> bool:
        """On a server: read the live schedulers again once TEAM_SECONDS old; True if
        they changed (the due runs are shared anew). A scheduler that joins or signs
        off is so seen within about a second, not at the next lease round: until
        then each would arm every run, and three claims in four would miss."""
        if self.lease is None or time.monotonic() - self._team_at < TEAM_SECONDS:
            return False
        with self.db.read() as session:
            team = schedulers.live_ids(session)
        self._team_at = time.monotonic()
        changed, self._team = team != self._team, team
        return changed

    def _others_running(self) -> bool:
        """On a server: whether another scheduler has not signed off (nor been found dead)."""
        if self.lease is None:
            return False
        me = self.lease.id
        with self.db.read() as session:
            return any(row.id != me for row in schedulers.listing(session))

    def _take_over_dead(self, lease: Lease) -> list[str]:
        """Stop schedulers whose lease expired, or whose process on this host is
        gone, and interrupt (and resume) the runs they were running.

        Each dead scheduler is stopped, and each of its runs interrupted, by
        exactly one survivor: both are conditional UPDATEs."""
        host = socket.gethostname()
        with self.db.read() as session:
            rows = schedulers.listing(session)
        gone = [
            row.id
            for row in rows
            if row.id != lease.id and row.host == host and not owner_alive(row.pid, row.started)
        ]
        with self.db.write() as session:
            dead = schedulers.expire_dead(session, lease.id, lease.seconds)
            dead += schedulers.expire(session, [g for g in gone if g not in dead])
            interrupted = ledger.interrupt_orphans(
                session, "Cueflow stopped while the run was running"
            )
            self._resume(
                session, interrupted, "interrupted: the scheduler running it stopped beating"
            )
            if time.monotonic() >= self._prune_at:  # at start-up, then once an hour
                pruned = schedulers.prune(session)
                self._prune_at = time.monotonic() + PRUNE_SECONDS
                if pruned:
                    log.info("forgot %s stopped over a week ago", counted(pruned, "scheduler"))
        if dead:
            log.warning(
                "%s %s found dead (lease expired)",
                "scheduler" if len(dead) == 1 else "schedulers",
                ", ".join(dead),
            )
        if interrupted:
            log.warning("took over %s of dead schedulers", counted(len(interrupted), "run"))
        return interrupted

    def _resume(self, session: Any, interrupted: list[str], why: str) -> None:
        """Log why each run was interrupted; resume those with retries left."""
        if not interrupted:
            return
        retries = {
            row.name: row.retry_attempts
            for row in session.execute(select(m.Workflow.name, m.Workflow.retry_attempts))
        }
        for run_id in interrupted:
            ledger.add_log(session, run_id, why, "error")
            run = ledger.get_run(session, run_id)
            attempt = run.attempt
            if attempt <= retries.get(run.workflow, 0):
                ledger.resume(session, run_id, self.now())
                ledger.add_log(session, run_id, f"resuming as attempt {attempt + 1}", "warning")

    def _look(self) -> None:
        """The lease thread's round: after a lost lease, a new identity once none of
        the old one's runs is in flight; else take over dead schedulers' runs."""
        lease = self.lease
        if lease is None or self._stop.is_set():
            return
        if lease.lost:
            if self._busy():
                return  # their commits fail the lease check; wait for them to end
            self.runner.owner = lease.renew_identity()
            self._wake.set()
            return
        woke = bool(self.take_over())
        with self.db.read() as session:
            team = schedulers.live_ids(session)
        if team != self._team:
            self._team, self._team_at = team, time.monotonic()
            woke = True
        if woke:
            self._wake.set()

    def settle_overdue(self, why: str) -> tuple[list[str], list[str]]:
        """Apply each workflow's missed-run policy to runs already due."""
        now = self.now()
        cutoff = now - timedelta(seconds=1)  # what came due before now, not just now
        late: list[str] = []
        missed: list[str] = []
        with self.db.write() as session:
            policies = {
                row.name: (row.on_missed, row.grace)
                for row in session.execute(
                    select(m.Workflow.name, m.Workflow.on_missed, m.Workflow.grace)
                )
            }
            for run in ledger.scheduled_before(session, cutoff):
                policy, grace = policies.get(run.workflow, ("run_late", 86400.0))
                overdue = (now - run.scheduled_for).total_seconds()
                if policy == "skip":
                    reason = f"missed: {why} at the scheduled time (policy skip)"
                elif overdue > grace:
                    reason = f"missed: {span(overdue)} late, more than the grace of {span(grace)}"
                else:
                    ledger.add_log(session, run.id, f"running late by {span(overdue)}")
                    late.append(run.id)
                    continue
                ledger.mark_missed(session, run.id, reason)
                ledger.add_log(session, run.id, reason, "warning")
                if run.schedule_id is not None:
                    schedules.advance(session, run.schedule_id, run.scheduled_for)
                missed.append(run.id)
        return late, missed

    # --- arming ---------------------------------------------------------------

    def sync(self) -> None:
        """Re-arm APScheduler from the ledger's earliest due runs."""
        if self._stop.is_set():
            return
        wanted_count = self.horizon + len(self._in_flight)
        steal = self.now() - timedelta(seconds=self.steal_seconds)
        # Others' late runs only once its workers are about to run out of runs, and a
        # few at a time: when each reached for them as soon as its own share no
        # longer filled the horizon, it queued the very runs their owner had queued
        # (the owner's last), and a third of a team's claims missed (4 runners,
        # 2,000 runs due at once: 0.35 a run, all of them others' late runs).
        steal_at_most = 2 * self.workers if len(self._in_flight) < 2 * self.workers else 0
        share = self._share()
        began = time.monotonic()
        with self.db.read() as session:
            paused = bool(settings.get(session, "scheduler.paused"))
            due = (
                []
                if paused
                else ledger.next_due(session, wanted_count, share, steal, steal_at_most)
            )
        # (team mode: others' runs become ours to steal as time passes, with no change)
        self._more_due = len(due) >= wanted_count or self.lease is not None
        if paused != self.paused:
            self.paused = paused
            if not paused:  # resuming: what came due meanwhile follows on_missed
                self.settle_overdue("the scheduler was paused")
                with self.db.read() as session:
                    due = ledger.next_due(session, wanted_count, share, steal, steal_at_most)
            self.events.emit(SchedulerState("paused" if paused else "running"))
        now = self.now()
        with self._lock:
            wanted = {
                run_id: at
                for run_id, at in due
                if run_id not in self._in_flight
                and run_id not in self._unsettled
                # (executed and committed while this read was under way: its
                # snapshot is older; handed out again, its claim would only miss)
                and self._ended.get(run_id, began) <= began
            }
            left = len(wanted) > self.horizon  # due runs past the horizon
            wanted = dict(list(wanted.items())[: self.horizon])
            for run_id in list(self._armed):
                if run_id not in wanted:
                    self._disarm(run_id)
            for run_id, at in wanted.items():
                if at <= now and run_id not in self._armed:
                    # Already due: straight to a worker, no timer. The queue holds
                    # at most a horizon; the workers ask for more as it drains.
                    if len(self._in_flight) < self.horizon:
                        self._dispatch(run_id)
                    else:
                        left = True
                elif self._armed.get(run_id) != at:
                    self._arm(run_id, at)
            # Runs read but left for want of room are asked for again as the queue
            # drains (_work), not at the next poll a quarter of a second later.
            self._more_due = self._more_due or left
            if not self._armed:
                self._remove_refill()  # due runs ask for more themselves as they finish
            elif len(wanted) >= self.horizon:
                last = max(self._armed.values())
                self._aps.add_job(
                    self.sync, DateTrigger(last), id=REFILL_JOB, replace_existing=True
                )

    def _remove_refill(self) -> None:
        with contextlib.suppress(JobLookupError):
            self._aps.remove_job(REFILL_JOB)

    def _arm(self, run_id: str, at: datetime) -> None:
        self._aps.add_job(
            self._fire, DateTrigger(at), args=[run_id], id=run_id, replace_existing=True
        )
        self._armed[run_id] = at

    def _disarm(self, run_id: str) -> None:
        self._armed.pop(run_id, None)
        with contextlib.suppress(JobLookupError):  # already fired and gone
            self._aps.remove_job(run_id)

    def _fire(self, run_id: str) -> None:
        with self._lock:
            self._armed.pop(run_id, None)
            self._dispatch(run_id)

    def _dispatch(self, run_id: str, first: bool = False) -> None:
        """Hand a due run to the workers (once; never while stopping or paused);
        `first`: before the runs already queued."""
        with self._lock:
            if run_id in self._in_flight or self._stop.is_set() or self.paused:
                return
            if self.lease is not None and self.lease.lost:
                return  # no claims until it holds a lease again (see _look)
            self._in_flight.add(run_id)
        if first:
            self._queue.put_first(run_id)
        else:
            self._queue.put(run_id)

    def _work(self) -> None:
        lower_thread_priority(self.worker_nice)
        while True:
            taken = self._take()
            if taken is None:
                return
            first, held = taken
            run_id: str | None = first
            done: list[str] = [first]
            executed: list[str] = []
            broken: dict[str, BaseException] = {}
            try:
                # Due runs waiting in the queue go through one transaction
                # (group commit, see transactions.Batch); the first that breaks
                # outside its steps ends the batch and is settled after it.
                # (If its transaction was lost, the runs before it are undone
                # and still scheduled: they go round again.)
                with self.runner.batch() as batch:
                    if held:  # (the batch's transaction takes the write lock over)
                        batch.session()
                        held = False
                        self.db.write_lock.release()
                    while run_id is not None:
                        if not self._stop.is_set():
                            try:
                                self.runner.execute(run_id)
                                executed.append(run_id)
                            except Exception as exc:
                                log.exception("run %s broke outside its steps", run_id)
                                broken[run_id] = exc
                                break
                        run_id = self._next_queued() if batch.young else None
                        if run_id is not None:
                            done.append(run_id)
            except Exception as error:
                # The batch could not commit (the disk is full, say): its runs
                # did not happen. They are failed with the reason, as a run is
                # that cannot write its steps, rather than tried again at once.
                log.exception("could not commit runs %s", ", ".join(executed))
                broken = dict.fromkeys(executed, error) | broken
            finally:
                if held:  # (the batch could not begin)
                    self.db.write_lock.release()
            for failed, reason in broken.items():
                if not self.runner.fail_unexpected(failed, "", reason):
                    with self._lock:
                        self._unsettled[failed] = reason
            with self._lock:
                self._in_flight.difference_update(done)
                self._note_ended(done)
                running_low = (
                    self._more_due and len(self._armed) + len(self._in_flight) < self.horizon // 2
                )
            if running_low:  # refill the horizon now rather than at the next poll
                self._wake.set()

    def _take(self) -> tuple[str, bool] | None:
        """The next queued run for this worker, waiting for one (None: stop); and
        whether the write lock was taken for it.

        On SQLite the lock is taken before the run leaves the queue: a worker
        waiting for another's batch to commit holds no run meanwhile, and the
        batch holding the lock takes the queued runs in their order. (A run taken
        first waited there for up to every other worker's batch, 20 ms each: with
        four workers, a `when_done` API call's p99 doubled.) The other workers
        still run beside it whenever it leaves the lock, for an outside step."""
        if not self.db.side.one_writer:
            run_id = self._queue.get()
            return None if run_id is None else (run_id, False)
        lock = self.db.write_lock
        while True:
            self._queue.wait_ready()
            lock.acquire(urgent=False)
            try:
                run_id = self._queue.get_nowait()
            except queue.Empty:  # the worker before took it
                lock.release()
                continue
            if run_id is None:
                lock.release()
                return None
            return run_id, True

    def _note_ended(self, done: list[str]) -> None:
        """(Holding _lock) remember when these runs were handed back; forget old ones."""
        ended = self._ended
        now = time.monotonic()
        for run_id in done:
            ended.pop(run_id, None)  # (kept in the order they ended)
            ended[run_id] = now
        old = []
        for run_id, at in ended.items():  # oldest first
            if at > now - ENDED_SECONDS:
                break
            old.append(run_id)
        for run_id in old:
            del ended[run_id]

    def _next_queued(self) -> str | None:
        """The next queued run if there is one now (a stop request is put back)."""
        try:
            run_id = self._queue.get_nowait()
        except queue.Empty:
            return None
        if run_id is None:
            self._queue.put(None)
        return run_id

    # --- noticing changes -----------------------------------------------------

    def _on_event(self, event: Any) -> None:
        if isinstance(event, RunsDue) and self._take_due(event.run_ids, event.awaited):
            return
        if isinstance(event, LedgerChanged):
            self._wake.set()

    def _take_due(self, run_ids: tuple[str, ...], awaited: frozenset[str] = frozenset()) -> bool:
        """Runs just committed and due now (the workflow API's), handed straight to the
        workers: no ledger read, no wait for the watcher. Only when this clock arms
        every due run (no team sharing them) and has room; False: sync() decides.

        Those a caller waits for (`awaited`) go before the queued runs, past the
        horizon too (the API bounds how many wait): behind a backlog of other runs
        its answer would wait for all of them, and sync() would find it last."""
        if self.paused or self._share() is not None:
            return False
        with self._lock:
            waited = [run_id for run_id in run_ids if run_id in awaited]
            for run_id in waited:
                self._dispatch(run_id, first=True)
            if len(self._in_flight) + len(run_ids) - len(waited) > self.horizon:
                return False
            for run_id in run_ids:
                self._dispatch(run_id)
        return True

    def _watch(self) -> None:
        """Poll the ledger for other processes' changes; keep the clock alive; beat."""
        probe = self.db.change_probe()
        probe.listen(self._wake.set)  # PostgreSQL: NOTIFY wakes it at once (a hint)
        last_beat = 0.0
        probed = False  # team mode: a change only the probe saw, not yet looked at
        synced = 0.0  # when the last sync began (time.monotonic)
        try:
            while not self._stop.is_set():
                changed = self._wake.wait(POLL_SECONDS)
                self._wake.clear()
                if time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                    changed = self._check_health() or changed
                    last_beat = time.monotonic()
                try:
                    changed = self._refresh_team() or changed
                except Exception:
                    log.exception("cannot read the live schedulers; will retry")
                try:
                    probed = probe.changed() or probed
                except Exception:
                    log.exception("cannot tell whether the ledger changed; looking anyway")
                    changed = True
                if probed and (
                    self.lease is None or time.monotonic() - synced >= TEAM_PROBE_SECONDS
                ):
                    changed = True  # (team mode: see TEAM_PROBE_SECONDS)
                if changed and not self._stop.is_set():
                    probed = False
                    synced = time.monotonic()
                    try:
                        self.sync()
                    except Exception:
                        log.exception("re-arming from the ledger failed; will retry")
        finally:
            probe.close()

    def _check_health(self) -> bool:
        """Restart APScheduler if its thread died; notice wall-clock jumps; beat.

        Returns True when the timers must be rebuilt from the ledger.
        """
        rebuild = False
        thread = getattr(self._aps, "_thread", None)
        if not self._stop.is_set() and (thread is None or not thread.is_alive()):
            log.error("the scheduler thread died; starting a new one")
            self.restarts += 1
            with self._lock:
                self._armed.clear()
            self._aps = _new_scheduler()
            self._aps.start()
            rebuild = True
        wall, mono = self.wall_clock(), time.monotonic()
        if self._last_tick is not None:
            drift = (wall - self._last_tick[0]) - (mono - self._last_tick[1])
            if abs(drift) > CLOCK_JUMP_SECONDS:
                log.warning("the wall clock jumped by %.0f s; re-arming", drift)
                self._aps.wakeup()
                rebuild = True
        self._last_tick = (wall, mono)
        with self._lock:
            unsettled = dict(self._unsettled)
        for run_id, exc in unsettled.items():
            if self.runner.fail_unexpected(run_id, "", exc):
                with self._lock:
                    self._unsettled.pop(run_id, None)
        if not self._stop.is_set() and self.lease is None:  # (server: the lease thread)
            try:
                rebuild = bool(self.take_over()) or rebuild
            except Exception:
                log.exception("looking for runs left by ended processes failed; will retry")
        self._beat()
        return rebuild

    def _beat(self) -> None:
        if self.folder is None:
            return
        beat = {
            "pid": os.getpid(),
            "at": utcnow().isoformat(),
            "state": "paused" if self.paused else "running",
            "running_runs": self.running,
            "restarts": self.restarts,
        }
        with contextlib.suppress(OSError):
            tmp = self.folder / (HEARTBEAT + ".tmp")
            tmp.write_text(json.dumps(beat), encoding="utf-8")
            tmp.replace(self.folder / HEARTBEAT)

    # --- status ---------------------------------------------------------------

    def next_due(self) -> datetime | None:
        with self._lock:
            return min(self._armed.values(), default=None)

    @property
    def running(self) -> int:
        with self._lock:
            return len(self._in_flight)


class _RunQueue(queue.Queue[str | None]):
    """The workers' queue of due run IDs (None: a worker stops), with a lane for the
    runs a caller waits for: taken before the others, in their own order."""

    def _init(self, maxsize: int) -> None:
        super()._init(maxsize)
        self.awaited: deque[str | None] = deque()

    def _qsize(self) -> int:
        return len(self.queue) + len(self.awaited)

    def _get(self) -> str | None:
        return self.awaited.popleft() if self.awaited else self.queue.popleft()

    def wait_ready(self) -> None:
        """Until something is queued (left there)."""
        with self.not_empty:
            while not self._qsize():
                self.not_empty.wait()

    def put_first(self, run_id: str) -> None:
        """Queue a run before the others (after the awaited ones already queued)."""
        with self.not_full:  # (the lock put() takes; the queue is unbounded)
            self.awaited.append(run_id)
            self.unfinished_tasks += 1
            self.not_empty.notify()


def lower_thread_priority(steps: int) -> None:
    """Make the calling thread `steps` nicer than the process's main thread. Linux keeps
    a niceness per thread; other systems (and a refusal) leave it as it is."""
    if steps <= 0 or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError):
        base = os.getpriority(os.PRIO_PROCESS, os.getpid())  # the main thread's
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), base + steps)


def _new_scheduler() -> BackgroundScheduler:
    return BackgroundScheduler(
        timezone=UTC,
        executors={"default": APSThreadPool(2)},
        job_defaults={"misfire_grace_time": None, "coalesce": False, "max_instances": 1},
    )


def read_heartbeat(folder: Path) -> dict[str, Any] | None:
    """The running scheduler's last heartbeat in this data folder, if any."""
    try:
        data = json.loads((folder / HEARTBEAT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
