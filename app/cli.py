"""The command line (PRODUCT §5): parse, call a service, print, exit code.

Exit status: 0 success, 1 the workflow run failed, 2 bad input with a
one-line reason on stderr. Never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from app import __version__, logfile, paths
from app.console import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, data_folder
from app.errors import BadInput, CueflowError, InvalidWorkflowFile, describe, one_line, undecodable

MAX_INTERVAL = 366 * 86400.0  # --interval: at most a (leap) year between two runs


def seconds_between(text: str) -> float:
    """`--interval SECONDS`: a finite number from 0 to MAX_INTERVAL."""
    try:
        value = float(text)
    except ValueError:
        raise BadInput(f"--interval: '{one_line(text)[:40]}' is not a number of seconds") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_INTERVAL:
        raise BadInput(
            f"--interval: {one_line(text)[:40]} is out of range (0 to {MAX_INTERVAL:,.0f} seconds)"
        )
    return value


def row_count(text: str) -> int:
    """`--limit N`: a whole number, 0 or more (SQLite's integers end at 2**63 - 1)."""
    try:
        value = int(text)
    except ValueError:
        raise BadInput(f"--limit: '{one_line(text)[:40]}' is not a whole number") from None
    if not 0 <= value < 2**63:
        raise BadInput(f"--limit: {one_line(text)[:40]} is out of range (0 or more)")
    return value


HELP_FORMAT = argparse.RawDescriptionHelpFormatter


def add_global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """`--data-dir`, `-v`, `--debug`: accepted before the command and after it.

    On a command's parser the defaults are SUPPRESS, so an option given before
    the command is not reset by the command's parser.
    """
    default: object = None if top else argparse.SUPPRESS
    flag: object = False if top else argparse.SUPPRESS
    group = parser.add_argument_group("global options (before or after the command)")
    group.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="data folder (default: $CUEFLOW_DATA_DIR or the platform's user data folder)",
    )
    group.add_argument(
        "--database-url",
        metavar="URL",
        default=default,
        help="team mode: a PostgreSQL database, postgresql://USER@HOST/NAME "
        "(default: $CUEFLOW_DATABASE_URL, else the data folder's SQLite file)",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=flag,
        help="also write what Cueflow does (INFO) to standard error",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=flag,
        help="also write DEBUG details to standard error (an internal error's traceback too)",
    )


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2.

    Every parser but the top one (each command's, made by `add_parser`) takes
    the global options too, so `cueflow runs --data-dir D` works like
    `cueflow --data-dir D runs`.
    """

    def __init__(self, *args: Any, top: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HELP_FORMAT)
        super().__init__(*args, **kwargs)
        add_global_options(self, top=top)

    def error(self, message: str) -> NoReturn:
        raise BadInput(f"{message} (see '{self.prog} --help')")


def _command(
    sub: Any, name: str, summary: str, description: str = "", examples: str = ""
) -> argparse.ArgumentParser:
    """A subcommand with its one-line summary, a description and examples for `--help`."""
    epilog = "examples:\n" + textwrap.indent(textwrap.dedent(examples).strip(), "  ")
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=textwrap.dedent(description).strip() or summary,
        epilog=epilog if examples else None,
    )
    return parser


WHEN_HELP = (
    "when: now, HH:MM (the next such local time), 'tomorrow HH:MM', "
    "ISO 8601 (no offset = local time), or a delay +90s, +5m, +2h, +3d (default: now)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cueflow",
        top=True,
        description=(
            "Design and run backend workflows.\n\n"
            "Without a command, opens the window (the scheduler runs in it).\n"
            "Exit status: 0 success, 1 the workflow run failed, 2 bad input\n"
            "(one line on standard error), 70 an internal error (details in the log)."
        ),
        epilog=(
            "examples:\n"
            "  cueflow import resources/examples/birthday.yaml\n"
            "  cueflow schedule send_birthday_email -p user=ID --at 09:00\n"
            "  cueflow runs --upcoming\n"
            "  cueflow COMMAND --help      every command's options and examples"
        ),
    )
    parser.add_argument("--version", action="version", version=f"cueflow {__version__}")
    parser.add_argument(
        "--tray",
        action="store_true",
        help="start in the system tray, without the window (what 'Start at login' runs)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (actions, database, keyring, examples, a tiny run) and exit",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


# --- the commands' parsers, one function each (a new command is one more function) ---


def _runner(sub: Any) -> None:
    p = _command(
        sub,
        "runner",
        "run the scheduler in the foreground until Ctrl+C",
        """
        Run the scheduler without a window until SIGINT or SIGTERM: upcoming runs
        start at their time, runs that came due meanwhile follow their workflow's
        on_missed. Its log goes to standard error (journald keeps it under
        systemd) and to the rotating log file. Only one scheduler runs per data
        folder: a second one exits with status 2 naming the running process.
        As a service: systemctl --user enable --now cueflow-runner
        """,
        """
        cueflow runner
        cueflow runner --data-dir ~/work/cueflow-data -v
        cueflow runner --api 127.0.0.1:8931
        """,
    )
    p.add_argument(
        "--api",
        nargs="?",
        const="",
        metavar="HOST:PORT",
        help="serve the workflow API from this process (default address: setting api.listen)",
    )


def _import(sub: Any) -> None:
    p = _command(
        sub,
        "import",
        "import a workflow file (YAML or JSON)",
        """
        Check the whole file, then write it in one transaction: data types,
        things, workflows, triggers and upcoming runs. A file with any problem
        writes nothing and every problem is listed with its place.
        """,
        """
        cueflow import resources/examples/birthday.yaml
        cueflow import export.yaml --replace
        """,
    )
    p.add_argument("file", type=Path, help="the workflow file (- is not accepted)")
    p.add_argument(
        "--replace", action="store_true", help="replace workflows (and runs) that already exist"
    )


def _export(sub: Any) -> None:
    p = _command(
        sub,
        "export",
        "export workflows, data types and triggers",
        "Write the workflow file of this data folder (what 'import' reads back).",
        """
        cueflow export > workflows.yaml
        cueflow export --things -o backup.yaml
        """,
    )
    p.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    p.add_argument("--things", action="store_true", help="include the things")


def _run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("workflow", help="the workflow's name (see 'cueflow workflows')")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter, read by its type: a thing by its ID, a date in ISO 8601, "
        "yes/no, a list as a JSON array (repeat for each)",
    )
    p.add_argument("--as", dest="run_as", metavar="THING_ID", help="run as this thing (a user)")
    p.add_argument(
        "--ignore-privacy", action="store_true", help="ignore the data types' privacy rules"
    )


def _run(sub: Any) -> None:
    p = _command(
        sub,
        "run",
        "run a workflow now, here, and wait for it",
        """
        Run the workflow in this process and print its outcome and steps.
        Exit status 1 when the run fails.
        """,
        """
        cueflow run send_birthday_email -p user=ID --as ID
        cueflow run daily_digest --json
        """,
    )
    _run_options(p)
    p.add_argument("--json", action="store_true", help="print the run as a JSON object")


def _schedule(sub: Any) -> None:
    p = _command(
        sub,
        "schedule",
        "schedule a run; prints its ID",
        """
        Schedule one run (or one per value of a list, or a repeat) for a running
        scheduler (the window, the tray or 'cueflow runner') to start.
        EVERY is 'N seconds|minutes|hours|days|weeks|months|years' or
        'cron:MIN HOUR DOM MON DOW'.
        """,
        """
        cueflow schedule send_birthday_email -p user=ID --at 'tomorrow 09:00'
        cueflow schedule daily_digest --every '1 day' --at 07:30
        cueflow schedule remind --each user=ID1,ID2,ID3 --interval 2
        cut -f1 users.tsv | cueflow schedule remind --each-file user=-
        """,
    )
    _run_options(p)
    p.add_argument("--at", default="now", metavar="WHEN", help=WHEN_HELP)
    p.add_argument(
        "--every",
        metavar="EVERY",
        help="repeat: N minutes|hours|days … or cron:… (prints the schedule's ID)",
    )
    p.add_argument("--timezone", metavar="ZONE", help="time zone of a repeat (default: local)")
    each = p.add_mutually_exclusive_group()
    each.add_argument(
        "--each", metavar="PARAM=ID,ID,…", help="one run per value (prints one run ID per line)"
    )
    each.add_argument(
        "--each-file",
        metavar="PARAM=FILE",
        help="one run per non-empty line of FILE (- for standard input), "
        "the line given to PARAM as --each does",
    )
    each.add_argument(
        "--each-search",
        metavar="TYPE",
        help="one run per thing of TYPE, given to the parameter of that type",
    )
    p.add_argument(
        "--interval",
        type=seconds_between,
        default=0.0,
        metavar="SECONDS",
        help=f"seconds between the runs of a list (0 to {MAX_INTERVAL:,.0f})",
    )


def _cancel(sub: Any) -> None:
    p = _command(
        sub,
        "cancel",
        "cancel scheduled runs or recurring schedules",
        """
        Cancel runs by ID; a schedule's ID ends the schedule, one occurrence's
        run ID skips just that one.
        """,
        """
        cueflow cancel 01JF3Q…
        cueflow cancel --overdue
        """,
    )
    p.add_argument("ids", nargs="*", metavar="ID", help="run IDs or schedule IDs")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--all", action="store_true", help="every upcoming run and schedule")
    group.add_argument("--overdue", action="store_true", help="upcoming runs already due")


def _runs(sub: Any) -> None:
    p = _command(
        sub,
        "runs",
        "list runs, or show one run",
        """
        List runs by their scheduled time (--history: the latest first), one per
        line (a header line only on a terminal; whether a scheduler runs goes to
        standard error). 'cueflow runs show ID' shows one run: every attempt, its
        steps with inputs, result, error and duration, and the run's log.
        """,
        """
        cueflow runs --upcoming
        cueflow runs --history --status failed --workflow send_birthday_email
        cueflow runs --csv > runs.csv
        cueflow runs show RUN_ID
        """,
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("--upcoming", action="store_true", help="only scheduled runs")
    group.add_argument("--history", action="store_true", help="only runs that started")
    p.add_argument("--workflow", metavar="NAME", help="only runs of this workflow")
    p.add_argument("--status", metavar="STATUS", help="only runs with this status")
    p.add_argument("--limit", type=row_count, default=None, help="at most this many rows")
    p.add_argument(
        "--resume", metavar="ID", help="run an interrupted or failed run again from its step"
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print a JSON array of run objects")
    out.add_argument(
        "--csv", action="store_true", help="print CSV (a header line, then the table's columns)"
    )
    shows = p.add_subparsers(dest="runs_command", metavar="show", required=False)
    show = _command(
        shows,
        "show",
        "one run: every attempt, its steps and its log",
        """
        Show one run like 'gh run view --log': its status and times, every
        attempt with its steps (inputs, result, error, duration) and the run's log.
        """,
        """
        cueflow runs show RUN_ID
        cueflow runs show RUN_ID --json
        """,
    )
    show.add_argument("id", metavar="ID", help="the run's ID")
    show.add_argument("--json", action="store_true", help="print the run as a JSON object")


def _workflows(sub: Any) -> None:
    p = _command(
        sub,
        "workflows",
        "list the workflows, their parameters and API exposure",
        "One workflow per line: name, label, parameters with types, steps, API exposure.",
        """
        cueflow workflows
        cueflow workflows --json
        """,
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")


def _pause(sub: Any) -> None:
    _command(
        sub,
        "pause",
        "pause the scheduler: no run starts until resumed",
        "Every run stays scheduled; none starts until 'cueflow resume'.",
        "cueflow pause",
    )
    _command(
        sub,
        "resume",
        "resume; runs that came due meanwhile follow on_missed",
        "Start runs again; those that came due while paused follow their workflow's on_missed.",
        "cueflow resume",
    )


def _schedules(sub: Any) -> None:
    p = _command(
        sub,
        "schedules",
        "list recurring schedules",
        "The recurring schedules made with 'schedule --every' or by workflows.",
        "cueflow schedules --json",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")


def _things(sub: Any) -> None:
    p = _command(
        sub,
        "things",
        "list the things of a data type",
        "One thing per line: its ID and fields.",
        """
        cueflow things User
        cueflow things User --json
        """,
    )
    p.add_argument("type", help="the data type's name")
    p.add_argument("--json", action="store_true", help="print a JSON array of objects")


def _thing(sub: Any) -> None:
    thing = _command(
        sub,
        "thing",
        "add, change or delete a thing",
        "Changes made here start the data type's database triggers.",
        """
        cueflow thing add User -f name=Ada -f email=ada@example.com
        cueflow thing set ID -f name=Ada
        cueflow thing delete ID
        """,
    )
    tsub = thing.add_subparsers(dest="thing_command", metavar="add|set|delete", required=True)
    field_help = "a field, read by its type (repeat for each)"
    p = _command(tsub, "add", "add a thing; prints its ID", "", "cueflow thing add User -f name=Bo")
    p.add_argument("type", help="the data type's name")
    p.add_argument(
        "-f", "--field", action="append", default=[], metavar="FIELD=VALUE", help=field_help
    )
    p = _command(tsub, "set", "change fields of a thing", "", "cueflow thing set ID -f name=Bo")
    p.add_argument("id", help="the thing's ID")
    p.add_argument(
        "-f", "--field", action="append", default=[], metavar="FIELD=VALUE", help=field_help
    )
    p = _command(tsub, "delete", "delete a thing", "", "cueflow thing delete ID")
    p.add_argument("id", help="the thing's ID")


def _settings(sub: Any) -> None:
    p = _command(
        sub,
        "settings",
        "read or change a setting",
        "Settings such as smtp.host, smtp.port, runner.max_concurrent_runs.",
        """
        cueflow settings get
        cueflow settings set smtp.host mail.example.com
        """,
    )
    ssub = p.add_subparsers(dest="settings_command", metavar="get|set", required=True)
    g = _command(
        ssub,
        "get",
        "print a setting (all settings without KEY)",
        "",
        "cueflow settings get smtp.port",
    )
    g.add_argument("key", nargs="?", help="the setting (all of them when left out)")
    s = _command(ssub, "set", "change a setting", "", "cueflow settings set smtp.port 587")
    s.add_argument("key", help="the setting")
    s.add_argument("value", help="its new value")


def _secret(sub: Any) -> None:
    p = _command(
        sub,
        "secret",
        "store a secret in the OS keychain",
        "Secrets are kept in the OS keychain only, never in plain text.",
        'printf %s "$PASSWORD" | cueflow secret set smtp.password',
    )
    ssub = p.add_subparsers(dest="secret_command", metavar="set", required=True)
    s = _command(
        ssub,
        "set",
        "read the value from standard input",
        "",
        "cueflow secret set smtp.password",
    )
    s.add_argument("key", help="the secret's name, such as smtp.password")


def _schema(sub: Any) -> None:
    _command(
        sub,
        "schema",
        "print the workflow file's JSON Schema (for editors' completion)",
        "A JSON Schema (Draft 2020-12) of the workflow file, built from what import accepts.",
        "cueflow schema > cueflow.schema.json",
    )


def _api(sub: Any) -> None:
    p = _command(
        sub,
        "api",
        "the workflow API: tokens",
        "Other programs start exposed workflows over HTTP with a token (PRODUCT §6).",
        """
        cueflow api token create website
        cueflow api token list
        cueflow api token revoke website
        """,
    )
    asub = p.add_subparsers(dest="api_command", metavar="token", required=True)
    p = _command(
        asub,
        "token",
        "create, list or revoke API tokens",
        "A token lets another program call exposed workflows; only its hash is kept.",
        "cueflow api token create website\ncueflow api token list --json",
    )
    tsub = p.add_subparsers(dest="token_command", metavar="create|list|revoke", required=True)
    t = _command(
        tsub,
        "create",
        "make a token; prints it once (only its hash is kept)",
        "",
        "cueflow api token create shop --as 06h35...",
    )
    t.add_argument("label", help="a name for the token (letters, digits, . - _)")
    t.add_argument("--as", dest="run_as", metavar="THING_ID", help="runs it starts run as this")
    t = _command(
        tsub, "list", "list the tokens (labels, never the tokens)", "", "cueflow api token list"
    )
    t.add_argument("--json", action="store_true", help="print a JSON array")
    t = _command(
        tsub, "revoke", "revoke a token: refused at once", "", "cueflow api token revoke shop"
    )
    t.add_argument("label", help="the token's label")


def _runners(sub: Any) -> None:
    p = _command(
        sub,
        "runners",
        "list the schedulers sharing this database",
        """
        Team mode (PRODUCT §7): every scheduler on the database server with its
        host, process, start, last heartbeat and runs in flight. On a data
        folder's SQLite file: the one scheduler of that folder, if any.
        """,
        """
        cueflow runners --database-url postgresql://cueflow@db.example.com/cueflow
        cueflow runners --json
        """,
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")


def _db(sub: Any) -> None:
    p = _command(
        sub,
        "db",
        "the database: copy a data folder's into PostgreSQL",
        "Move a data folder's SQLite data, history included, to a database server.",
        "cueflow db copy --to postgresql://cueflow@db.example.com/cueflow",
    )
    dsub = p.add_subparsers(dest="db_command", metavar="copy", required=True)
    d = _command(
        dsub,
        "copy",
        "copy the folder's SQLite data, history included (counts checked)",
        "The target must be an empty PostgreSQL database; nothing is written on a mismatch.",
        "cueflow db copy --to postgresql://cueflow@localhost/cueflow",
    )
    d.add_argument("--to", required=True, metavar="URL", help="an empty PostgreSQL database")


COMMANDS = [
    _runner,
    _import,
    _export,
    _run,
    _schedule,
    _cancel,
    _runs,
    _workflows,
    _pause,
    _schedules,
    _things,
    _thing,
    _settings,
    _secret,
    _schema,
    _api,
    _runners,
    _db,
]
"""The commands' parser builders, in the order `--help` lists them."""


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    finally:
        logfile.stop_stderr()  # (a caller in the same process gets its stderr back)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args: argparse.Namespace | None = None
    try:
        args = parser.parse_args(argv)
        check_text(parser, args)
        if args.verbose or args.debug:
            logfile.to_stderr(logging.DEBUG if args.debug else logging.INFO)
            logging.getLogger("app").info(
                "data folder %s; log %s", data_folder(args), logfile.log_path(data_folder(args))
            )
        if args.self_test:
            from app.selftest import run_self_test

            return run_self_test()
        if args.command is None:
            return open_window(args)
        from app import commands

        return int(getattr(commands, f"cmd_{args.command}")(args))
    except InvalidWorkflowFile as exc:
        for problem in exc.problems:
            print(one_line(problem), file=sys.stderr)
        return EXIT_BAD_INPUT
    except CueflowError as exc:
        print(f"cueflow: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except RecursionError:  # a value nested thousands deep that no check caught first
        print("cueflow: the input is nested too deeply", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug or a broken disk: one line; details in a configured log
        reason = _database_problem(exc, args)
        if reason is not None:
            print(f"cueflow: {one_line(reason)}", file=sys.stderr)
            return EXIT_BAD_INPUT
        log = _record_internal_error(args)
        where = f" (details in {log})" if log is not None else ""
        print(f"cueflow: {one_line(describe(exc))}{where}", file=sys.stderr)
        return EXIT_INTERNAL


def _record_internal_error(args: argparse.Namespace | None) -> Path | None:
    """The traceback of the error being handled, in the data folder's log: its path."""
    try:
        folder = data_folder(args) if args is not None else paths.data_dir(None)
    except CueflowError:  # a data folder that cannot be named: the platform's log folder
        folder = paths.default_data_dir()
    command = getattr(args, "command", None)
    return logfile.record_error(folder, f"'cueflow {command}'" if command else "the window")


def _database_problem(exc: Exception, args: argparse.Namespace | None) -> str | None:
    """The data folder's database file is damaged, read-only, on a full disk …: say which."""
    if args is None:
        return None
    from app.storage.db import DB_FILENAME, explain

    try:
        folder = data_folder(args)
    except CueflowError:
        return None
    return explain(exc, folder / DB_FILENAME)


def check_text(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse arguments that are not valid UTF-8 (bytes the OS passed as surrogates).

    Paths (the file to import or write, the data folder) are left to the
    code that opens them: a file name need not be UTF-8.
    """
    options = _option_names(parser)
    for dest, value in vars(args).items():
        if dest in ("data_dir", "each_file") or isinstance(value, Path):
            continue  # (--each-file PARAM=FILE: its parameter is checked where it is read)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and undecodable(item):
                raise BadInput(
                    f"{options.get(dest, dest)}: {one_line(item)!s} is not valid UTF-8 text"
                )


def _option_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    """dest → how the user wrote it (`--param`, `WORKFLOW` …), over every subcommand."""
    names: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                for dest, name in _option_names(sub).items():
                    names.setdefault(dest, name)
        elif action.option_strings:
            names.setdefault(action.dest, "/".join(action.option_strings))
        else:
            names.setdefault(action.dest, str(action.metavar or action.dest).upper())
    return names


def open_window(args: argparse.Namespace) -> int:
    """`cueflow [--tray]` with no command: the window and tray (Qt is imported only here)."""
    if not has_screen():
        raise BadInput(
            "no screen to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); "
            "use 'cueflow runner' to run the scheduler without a window"
        )
    from app.ui.shell.app import run_window

    return run_window(
        paths.data_dir(args.data_dir), tray_only=args.tray, database_url=args.database_url
    )


def has_screen() -> bool:
    """False on a Linux/BSD machine without a display (Qt would abort the process)."""
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
