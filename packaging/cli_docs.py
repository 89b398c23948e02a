"""Generate the shell completions and the manual page from the command line's parser.

    python3 packaging/cli_docs.py OUTDIR [VERSION]

writes OUTDIR/completions/cueflow.bash, OUTDIR/completions/_cueflow (zsh),
OUTDIR/completions/cueflow.fish and OUTDIR/man/cueflow.1. Run by
`packaging/build.sh` (the .deb installs them) and by the tests. Completions come
from shtab (a build and test dependency only: the program never imports it);
the manual page is written here, one section per command and subcommand, with
their descriptions, options and examples, so nothing is left out.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import __version__  # noqa: E402
from app.cli import build_parser  # noqa: E402

FILE_ARGUMENTS = {"file", "output"}  # complete as file names
FOLDER_ARGUMENTS = {"data_dir"}  # complete as folder names
WORKFLOW_ARGUMENTS = {"workflow"}  # complete with the workflows of the default data folder

# The names come from `cueflow workflows` itself (its first column; no header or
# colour into a pipe), so completion always matches what the command accepts.
_NAMES = "cueflow workflows 2>/dev/null | cut -d' ' -f1"
WORKFLOWS = {
    "bash": "_cueflow_workflows",
    "zsh": "_cueflow_workflows",
    "fish": "(__cueflow_workflows)",
    "preamble": {
        "bash": f'_cueflow_workflows() {{ compgen -W "$({_NAMES})" -- "$1"; }}\n',
        "zsh": f'_cueflow_workflows() {{ compadd -- ${{(f)"$({_NAMES})"}}; }}\n',
        "fish": f"function __cueflow_workflows\n    {_NAMES}\nend\n",
    },
}


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices.items())
    return []


def _walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser with its command path: (), ("runs",), ("runs", "show") …"""
    found = [(path, parser)]
    for name, sub in _subcommands(parser):
        found += _walk(sub, (*path, name))
    return found


def completions() -> dict[str, str]:
    import shtab

    parser = build_parser()
    for _, each in _walk(parser):
        for action in each._actions:
            if action.dest in FILE_ARGUMENTS:
                action.complete = shtab.FILE  # type: ignore[attr-defined]
            elif action.dest in FOLDER_ARGUMENTS:
                action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
            elif action.dest in WORKFLOW_ARGUMENTS:
                action.complete = WORKFLOWS  # type: ignore[attr-defined]
    return {
        "cueflow.bash": shtab.complete(parser, shell="bash"),
        "_cueflow": shtab.complete(parser, shell="zsh"),
        "cueflow.fish": shtab.complete(parser, shell="fish"),
    }


def _roff(text: str) -> str:
    """Plain text for roff: backslashes, dashes, and lines that would read as requests."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join("\\&" + line if line[:1] in (".", "'") else line for line in text.split("\n"))


def _options(parser: argparse.ArgumentParser, *, command: bool = False) -> list[str]:
    """The parser's options by group (a command's: without -h and the global options,
    which the OPTIONS section describes once)."""
    lines: list[str] = []
    for group in parser._action_groups:
        if command and (group.title or "").startswith("global options"):
            continue
        actions = [
            a
            for a in group._group_actions
            if a.help != argparse.SUPPRESS
            and not isinstance(a, argparse._SubParsersAction)
            and not (command and isinstance(a, argparse._HelpAction))
        ]
        if not actions:
            continue
        lines.append(f".TP\n.B {_roff(group.title or 'options')}")
        lines.append(".RS")
        for action in actions:
            if action.option_strings:
                names = ", ".join(f"\\fB{_roff(o)}\\fR" for o in action.option_strings)
                if action.nargs != 0:
                    names += f" \\fI{_roff(str(action.metavar or action.dest.upper()))}\\fR"
            else:
                names = f"\\fI{_roff(str(action.metavar or action.dest.upper()))}\\fR"
            lines.append(f".TP\n{names}\n{_roff(action.help or '')}")
        lines.append(".RE")
    return lines


def manpage(version: str = __version__) -> str:
    parser = build_parser()
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    out = [
        f'.TH CUEFLOW 1 "{day}" "cueflow {version}" "User Commands"',
        ".SH NAME",
        "cueflow \\- design and run backend workflows",
        ".SH SYNOPSIS",
        ".B cueflow",
        "[\\fIGLOBAL OPTIONS\\fR] [\\fICOMMAND\\fR [\\fIOPTIONS\\fR]]",
        ".SH DESCRIPTION",
        _roff(parser.description or ""),
        ".SH OPTIONS",
        *_options(parser),
        ".SH COMMANDS",
    ]
    for path, sub in _walk(parser)[1:]:
        usage = sub.format_usage().removeprefix("usage: ").strip()
        out += [
            f".SS {_roff(' '.join(('cueflow', *path)))}",
            ".nf",
            _roff(" ".join(usage.split())),
            ".fi",
            ".PP",
            _roff(sub.description or ""),
            *_options(sub, command=True),
        ]
        if sub.epilog:
            out += [".PP", ".nf", _roff(sub.epilog), ".fi"]
    out += [
        ".SH EXIT STATUS",
        "0 success; 1 the workflow run failed; 2 bad input (one line on standard error,",
        "nothing changed); 70 an internal error (one line naming the log file, the",
        "traceback in it); 130 interrupted.",
        ".SH ENVIRONMENT",
        ".TP\n.B CUEFLOW_DATA_DIR\nthe data folder when \\fB\\-\\-data\\-dir\\fR is not given",
        ".TP\n.B CUEFLOW_LOG_DIR\nthe folder of \\fIcueflow.log\\fR (over the defaults below)",
        ".TP\n.B NO_COLOR\nwhen set and not empty, no colour in any output",
        ".SH FILES",
        ".TP\n.I ~/.local/share/Cueflow/cueflow.db",
        "the ledger and catalog of the default data folder (SQLite)",
        ".TP\n.I ~/.local/state/Cueflow/log/cueflow.log",
        "the log of the default data folder, rotated at 1 MB, three older files kept;",
        "a folder chosen with \\fB\\-\\-data\\-dir\\fR keeps its log inside it",
        ".TP\n.I /usr/lib/systemd/user/cueflow\\-runner.service",
        "the scheduler as a systemd user service:",
        "\\fBsystemctl \\-\\-user enable \\-\\-now cueflow\\-runner\\fR",
        ".SH SEE ALSO",
        "\\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1)",
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[0])
    version = argv[1] if len(argv) > 1 else __version__
    (folder / "completions").mkdir(parents=True, exist_ok=True)
    (folder / "man").mkdir(parents=True, exist_ok=True)
    for name, text in completions().items():
        (folder / "completions" / name).write_text(text, encoding="utf-8")
    (folder / "man" / "cueflow.1").write_text(manpage(version), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
