"""What each command does: call a service, print the answer, give the exit code."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app import console, logfile, paths
from app.core.types import parse_text, utcnow
from app.core.when import parse_when
from app.engine import presenting
from app.engine.data_folder import database_target
from app.errors import AlreadyRunning, BadInput, one_line, undecodable
from app.storage import catalog, ledger, secrets
from app.storage import models as m
from app.storage.db import Database, check_intact, open_database


def _open(args: argparse.Namespace) -> Database:
    folder = paths.prepare_data_dir(console.data_folder(args))
    return open_database(database_target(folder, getattr(args, "database_url", None)))


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"{what} '{item}' is not KEY=VALUE")
        if key.strip() in out:
            raise BadInput(f"{what} '{key.strip()}' given twice")
        out[key.strip()] = value
    return out


def _local(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else "-"


# --- runner -------------------------------------------------------------------


def cmd_runner(args: argparse.Namespace) -> int:
    from app.scheduling.clock import Clock
    from app.scheduling.lock import FolderLock

    folder = paths.prepare_data_dir(console.data_folder(args))
    team = not isinstance(database_target(folder, getattr(args, "database_url", None)), Path)
    lock: FolderLock | None = FolderLock(folder)
    try:
        assert lock is not None
        lock.acquire()
    except AlreadyRunning:
        if not team:  # one scheduler per data folder is the SQLite rule
            raise
        lock = None  # on a server a second runner joins (another one rotates the log)
    try:
        db = _open(args)
        try:
            check_intact(db)  # a scheduler never runs on a damaged database
        except BaseException:
            db.dispose()
            raise
        if lock is not None:
            logfile.own(folder)  # this process holds the folder: it rotates cueflow.log
        stop = console.stop_on_signal()
        api, events = _start_api(args, db)
        clock = Clock(db, events)
        clock.start()
        found = clock.recovered
        where = db.where if team else str(folder)
        print(f"Cueflow runner for {where} (process {os.getpid()}); Ctrl+C to stop.", flush=True)
        if api is not None:
            print(f"Workflow API on {api.url}{API_PATH}", flush=True)
        if any(found.values()):
            print(
                f"At start: {len(found['late'])} late run(s) started, "
                f"{len(found['missed'])} missed, {len(found['interrupted'])} interrupted.",
                flush=True,
            )
        console.wait_for(stop)
        if api is not None:
            api.stop()
        interrupted = clock.stop(timeout=10)
        if interrupted:
            print(f"Stopped; {len(interrupted)} run(s) marked interrupted.", flush=True)
        db.dispose()
    finally:
        if lock is not None:
            logfile.stop(folder)
            lock.release()
    return console.EXIT_OK


# --- workflow file --------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from app.workflow_file.importer import import_file

    summary = import_file(_open(args), args.file, replace=args.replace)
    print(summary)
    return console.EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from app.workflow_file.exporter import export_text

    if args.output:
        _check_not_own_file(console.data_folder(args), args.output)
    text = export_text(_open(args), things=args.things)
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"{args.output}: cannot write: {exc}") from None
    else:
        sys.stdout.write(text)
    return console.EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """The workflow file's JSON Schema, for editors; needs no data folder."""
    import json

    from app.workflow_file.schema import workflow_file_schema

    sys.stdout.write(json.dumps(workflow_file_schema(), indent=2, ensure_ascii=False) + "\n")
    return console.EXIT_OK


_OWN_FILES = ("cueflow.db", "cueflow.log", "scheduler.lock", "instance.lock")


def _check_not_own_file(folder: Path, target: Path) -> None:
    """Refuse to write over the database (its WAL, backups …), a lock or the log.

    Compared by name inside the data folder (a WAL not made yet) and by file
    identity (a symlink or hard link to one of them elsewhere).
    """
    try:
        own = [p for p in folder.iterdir() if p.name.startswith(_OWN_FILES)]
        inside = target.resolve().parent == folder.resolve()
    except OSError:
        return  # no data folder yet: nothing of ours to write over
    same = inside and target.name.startswith(_OWN_FILES)
    for path in own:
        with contextlib.suppress(OSError):
            same = same or os.path.samefile(target, path)
    if same:
        raise BadInput(
            f"{target}: is Cueflow's own file in the data folder {folder}; "
            "write the export somewhere else"
        )


# --- running and scheduling -------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from app.engine.runner import Runner

    db = _open(args)
    run_id = Runner(db).run_now(
        args.workflow,
        _pairs(args.param, "parameter"),
        run_as=args.run_as,
        ignore_privacy=args.ignore_privacy,
        from_text=True,
    )
    with db.read() as session:
        run = ledger.get_run(session, run_id)
        out = presenting.run_to_json(run)
        out["steps"] = presenting.steps_to_json(ledger.step_results(session, run_id, run.attempt))
        out["log"] = [line.message for line in ledger.log_lines(session, run_id)]
    if args.json:
        console.print_json(out)
    else:
        print(f"run {run_id} {out['status']}" + (f": {out['error']}" if out["error"] else ""))
        for step in out["steps"]:
            detail = step["error"] or _short(step["result"])
            print(
                f"  step {step['step']} {step['action']}: {step['status']}"
                + (f" — {detail}" if detail else "")
            )
        if out["returned"] is not None:
            print(f"returned: {_short(out['returned'], 400)}")
    return (
        console.EXIT_OK
        if out["status"] in (ledger.SUCCEEDED, ledger.TERMINATED)
        else console.EXIT_RUN_FAILED
    )


def _short(value: Any, limit: int = 120) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else __import__("json").dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cmd_schedule(args: argparse.Namespace) -> int:
    from app.core.recurrence import Recurrence, zone
    from app.engine.service import Service

    at = parse_when(args.at)
    params = _pairs(args.param, "parameter")
    service = Service(_open(args))
    if args.each or args.each_search:
        if args.every:
            raise BadInput("--every cannot be combined with --each or --each-search")
        key, items = _each(service, args)
        _check_last(at, args.interval, len(items))
        ids = service.schedule_on_list(
            args.workflow,
            items,
            key,
            params,
            at=at,
            interval=args.interval,
            run_as=args.run_as,
            ignore_privacy=args.ignore_privacy,
            from_text=True,
        )
        print("\n".join(ids))
        return console.EXIT_OK
    if args.interval:
        raise BadInput("--interval goes with --each or --each-search")
    every = Recurrence.parse(args.every) if args.every else None
    if args.timezone is not None:
        if every is None:
            raise BadInput("--timezone goes with --every (the time zone of a repeat)")
        zone(args.timezone)
    run_id = service.schedule(
        args.workflow,
        params,
        at=at,
        run_as=args.run_as,
        ignore_privacy=args.ignore_privacy,
        from_text=True,
        every=every,
        timezone=args.timezone,
    )
    print(run_id)
    return console.EXIT_OK


def _check_last(at: datetime, interval: float, count: int) -> None:
    """The last of `count` runs `interval` s apart from `at` must fall in a real year."""
    try:
        (at + timedelta(seconds=interval * max(count - 1, 0))).astimezone(UTC)
    except OverflowError:
        raise BadInput(
            f"--interval: the last of {count} runs would come after the year 9999"
        ) from None


def _each(service: Any, args: argparse.Namespace) -> tuple[str, list[str]]:
    """The parameter and the values of `--each PARAM=A,B` or `--each-search TYPE`."""
    with service.db.read() as session:
        wf = catalog.get_workflow(session, args.workflow)
        if args.each:
            key, sep, values = args.each.partition("=")
            if not sep or not key:
                raise BadInput(f"--each '{args.each}' is not PARAM=VALUE,VALUE,…")
            if wf.parameter(key) is None:
                raise BadInput(f"{wf.name} has no parameter '{key}'")
            return key, [v.strip() for v in values.split(",") if v.strip()]
        matching = [p.key for p in wf.parameters if p.type.base == args.each_search]
        if len(matching) != 1:
            found = "no parameter" if not matching else f"parameters {', '.join(matching)}"
            raise BadInput(
                f"--each-search {args.each_search}: {wf.name} has {found} of type "
                f"{args.each_search}; it needs exactly one"
            )
        things = catalog.list_things(session, args.each_search)
        return matching[0], [t.id for t in things]


def cmd_pause(args: argparse.Namespace) -> int:
    from app.engine.service import Service

    Service(_open(args)).set_paused(True)
    print("paused: no run starts until 'cueflow resume'")
    return console.EXIT_OK


def cmd_resume(args: argparse.Namespace) -> int:
    from app.engine.service import Service

    Service(_open(args)).set_paused(False)
    print("resumed")
    return console.EXIT_OK


def cmd_schedules(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.storage import models

    db = _open(args)
    with db.read() as session:
        rows = [
            presenting.schedule_to_json(row)
            for row in session.scalars(select(models.Schedule).order_by(models.Schedule.created_at))
        ]
    if args.json:
        console.print_json(rows)
        return console.EXIT_OK
    if not rows:
        print("no schedules")
    for row in rows:
        print(
            f"{row['id']}  {row['status']:<9} every {row['every']:<14} {row['workflow']}  "
            f"({row['timezone']})"
        )
    return console.EXIT_OK


def cmd_cancel(args: argparse.Namespace) -> int:
    from app.engine.service import Service

    if args.ids and (args.all or args.overdue):
        raise BadInput("give run IDs or --all / --overdue, not both")
    if not args.ids and not (args.all or args.overdue):
        raise BadInput("give the IDs of the runs to cancel, or --all, or --overdue")
    service = Service(_open(args))
    if args.ids:
        from app.storage import models

        with service.db.read() as session:
            for run_id in args.ids:
                if session.get(models.Schedule, run_id) is not None:
                    continue
                row = ledger.get_run(session, run_id)
                if row.status != ledger.SCHEDULED:
                    raise BadInput(
                        f"run {run_id} is {row.status}; only scheduled runs can be cancelled"
                    )
        cancelled = service.cancel(list(args.ids))
    else:
        cancelled = service.cancel_all(overdue=args.overdue)
    print(f"cancelled {len(cancelled)} run(s)")
    return console.EXIT_OK


def cmd_runs(args: argparse.Namespace) -> int:
    if args.resume:
        from app.engine.service import Service

        Service(_open(args)).resume(args.resume)
        print(args.resume)
        return console.EXIT_OK
    if args.status is not None and args.status not in ledger.STATUSES:
        raise BadInput(f"unknown status '{args.status}' (one of {', '.join(ledger.STATUSES)})")
    db = _open(args)
    query = ledger.runs_query(
        upcoming=args.upcoming, history=args.history, workflow=args.workflow, status=args.status
    )
    if args.limit is not None:
        query = query.limit(max(args.limit, 0))
    with db.read() as session:
        if args.workflow is not None:
            catalog.get_workflow(session, args.workflow)
        # Streamed: a ledger of a million runs starts printing at once, in little memory.
        plain = query.with_only_columns(*m.Run.__table__.columns)  # rows, not ORM objects
        rows = (
            presenting.run_to_json(run)
            for run in session.execute(plain.execution_options(yield_per=1000))
        )
        if args.json:
            console.print_json_array(rows)
            return console.EXIT_OK
        print(_scheduler_line(console.data_folder(args)) if db.folder else _team_line(db))
        printed = 0
        for row in rows:
            when = _local(datetime.fromisoformat(row["scheduled_for"]))
            tail = f"  {row['error']}" if row["error"] and row["status"] != "cancelled" else ""
            print(
                f"{row['id']}  {row['status']:<11} {when}  {row['workflow']}"
                f"  {_short(row['params'], 60)}{tail}"
            )
            printed += 1
        if not printed:
            print("no runs")
    return console.EXIT_OK


def _team_line(db: Database) -> str:
    """How many schedulers share this database server (team mode)."""
    from app.storage import schedulers

    with db.read() as session:
        count = len(schedulers.listing(session))
    if not count:
        return "schedulers: none running (upcoming runs wait for 'cueflow runner' or the window)"
    return f"schedulers: {count} running ('cueflow runners' lists them)"


def _scheduler_line(folder: Any) -> str:
    """Whether a scheduler runs for this folder, from its heartbeat file."""
    from app.scheduling.clock import read_heartbeat
    from app.scheduling.process import process_alive

    beat = read_heartbeat(folder)
    if beat is not None:
        try:
            if not process_alive(int(beat["pid"])):
                raise ProcessLookupError
            age = (utcnow() - datetime.fromisoformat(beat["at"])).total_seconds()
        except (OSError, KeyError, ValueError, TypeError):
            beat = None
    if beat is None:
        return "scheduler: not running (upcoming runs wait for 'cueflow runner' or the window)"
    state = beat.get("state", "running")
    stale = f"; no heartbeat for {age:.0f} s" if age > 10 else ""
    restarts = beat.get("restarts") or 0
    again = f"; clock restarted {restarts}x" if restarts else ""
    return f"scheduler: {state} in process {beat['pid']}{stale}{again}"


# --- things ---------------------------------------------------------------------------


def _field_values(session: Any, type_name: str, pairs: dict[str, str]) -> dict[str, Any]:
    definition = catalog.get_data_type(session, type_name)
    loader = catalog.SessionThingLoader(session)
    values = {}
    for name, text in pairs.items():
        field = definition.field(name)
        if field is None:
            known = ", ".join(f.name for f in definition.fields)
            raise BadInput(f"{type_name} has no field '{name}' (fields: {known})")
        try:
            values[name] = parse_text(field.type, text, loader.resolve)
        except BadInput as exc:
            raise BadInput(f"field '{name}' ({field.type}): {exc.reason}") from None
    return values


def cmd_things(args: argparse.Namespace) -> int:
    db = _open(args)
    with db.read() as session:
        things = catalog.list_things(session, args.type)
        rows = [{"id": t.id, **dict(t.raw)} for t in things]
        names = [f.name for f in catalog.get_data_type(session, args.type).fields]
    if args.json:
        console.print_json(rows)
        return console.EXIT_OK
    if not rows:
        print(f"no {args.type} things")
    for row in rows:
        fields = "  ".join(f"{n}={_short(row.get(n), 40)}" for n in names if row.get(n) is not None)
        print(f"{row['id']}  {fields}")
    return console.EXIT_OK


def cmd_thing(args: argparse.Namespace) -> int:
    from app.engine.service import Service

    service = Service(_open(args))
    pairs = _pairs(getattr(args, "field", []), "field")
    with service.db.read() as session:
        if args.thing_command == "add":
            values = _field_values(session, args.type, pairs)
        elif args.thing_command == "set":
            if not pairs:
                raise BadInput("give at least one -f FIELD=VALUE")
            current = catalog.get_thing(session, args.id)
            values = _field_values(session, current.type_name, pairs)
    # Changes go through the service so that database triggers start.
    if args.thing_command == "add":
        print(service.create_thing(args.type, values).id)
    elif args.thing_command == "set":
        service.modify_thing(args.id, values)
    else:
        service.delete_thing(args.id)
    return console.EXIT_OK


# --- settings and secrets -----------------------------------------------------------------


def cmd_settings(args: argparse.Namespace) -> int:
    from app.engine.settings import SettingsService

    service = SettingsService(_open(args))
    if args.settings_command == "set":
        service.set(args.key, args.value)
        return console.EXIT_OK
    if args.key:
        print(service.get(args.key))
    else:
        for key, value in service.all().items():
            print(f"{key} = {value}")
    return console.EXIT_OK


def cmd_secret(args: argparse.Namespace) -> int:
    if not args.key.strip() or one_line(args.key) != args.key:
        raise BadInput(f"secret name '{one_line(args.key)}': expected a name such as smtp.password")
    if not secrets.is_usable():
        raise BadInput(
            f"no usable OS keychain (keyring backend {secrets.backend_name()}); "
            "Cueflow does not store secrets in plain text"
        )
    try:
        value = (
            sys.stdin.readline().rstrip("\r\n")
            if not sys.stdin.isatty()
            else __import__("getpass").getpass(f"{args.key}: ")
        )
    except UnicodeDecodeError:
        value = "\udcff"  # (a strict decoder) refused just below
    if not value:
        raise BadInput("empty secret: nothing stored")
    if undecodable(value):
        raise BadInput("the secret read from standard input is not valid UTF-8: nothing stored")
    secrets.set_secret(args.key, value)
    print(f"stored {args.key} in {secrets.backend_name()}")
    return console.EXIT_OK


# --- the workflow API (PRODUCT §6) --------------------------------------------------------

API_PATH = "/api/1.1/wf/"


def _start_api(args: argparse.Namespace, db: Database) -> tuple[Any, Any]:
    """The API server when `--api` is given or api.enabled is yes (else None), and the
    event bus it shares with the clock (an API call wakes the clock at once)."""
    from app.api.server import start_if_enabled
    from app.engine.api_access import ApiAccess
    from app.engine.events import EventBus

    events = EventBus()
    listen = getattr(args, "api", None)
    access = ApiAccess(db, events)
    if listen:
        from app.engine.api_access import split_listen

        try:
            split_listen(listen)
        except BadInput as exc:
            raise BadInput(f"--api: {exc.reason}") from None
    return start_if_enabled(access, events, listen), events


def cmd_api(args: argparse.Namespace) -> int:
    from app.engine.api_access import ApiAccess

    access = ApiAccess(_open(args))
    if args.token_command == "create":
        token = access.create_token(args.label, args.run_as)
        print(token)
        print(
            f"Token '{args.label}' made; it is shown only now (Cueflow keeps only its hash). "
            "Send it as 'Authorization: Bearer TOKEN'.",
            file=sys.stderr,
        )
    elif args.token_command == "list":
        rows = access.list_tokens()
        if args.json:
            console.print_json(
                [
                    {
                        "label": r.label,
                        "run_as": r.run_as,
                        "created_at": r.created_at.isoformat(),
                        "origin": ledger.API_PREFIX + r.label,
                    }
                    for r in rows
                ]
            )
        elif not rows:
            print("no API tokens (make one with: cueflow api token create LABEL)")
        for r in rows if not args.json else ():
            runs_as = f"  runs as {r.run_as}" if r.run_as else ""
            print(f"{r.label}  made {_local(r.created_at)}{runs_as}")
    else:
        access.revoke_token(args.label)
        print(f"revoked token '{args.label}'")
    return console.EXIT_OK


# --- team mode: runners, db copy ------------------------------------------------------


def cmd_runners(args: argparse.Namespace) -> int:
    """The schedulers sharing this database (on SQLite: the folder's one, if running)."""
    import socket

    from app.scheduling.clock import read_heartbeat
    from app.scheduling.process import process_alive
    from app.storage import schedulers

    db = _open(args)
    try:
        rows: list[dict[str, Any]] = []
        if db.folder is not None:  # SQLite: its one scheduler's heartbeat file
            beat = read_heartbeat(db.folder)
            pid = beat.get("pid") if beat is not None else None
            if beat is not None and isinstance(pid, int) and process_alive(pid):
                rows.append(
                    {
                        "id": None,
                        "host": socket.gethostname(),
                        "pid": pid,
                        "started": None,
                        "heartbeat": beat.get("at"),
                        "version": None,
                        "runs_in_flight": int(beat.get("running_runs") or 0),
                    }
                )
        else:
            with db.read() as session:
                found = schedulers.listing(session)
            rows = [
                {
                    "id": r.id,
                    "host": r.host,
                    "pid": r.pid,
                    "started": r.started.isoformat(),
                    "heartbeat": r.heartbeat.isoformat(),
                    "version": r.version,
                    "runs_in_flight": r.runs_in_flight,
                }
                for r in found
            ]
    finally:
        db.dispose()
    if args.json:
        console.print_json(rows)
        return console.EXIT_OK
    if not rows:
        print("no scheduler running (start one with: cueflow runner)")
    for row in rows:
        last = row["heartbeat"]
        age = "-"
        if last:
            seconds = (utcnow() - datetime.fromisoformat(last)).total_seconds()
            age = f"{max(seconds, 0):.0f} s ago"
        started = _local(datetime.fromisoformat(row["started"])) if row["started"] else "-"
        print(
            f"{row['host']}  process {row['pid']}  started {started}  "
            f"last heartbeat {age}  {row['runs_in_flight']} run(s) in flight"
        )
    return console.EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    """`cueflow db copy --to URL`: the data folder's SQLite data into empty PostgreSQL."""
    from app.storage.copy import copy_database
    from app.storage.db import parse_url

    if parse_url(args.to).get_backend_name() != "postgresql":
        raise BadInput("--to: give a postgresql://USER@HOST/NAME URL of an empty database")
    folder = paths.prepare_data_dir(console.data_folder(args))
    source = open_database(folder)
    try:
        check_intact(source)
        target = open_database(args.to)
        try:
            counts = copy_database(source, target)
            where = target.where
        finally:
            target.dispose()
    finally:
        source.dispose()
    for table, count in counts.items():
        print(f"{table:<20} {count} row(s)")
    print(f"copied {source.where} into {where}; every table's row count matches")
    return console.EXIT_OK
