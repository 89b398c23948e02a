"""What the workflow API, the command line and the window's Settings call for
the API (PRODUCT §6): tokens, exposed workflows, starting runs, reading them.

Qt-free and HTTP-free: the server (`app.api`) turns these values and errors
into answers. Every run an API call starts is written to the ledger (origin
`api:LABEL`; `api:public` for workflows with `auth: none`) before the call is
answered; the scheduler's workers execute it.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.definitions import WorkflowDef
from app.core.types import utcnow
from app.engine.enqueue import prepare_params
from app.engine.events import EventBus, RunsDue
from app.errors import BadInput, NotFound, one_line
from app.storage import api_tokens, catalog, ledger, settings
from app.storage.db import Database, release, rollback_to, savepoint
from app.storage.settings import split_listen as split_listen  # the server's address

PUBLIC = "public"  # the label in the origin of runs of `auth: none` workflows
LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # 1–255 visible ASCII characters
CONDITION_UNMET = "only_when is false"  # the runner's error for a false workflow only_when
ENDED = frozenset(ledger.FINISHED)  # a run in one of these has ended (for now: resume)
# The pending API runs are counted again at most this often while the count
# plus this process's starts since stays below api.max_pending (see _has_room).
PENDING_SECONDS = 0.25
START_SAVEPOINT = "api_start"  # each call's savepoint in a start transaction
KNOWN_TOKENS = 1024  # verified tokens remembered (by hash) for admitting calls


class FieldError(BadInput):
    """A parameter (or header) of the request is wrong: `field` names it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


class KeyConflict(BadInput):
    """An Idempotency-Key seen before with other parameters (HTTP 422)."""


class Overloaded(BadInput):
    """Too many API runs wait to run (HTTP 429)."""


class Revoked(BadInput):
    """The call's token was revoked (or its label made again) since it was admitted."""


class Stale(BadInput):
    """The workflow's API settings changed since the call was admitted: admit it again."""


@dataclass(frozen=True)
class Caller:
    """Who calls: a token's label and who it runs as, or the public."""

    label: str
    run_as: str | None = None

    @property
    def origin(self) -> str:
        return ledger.API_PREFIX + self.label


PUBLIC_CALLER = Caller(PUBLIC)


@dataclass(frozen=True)
class ApiConfig:
    enabled: bool
    listen: str
    wait: float
    max_body: int
    max_pending: int


@dataclass(frozen=True)
class RunState:
    run_id: str
    workflow: str
    status: str
    origin: str
    error: str | None
    returned: dict[str, Any] | None
    run_as: str | None = None  # the thing the run ran as (its token's --as)

    @property
    def done(self) -> bool:
        return self.status in ledger.FINISHED

    @property
    def condition_unmet(self) -> bool:
        return self.status == ledger.TERMINATED and self.error == CONDITION_UNMET


@dataclass(frozen=True)
class Started:
    run_id: str
    repeated: bool  # an Idempotency-Key seen before: nothing new was started


@dataclass(frozen=True)
class StartRequest:
    """One API call's run to start (see ApiAccess.start_many).

    `wf` is the definition the call was admitted with: if the workflow's API
    settings differ in the transaction, the start fails with Stale. With a
    `token`, its row is read again in the transaction: a token revoked by any
    process after the call was admitted fails it with Revoked.
    """

    wf: WorkflowDef
    values: Mapping[str, Any]
    caller: Caller
    token: str | None = None
    idempotency_key: str | None = None
    max_pending: int | None = None


class ApiAccess:
    """The workflow API's service over one database."""

    def __init__(self, db: Database, events: EventBus | None = None) -> None:
        self.db = db
        self.events = events or EventBus()
        # Workflow definitions by name, kept while their stamp (row, version) holds.
        self._definitions: dict[str, tuple[tuple[int, int, int], WorkflowDef]] = {}
        # Each cached definition with its parameters one at a time (see _checked).
        self._singles: dict[str, tuple[WorkflowDef, tuple[WorkflowDef, ...]]] = {}
        # Tokens verified lately, by hash: they admit a call without a read; the run
        # is started only after the token's row is read again (see StartRequest).
        self._known: dict[str, Caller] = {}
        # (pending API runs when last counted, this process's starts since, when)
        self._pending = (0, 0, -PENDING_SECONDS)
        self._pending_lock = threading.Lock()

    # --- tokens -----------------------------------------------------------------------

    def create_token(self, label: str, run_as: str | None = None) -> str:
        """Make a token; returns it (shown once: only its hash is kept)."""
        if not LABEL.fullmatch(label):
            raise BadInput(
                f"token label '{one_line(label)[:70]}': 1 to 64 letters, digits, '_', '.' or '-',"
                " starting with a letter or digit"
            )
        if label == PUBLIC:
            raise BadInput(f"token label '{PUBLIC}' is reserved for workflows with auth: none")
        token = secrets.token_urlsafe(32)
        with self.db.write() as session:
            if api_tokens.has_label(session, label):
                raise BadInput(f"a token labelled '{label}' exists (revoke it first)")
            if run_as is not None and catalog.load_row(session, run_as) is None:
                raise NotFound(f"no thing with ID '{one_line(run_as)[:40]}' to run as")
            api_tokens.add_token(session, label, api_tokens.token_hash(token), run_as, utcnow())
        return token

    def list_tokens(self) -> list[api_tokens.TokenRow]:
        with self.db.read() as session:
            return api_tokens.tokens(session)

    def revoke_token(self, label: str) -> None:
        with self.db.write() as session:
            if not api_tokens.remove_token(session, label):
                raise NotFound(f"no token labelled '{one_line(label)[:70]}'")
        self._known.clear()

    def authenticate(self, token: str) -> Caller | None:
        """The caller this token stands for; None when unknown or revoked (read per call)."""
        if not token or len(token) > 200:
            return None
        with self.db.read() as session:
            row = api_tokens.find_token(session, token)
        return None if row is None else Caller(row.label, row.run_as)

    # --- settings and workflows ---------------------------------------------------------

    def config(self) -> ApiConfig:
        with self.db.read() as session:
            values = {key: settings.get(session, f"api.{key}") for key in _CONFIG_KEYS}
        return ApiConfig(
            enabled=bool(values["enabled"]),
            listen=str(values["listen"]),
            wait=float(values["wait"]),
            max_body=int(values["max_body"]),
            max_pending=int(values["max_pending"]),
        )

    def exposed(self, name: str) -> WorkflowDef | None:
        """The workflow if the API serves it (None: unknown or not exposed, alike)."""
        with self.db.read() as session:
            wf = self._definition(session, name)
        return wf if wf is not None and wf.api.expose else None

    def admit(self, name: str, token: str | None) -> tuple[WorkflowDef | None, Caller | None]:
        """The exposed workflow and the token's caller, read in one transaction (the
        API's first step on every call: one read instead of two)."""
        with self.db.read() as session:
            wf = self._definition(session, name)
            row = api_tokens.find_token(session, token) if token and len(token) <= 200 else None
        exposed = wf if wf is not None and wf.api.expose else None
        caller = None if row is None else Caller(row.label, row.run_as)
        if caller is not None and token is not None:
            self._remember(token, caller)
        return exposed, caller

    def admitted(self, name: str, token: str | None) -> tuple[WorkflowDef, Caller | None] | None:
        """`admit` from memory, without a read, or None when not known here.

        The definition may be out of date and the token revoked since: a call
        admitted so is only ever accepted by `start_many`, which checks both again
        in its transaction. A refusal must come from `admit`, not from this.
        """
        cached = self._definitions.get(name)
        if cached is None or not cached[1].api.expose:
            return None
        if not token or len(token) > 200:
            return cached[1], None
        return cached[1], self._known.get(api_tokens.token_hash(token))

    def _remember(self, token: str, caller: Caller) -> None:
        if len(self._known) >= KNOWN_TOKENS:
            self._known.clear()
        self._known[api_tokens.token_hash(token)] = caller

    def _definition(self, session: Session, name: str) -> WorkflowDef | None:
        """The stored definition, from the cache while its stamp is unchanged (one
        light query: a change from any process bumps the row's version)."""
        try:
            stamp = catalog.workflow_stamp(session, name)
        except NotFound:
            return None
        cached = self._definitions.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        wf = catalog.find_workflow(session, name)
        if wf is not None:
            self._definitions[name] = (stamp, wf)
        return wf

    def exposed_workflows(self) -> list[WorkflowDef]:
        with self.db.read() as session:
            return [wf for wf in catalog.list_workflows(session) if wf.api.expose]

    # --- runs ------------------------------------------------------------------------------

    def start(
        self,
        wf: WorkflowDef,
        values: Mapping[str, Any],
        caller: Caller,
        *,
        idempotency_key: str | None = None,
        max_pending: int | None = None,
    ) -> Started:
        """Check the parameters, then write the run to the ledger and wake the scheduler."""
        [result] = self.start_many(
            [StartRequest(wf, values, caller, None, idempotency_key, max_pending)]
        )
        if isinstance(result, Exception):
            raise result
        return result

    def start_many(
        self, requests: Sequence[StartRequest], *, announce: bool = True
    ) -> list[Started | Exception]:
        """Start the runs of several calls in one write transaction (group commit).

        Each call is checked and written in a savepoint of its own: a call that
        fails (its error is its result) leaves the others' runs in. Nothing is
        returned before the transaction has committed; if the commit fails, this
        raises and none of the runs exists. The scheduler is told of the new
        runs after the commit (`announce=False`: the caller calls `announce`;
        runs it never announces still run, found by the clock's ledger poll).

        Strings are read as `-p` reads them; other JSON values as they are.
        With an idempotency key, the key and the run are written together; the
        key's primary key makes a repeat started elsewhere fail, and the retry
        then finds the first run.
        """
        results: list[Started | Exception] = []
        with self.db.write() as session:
            # What the transaction's calls read alike, read once: nothing else
            # writes while it holds the write lock, so a read later in it would
            # find the same (a token revoked before it began is refused).
            read = _TransactionReads()
            for request in requests:
                results.append(self._start_one(session, request, read))
        if announce:
            self.announce([r.run_id for r in results if isinstance(r, Started) and not r.repeated])
        return results

    def announce(self, run_ids: Sequence[str], awaited: Iterable[str] = ()) -> None:
        """Tell the scheduler of runs just started (committed): it runs them at once
        (`awaited`: those a call waits for, before runs already queued)."""
        if run_ids:
            self.events.emit(RunsDue(tuple(run_ids), frozenset(awaited)))

    def _start_one(
        self, session: Session, request: StartRequest, read: _TransactionReads
    ) -> Started | Exception:
        key = request.idempotency_key
        if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
            return FieldError(
                "Idempotency-Key", "an Idempotency-Key is 1 to 255 visible characters"
            )
        if key is None:  # (no ORM object is written: a savepoint of plain SQL)
            savepoint(session, START_SAVEPOINT)
            try:
                started = self._start_in(session, request, read)
            except Exception as exc:  # this call's error, not the others'
                rollback_to(session, START_SAVEPOINT)
                return exc
            release(session, START_SAVEPOINT)
            return started
        for _ in range(3):
            try:
                with session.begin_nested():
                    return self._start_in(session, request, read)
            except IntegrityError:
                continue  # another process wrote the same key first: read what it started
            except Exception as exc:  # this call's error, not the others'
                return exc
        return BadInput("the Idempotency-Key is being written by another request; retry")

    def _start_in(
        self, session: Session, request: StartRequest, read: _TransactionReads
    ) -> Started:
        """In the write transaction: check, find the key, count, insert the run.

        The row is the one `enqueue.schedule_in` writes for a run due now with no
        parent (checked by the same `prepare_params`), inserted with the cached
        definition rather than loading it again: the API's hot path.
        """
        name, caller = request.wf.name, request.caller
        if name not in read.workflows:
            read.workflows[name] = self._definition(session, name)
        wf = read.workflows[name]
        if wf is None or not wf.api.expose:
            raise NotFound(f"unknown workflow '{name}'")
        if wf.api != request.wf.api:
            raise Stale(f"the API settings of {name} changed")
        if request.token is not None:
            if request.token not in read.tokens:
                read.tokens[request.token] = api_tokens.find_token(session, request.token)
            row = read.tokens[request.token]
            if row is None or Caller(row.label, row.run_as) != caller:
                self._known.pop(api_tokens.token_hash(request.token), None)
                raise Revoked("the token is not valid (unknown or revoked)")
        encoded = self._checked(session, wf, request.values)
        now = utcnow()
        key = request.idempotency_key
        if key is not None:
            request_hash = _request_hash(encoded, caller)
            seen = api_tokens.seen_key(session, wf.name, key, now)
            if seen is not None:
                if seen.request_hash != request_hash:
                    raise KeyConflict("this Idempotency-Key was used with other parameters")
                return Started(seen.run_id, repeated=True)
        limit = request.max_pending
        if limit is None:
            limit = int(settings.get(session, "api.max_pending"))
        if not self._has_room(session, limit):
            raise Overloaded(f"more than {limit:,} API runs wait to run")
        if caller.run_as is not None and catalog.load_row(session, caller.run_as) is None:
            raise BadInput(f"the token's thing to run as ('{caller.run_as}') no longer exists")
        run = ledger.NewRun(
            workflow=wf.name,
            workflow_version=wf.version,
            params=encoded,
            scheduled_for=now,
            run_as=caller.run_as,
            origin=caller.origin,
        )
        [run_id] = ledger.insert_runs(session, [run])
        with self._pending_lock:  # (undone if the savepoint is: then an overcount, safe)
            counted, since, at = self._pending
            self._pending = (counted, since + 1, at)
        if key is not None:
            api_tokens.remember_key(session, wf.name, key, request_hash, run_id, now)
        return Started(run_id, repeated=False)

    def _has_room(self, session: Session, limit: int) -> bool:
        """Whether fewer than `limit` API runs wait to run.

        Counting reads up to `limit` index entries, too much for every call of a
        busy API: the count is read again only when the last count plus the runs
        this process started since reaches the limit (an upper bound of what
        waits: runs only leave the queue meanwhile), or after PENDING_SECONDS.
        So a refusal always rests on a fresh count; what another process adds
        is seen within PENDING_SECONDS. (A count read in a transaction includes
        its own earlier inserts; each insert adds one to `since` at once.)
        """
        with self._pending_lock:
            counted, since, at = self._pending
        if counted + since < limit and time.monotonic() - at < PENDING_SECONDS:
            return True
        counted = api_tokens.pending_api_runs(session, at_most=limit)
        with self._pending_lock:
            self._pending = (counted, 0, time.monotonic())
        return counted < limit

    def _checked(self, session: Any, wf: WorkflowDef, values: Mapping[str, Any]) -> dict[str, Any]:
        """`prepare_params` one parameter at a time, so an error names its field."""
        for key in values:
            if wf.parameter(key) is None:
                known = ", ".join(p.key for p in wf.parameters) or "none"
                raise FieldError(
                    str(key), f"{wf.name} has no parameter '{key}' (parameters: {known})"
                )
        resolve = catalog.SessionThingLoader(session).resolve
        encoded: dict[str, Any] = {}
        for param, one in zip(wf.parameters, self._one_parameter(wf), strict=True):
            given = {param.key: values[param.key]} if param.key in values else {}
            try:
                encoded.update(prepare_params(one, given, resolve, from_text=True))
            except BadInput as exc:
                raise FieldError(param.key, exc.reason) from None
        return encoded

    def _one_parameter(self, wf: WorkflowDef) -> tuple[WorkflowDef, ...]:
        """`wf` with each of its parameters alone (what `_checked` gives prepare_params),
        made once per definition rather than per call."""
        cached = self._singles.get(wf.name)
        if cached is None or cached[0] is not wf:
            cached = (wf, tuple(replace(wf, parameters=(p,)) for p in wf.parameters))
            self._singles[wf.name] = cached
        return cached[1]

    def state(self, run_id: str) -> RunState | None:
        return self.states([run_id]).get(run_id)

    def states(self, run_ids: Sequence[str]) -> dict[str, RunState]:
        """The runs' states read in one transaction (a missing run is left out)."""
        found: dict[str, RunState] = {}
        with self.db.read() as session:
            for run_id in run_ids:
                row = api_tokens.run_row(session, run_id)
                if row is not None:
                    found[run_id] = RunState(
                        row.id,
                        row.workflow,
                        row.status,
                        row.origin,
                        row.error,
                        row.returned,
                        row.run_as,
                    )
        return found


@dataclass
class _TransactionReads:
    """The workflows and tokens read in one start transaction, by name and token."""

    workflows: dict[str, WorkflowDef | None] = field(default_factory=dict)
    tokens: dict[str, api_tokens.TokenRow | None] = field(default_factory=dict)


_CONFIG_KEYS = ("enabled", "listen", "wait", "max_body", "max_pending")


def _request_hash(encoded: Mapping[str, Any], caller: Caller) -> str:
    """What makes two requests with one Idempotency-Key the same: parameters and caller
    (its label and, when it has one, the thing it runs as)."""
    who: list[Any] = [caller.label] if caller.run_as is None else [caller.label, caller.run_as]
    text = json.dumps([encoded, *who], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def visible_to(run: RunState, caller: Caller | None) -> bool:
    """A token sees the runs it started; a public workflow's runs need no token.

    The label alone is not enough: a token revoked and made again with its label
    but another --as thing must not read what the old one's runs returned."""
    if run.origin == PUBLIC_CALLER.origin:
        return True
    return caller is not None and run.origin == caller.origin and run.run_as == caller.run_as
