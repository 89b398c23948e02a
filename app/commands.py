"""What each command does: call a service, print the answer, give the exit code."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app import console, logfile, paths
from app.core.types import parse_text, utcnow
from app.core.when import parse_when
from app.core.words import counted
from app.engine import presenting
from app.engine.data_folder import database_target
from app.engine.settings import SettingsService
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
    from app.actions import registry
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
        if _log_on_stderr():
            logfile.to_stderr(logging.INFO)
        stop = console.stop_on_signal()
        api, events = _start_api(args, db)
        # The action modules (httpx, smtplib …) imported now rather than by the first
        # due run, which would be that much late: 0.2-0.3 s of CPU, which a team's
        # runners started together all spent at once in their first runs.
        registry.actions()
        clock = Clock(db, events)
        clock.start()
        found = clock.recovered
        where = db.where if team else str(folder)
        print(f"Cueflow runner for {where} (process {os.getpid()}); Ctrl+C to stop.", flush=True)
        if api is not None:
            print(f"Workflow API on {api.url}{API_PATH}", flush=True)
        if any(found.values()):
            print(
                f"At start: {counted(len(found['late']), 'late run')} started, "
                f"{len(found['missed'])} missed, {len(found['interrupted'])} interrupted.",
                flush=True,
            )
        console.wait_for(stop)
        if api is not None:
            api.stop()
        interrupted = clock.stop(timeout=10)
        if interrupted:
            print(f"Stopped; {counted(len(interrupted), 'run')} marked interrupted.", flush=True)
        db.dispose()
    finally:
        if lock is not None:
            logfile.stop(folder)
            lock.release()
    return console.EXIT_OK


def _log_on_stderr() -> bool:
    """The scheduler's log on stderr in the foreground: a terminal, or journald.

    systemd sets JOURNAL_STREAM=DEVICE:INODE for a service whose stderr is the
    journal; as its documentation asks, it counts only when stderr is still that
    stream (a child that inherited the variable may write elsewhere). Never into
    a pipe nobody may read (it would fill and stop the scheduler); `-v` asks for
    it anyway.
    """
    if console.is_terminal(sys.stderr):
        return True
    device, _, inode = os.environ.get("JOURNAL_STREAM", "").partition(":")
    try:
        info = os.fstat(sys.stderr.fileno())
        return (info.st_dev, info.st_ino) == (int(device), int(inode))
    except (OSError, ValueError, AttributeError):  # no variable, no real stderr
        return False


# --- workflow file --------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from app.workflow_file.importer import import_file

    with console.Progress("importing things") as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.advance(done - bar.done)

        summary = import_file(_open(args), args.file, replace=args.replace, progress=progress)
    print(summary)
    return console.EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from app.workflow_file.exporter import export_text

    if args.output:
        _check_not_own_file(console.data_folder(args), args.output)
    with console.Progress("exporting").ticking():  # 100,000 things: ~10 s of YAML
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
    if args.each or args.each_search or args.each_file:
        if args.every:
            raise BadInput("--every cannot be combined with --each, --each-file or --each-search")
        key, items, lines = _each(service, args)
        _check_last(at, args.interval, len(items))
        # One transaction in the service (~1.3 s for 100,000): the bar shows the time it takes.
        try:
            with console.Progress(f"scheduling {len(items):,} runs").ticking():
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
        except BadInput as exc:
            raise _on_line(exc, items, lines, args.each_file) from None
        sys.stdout.write("".join(f"{run_id}\n" for run_id in ids))
        return console.EXIT_OK
    if args.interval:
        raise BadInput("--interval goes with --each, --each-file or --each-search")
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


EACH_FILE_LIMIT = 64 * 1024 * 1024  # as a workflow file: read once, at most 64 MiB


def _read_each_file(option: str) -> tuple[str, list[str], list[int]]:
    """`--each-file PARAM=FILE`: the parameter, the non-empty lines and their line numbers.

    FILE `-` is standard input. The file must be UTF-8 text; a line with a
    control character is refused by its number, and nothing is scheduled.
    """
    key, sep, name = option.partition("=")
    if not sep or not key.strip() or not name:
        raise BadInput(f"--each-file '{one_line(option)}' is not PARAM=FILE (- for standard input)")
    if undecodable(key):  # (the file's name need not be UTF-8, the parameter's must)
        raise BadInput(f"--each-file: parameter '{one_line(key)}' is not valid UTF-8 text")
    label = "standard input" if name == "-" else name
    try:
        if name == "-":
            data = sys.stdin.buffer.read(EACH_FILE_LIMIT + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(EACH_FILE_LIMIT + 1)
    except AttributeError:  # a text-only stdin (tests replace it with a StringIO)
        data = sys.stdin.read(EACH_FILE_LIMIT + 1).encode("utf-8", "surrogateescape")
    except OSError as exc:
        reason = exc.strerror or exc
        raise BadInput(f"--each-file {one_line(label)}: cannot read it ({reason})") from None
    if len(data) > EACH_FILE_LIMIT:
        raise BadInput(f"--each-file {one_line(label)}: larger than 64 MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BadInput(f"--each-file {one_line(label)} line {line}: not valid UTF-8 text") from None
    values: list[str] = []
    numbers: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        value = line.strip()
        if not value:
            continue
        if one_line(value) != value:
            raise BadInput(
                f"--each-file {one_line(label)} line {number}: "
                f"'{one_line(value)[:60]}' has a control character"
            )
        values.append(value)
        numbers.append(number)
    return key.strip(), values, numbers


def _on_line(exc: BadInput, items: list[str], lines: list[int], option: str | None) -> BadInput:
    """A service's error about one value of --each-file, named by the value's line number."""
    if not option or not lines:
        return exc
    name = option.partition("=")[2]
    label = "standard input" if name == "-" else name
    for value, number in zip(items, lines, strict=True):
        if f"'{value}'" in exc.reason:
            return BadInput(f"--each-file {one_line(label)} line {number}: {exc.reason}")
    return BadInput(f"--each-file {one_line(label)}: {exc.reason}")


def _check_last(at: datetime, interval: float, count: int) -> None:
    """The last of `count` runs `interval` s apart from `at` must fall in a real year."""
    try:
        (at + timedelta(seconds=interval * max(count - 1, 0))).astimezone(UTC)
    except OverflowError:
        raise BadInput(
            f"--interval: the last of {count} runs would come after the year 9999"
        ) from None


def _each(service: Any, args: argparse.Namespace) -> tuple[str, list[str], list[int]]:
    """The parameter and the values of `--each`, `--each-file` or `--each-search`
    (and, for --each-file, each value's line number)."""
    lines: list[int] = []
    if args.each_file:
        key, values, lines = _read_each_file(args.each_file)
    with service.db.read() as session:
        wf = catalog.get_workflow(session, args.workflow)
        if args.each_file:
            if wf.parameter(key) is None:
                raise BadInput(f"{wf.name} has no parameter '{key}'")
            if not values:
                raise BadInput(f"--each-file {args.each_file}: no lines, nothing to schedule")
            return key, values, lines
        if args.each:
            key, sep, text = args.each.partition("=")
            if not sep or not key:
                raise BadInput(f"--each '{args.each}' is not PARAM=VALUE,VALUE,…")
            if wf.parameter(key) is None:
                raise BadInput(f"{wf.name} has no parameter '{key}'")
            return key, [v.strip() for v in text.split(",") if v.strip()], lines
        matching = [p.key for p in wf.parameters if p.type.base == args.each_search]
        if len(matching) != 1:
            found = "no parameter" if not matching else f"parameters {', '.join(matching)}"
            raise BadInput(
                f"--each-search {args.each_search}: {wf.name} has {found} of type "
                f"{args.each_search}; it needs exactly one"
            )
        things = catalog.list_things(session, args.each_search)
        return matching[0], [t.id for t in things], lines


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
        console.status("no schedules")
    else:
        console.header(f"{'ID':<16}  {'STATUS':<9} {'EVERY':<20} WORKFLOW  (TIME ZONE)")
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
    print(f"cancelled {counted(len(cancelled), 'run')}")
    return console.EXIT_OK


def cmd_runs(args: argparse.Namespace) -> int:
    if getattr(args, "runs_command", None) == "show":
        return _show_run(args)
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
        if args.csv:
            _print_csv(rows)
            return console.EXIT_OK
        console.header(f"{'ID':<26}  {'STATUS':<11} {'SCHEDULED FOR':<19}  WORKFLOW  PARAMS")
        printed = 0
        for row in rows:
            when = _local(datetime.fromisoformat(row["scheduled_for"]))
            tail = f"  {row['error']}" if row["error"] and row["status"] != "cancelled" else ""
            state = console.paint(f"{row['status']:<11}", console.STATUS_STYLES.get(row["status"]))
            print(
                f"{row['id']}  {state} {when}  {row['workflow']}  {_short(row['params'], 60)}{tail}"
            )
            printed += 1
        # Not data: one line on stderr, after the table (whether the runs will start).
        folder = console.data_folder(args)
        state = _scheduler_line(folder) if db.folder else _team_line(db)
        console.status(state if printed else f"no runs; {state}")
    return console.EXIT_OK


def _print_csv(rows: Any) -> None:
    """`runs --csv`: a header line, then the runs (presenting.RUN_COLUMNS)."""
    presenting.write_runs_csv(rows, sys.stdout)


def _show_run(args: argparse.Namespace) -> int:
    """`runs show ID`: the run, every attempt with its steps, and the run's log."""
    db = _open(args)
    with db.read() as session:
        run = ledger.get_run(session, args.id)
        out = presenting.run_to_json(run)
        steps = presenting.steps_to_json(ledger.step_results(session, args.id))
        log = [
            {"at": line.at.isoformat(), "level": line.level, "message": line.message}
            for line in ledger.log_lines(session, args.id)
        ]
    attempts: dict[int, list[dict[str, Any]]] = {}
    for step in steps:
        attempts.setdefault(step["attempt"], []).append(step)
    out["attempts"] = [{"attempt": n, "steps": attempts[n]} for n in sorted(attempts)]
    out["log"] = log
    if args.json:
        console.print_json(out)
        return console.EXIT_OK
    for line in _run_text(out):
        print(line)
    return console.EXIT_OK


def _run_text(out: dict[str, Any]) -> list[str]:
    import json

    def stamp(value: str | None) -> str:
        return _local(datetime.fromisoformat(value)) if value else "-"

    state = console.paint(out["status"], console.STATUS_STYLES.get(out["status"]))
    lines = [
        f"{console.paint('run', 'bold')} {out['id']}  {out['workflow']}  {state}",
        f"  origin {out['origin'] or '-'}, attempt {out['attempt']}"
        + (f", run as {out['run_as']}" if out["run_as"] else "")
        + (", privacy rules ignored" if out["ignore_privacy"] else "")
        + (f", parent {out['parent_id']}" if out["parent_id"] else "")
        + (f", trigger {out['trigger']}" if out["trigger"] else "")
        + (f", schedule {out['schedule_id']}" if out["schedule_id"] else ""),
        f"  scheduled {stamp(out['scheduled_for'])}, started {stamp(out['started_at'])}, "
        f"finished {stamp(out['finished_at'])}",
        f"  params {json.dumps(out['params'], ensure_ascii=False)}",
    ]
    if out["error"]:
        lines.append(f"  error {one_line(out['error'])}")
    if out["returned"] is not None:
        lines.append(f"  returned {_short(out['returned'], 400)}")
    for attempt in out["attempts"]:
        lines.append(console.paint(f"attempt {attempt['attempt']}", "bold"))
        for step in attempt["steps"]:
            style = console.STATUS_STYLES.get(step["status"])
            lines.append(
                f"  step {step['step']} {step['action']}: "
                f"{console.paint(step['status'], style)} ({step['duration_ms']:.1f} ms)"
            )
            lines.append(f"    inputs {_short(step['inputs'], 400) or '-'}")
            if step["result"] is not None:
                lines.append(f"    result {_short(step['result'], 400)}")
            if step["error"]:
                lines.append(f"    error  {one_line(step['error'])}")
    if not out["attempts"]:
        lines.append(console.paint("no steps ran", "dim"))
    lines.append(console.paint("log", "bold"))
    for entry in out["log"]:
        level = console.paint(f"{entry['level']:<5}", "red" if entry["level"] == "error" else None)
        lines.append(f"  {stamp(entry['at'])} {level} {one_line(entry['message'])}")
    if not out["log"]:
        lines.append("  (empty)")
    return lines


def cmd_workflows(args: argparse.Namespace) -> int:
    db = _open(args)
    listen = SettingsService(db).get("api.listen")
    with db.read() as session:
        rows = [workflow_to_json(wf, listen) for wf in catalog.list_workflows(session)]
    if args.json:
        console.print_json(rows)
        return console.EXIT_OK
    console.header("NAME  LABEL  PARAMETERS  STEPS  API")
    for row in rows:
        params = ", ".join(
            f"{p['key']}: {p['type']}" + ("?" if p["optional"] else "") for p in row["parameters"]
        )
        print(
            f"{console.paint(row['name'], 'bold')}  {row['label'] or '-'}  ({params})  "
            f"{_steps(row['steps'])}  {row['api']['endpoint'] or 'not exposed'}"
        )
    if not rows:
        console.status("no workflows (import a file with 'cueflow import FILE')")
    return console.EXIT_OK


def api_endpoint(wf: Any, listen: str | None = None) -> str | None:
    """`POST http://HOST:PORT/api/1.1/wf/NAME` of an exposed workflow (None when not
    exposed); the path alone when the address (setting api.listen) is not given."""
    if not wf.api.expose:
        return None
    base = f"http://{listen}" if listen else ""
    return f"{wf.api.method} {base}/api/1.1/wf/{wf.name}"


def workflow_to_json(wf: Any, listen: str | None = None) -> dict[str, Any]:
    """The `workflows --json` object: name, label, parameters, steps, API exposure."""
    return {
        "name": wf.name,
        "label": wf.label,
        "description": wf.description,
        "parameters": [
            {"key": p.key, "type": str(p.type), "optional": p.optional} for p in wf.parameters
        ],
        "steps": len(wf.steps),
        "api": {**wf.api.to_json(), "endpoint": api_endpoint(wf, listen)},
    }


def _steps(count: int) -> str:
    return "1 step" if count == 1 else f"{count} steps"


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
        console.status(f"no {args.type} things")
    else:
        console.header(f"{'ID':<16}  FIELDS")
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
            f"last heartbeat {age}  {counted(row['runs_in_flight'], 'run')} in flight"
        )
    return console.EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    """`cueflow db copy --to URL`: the data folder's SQLite data into empty PostgreSQL."""
    from app.storage.copy import copy_database, source_rows
    from app.storage.db import parse_url

    if parse_url(args.to).get_backend_name() != "postgresql":
        raise BadInput("--to: give a postgresql://USER@HOST/NAME URL of an empty database")
    folder = paths.prepare_data_dir(console.data_folder(args))
    source = open_database(folder)
    try:
        check_intact(source)
        target = open_database(args.to)
        try:
            with console.Progress("copying rows", source_rows(source)) as bar:
                counts = copy_database(source, target, bar.advance)
            where = target.where
        finally:
            target.dispose()
    finally:
        source.dispose()
    for table, count in counts.items():
        print(f"{table:<20} {counted(count, 'row')}")
    print(f"copied {source.where} into {where}; every table's row count matches")
    return console.EXIT_OK
