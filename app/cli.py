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
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from app import __version__, paths
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


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise BadInput(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cueflow", description="Design and run backend workflows.")
    parser.add_argument("--version", action="version", version=f"cueflow {__version__}")
    parser.add_argument(
        "--data-dir",
        help="data folder (default: $CUEFLOW_DATA_DIR or the platform's user data folder)",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="team mode: a PostgreSQL database, postgresql://USER@HOST/NAME "
        "(default: $CUEFLOW_DATABASE_URL, else the data folder's SQLite file)",
    )
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

    sub.add_parser("runner", help="run the scheduler in the foreground until Ctrl+C")

    p = sub.add_parser("import", help="import a workflow file (YAML or JSON)")
    p.add_argument("file", type=Path)
    p.add_argument("--replace", action="store_true", help="replace workflows that exist")

    p = sub.add_parser("export", help="export workflows, data types and triggers")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    p.add_argument("--things", action="store_true", help="include the things")

    sub.add_parser("schema", help="print the workflow file's JSON Schema (for editors' completion)")

    def run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("workflow")
        p.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE")
        p.add_argument("--as", dest="run_as", metavar="THING_ID", help="run as this thing")
        p.add_argument("--ignore-privacy", action="store_true", help="ignore privacy rules")

    p = sub.add_parser("run", help="run a workflow now, here, and wait for it")
    run_options(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("schedule", help="schedule a run; prints its ID")
    run_options(p)
    p.add_argument("--at", default="now", metavar="WHEN", help="now, ISO 8601, +90s, +5m, +2h …")
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
        "--each-search",
        metavar="TYPE",
        help="one run per thing of TYPE, given to the parameter of that type",
    )
    p.add_argument(
        "--interval",
        type=seconds_between,
        default=0.0,
        metavar="SECONDS",
        help=f"seconds between the runs of --each / --each-search (0 to {MAX_INTERVAL:,.0f})",
    )

    p = sub.add_parser("cancel", help="cancel scheduled runs")
    p.add_argument("ids", nargs="*", metavar="ID")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--all", action="store_true", help="every upcoming run")
    group.add_argument("--overdue", action="store_true", help="upcoming runs already due")

    p = sub.add_parser("runs", help="list runs")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--upcoming", action="store_true")
    group.add_argument("--history", action="store_true")
    p.add_argument("--workflow", metavar="NAME")
    p.add_argument("--status", metavar="STATUS")
    p.add_argument("--limit", type=row_count, default=None, help="at most this many rows")
    p.add_argument(
        "--resume", metavar="ID", help="run an interrupted or failed run again from its step"
    )
    p.add_argument("--json", action="store_true")

    sub.add_parser("pause", help="pause the scheduler: no run starts until resumed")
    sub.add_parser("resume", help="resume; runs that came due meanwhile follow on_missed")
    p = sub.add_parser("schedules", help="list recurring schedules")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("things", help="list the things of a data type")
    p.add_argument("type")
    p.add_argument("--json", action="store_true")

    thing = sub.add_parser("thing", help="add, change or delete a thing")
    tsub = thing.add_subparsers(dest="thing_command", parser_class=_Parser, required=True)
    p = tsub.add_parser("add", help="add a thing; prints its ID")
    p.add_argument("type")
    p.add_argument("-f", "--field", action="append", default=[], metavar="FIELD=VALUE")
    p = tsub.add_parser("set", help="change fields of a thing")
    p.add_argument("id")
    p.add_argument("-f", "--field", action="append", default=[], metavar="FIELD=VALUE")
    p = tsub.add_parser("delete", help="delete a thing")
    p.add_argument("id")

    p = sub.add_parser("settings", help="read or change a setting")
    ssub = p.add_subparsers(dest="settings_command", parser_class=_Parser, required=True)
    g = ssub.add_parser("get", help="print a setting (all settings without KEY)")
    g.add_argument("key", nargs="?")
    s = ssub.add_parser("set", help="change a setting")
    s.add_argument("key")
    s.add_argument("value")

    p = sub.add_parser("secret", help="store a secret in the OS keychain")
    ssub = p.add_subparsers(dest="secret_command", parser_class=_Parser, required=True)
    s = ssub.add_parser("set", help="read the value from standard input")
    s.add_argument("key")

    # --- the workflow API (PRODUCT §6) ---------------------------------------------------
    sub.choices["runner"].add_argument(
        "--api",
        nargs="?",
        const="",
        metavar="HOST:PORT",
        help="serve the workflow API from this process (default address: setting api.listen)",
    )
    p = sub.add_parser("api", help="the workflow API: tokens")
    asub = p.add_subparsers(dest="api_command", parser_class=_Parser, required=True)
    p = asub.add_parser("token", help="create, list or revoke API tokens")
    tsub = p.add_subparsers(dest="token_command", parser_class=_Parser, required=True)
    t = tsub.add_parser("create", help="make a token; prints it once (only its hash is kept)")
    t.add_argument("label")
    t.add_argument("--as", dest="run_as", metavar="THING_ID", help="runs started run as this")
    t = tsub.add_parser("list", help="list the tokens (labels, never the tokens)")
    t.add_argument("--json", action="store_true")
    t = tsub.add_parser("revoke", help="revoke a token: refused at once")
    t.add_argument("label")
    p = sub.add_parser("runners", help="list the schedulers sharing this database")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("db", help="the database: copy a data folder's into PostgreSQL")
    dsub = p.add_subparsers(dest="db_command", parser_class=_Parser, required=True)
    d = dsub.add_parser("copy", help="copy the folder's SQLite data, history included")
    d.add_argument("--to", required=True, metavar="URL", help="an empty PostgreSQL database")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args: argparse.Namespace | None = None
    try:
        args = parser.parse_args(argv)
        check_text(parser, args)
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
        if logging.getLogger().handlers:
            logging.getLogger("app").exception("internal error")
        print(f"cueflow: {one_line(describe(exc))}", file=sys.stderr)
        return EXIT_INTERNAL


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
        if dest == "data_dir" or isinstance(value, Path):
            continue
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
