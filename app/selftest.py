"""`cueflow --self-test`: prove that an installed (or frozen) Cueflow is whole.

Each check prints one line, "ok <check>: <detail>"; the first failure prints
"FAIL <check>: <reason>" and the exit status is 1. Everything happens in a
throw-away data folder, so the user's database is never touched. Headless by
design: it never imports PySide6, so it runs on a build machine and in CI.

What it catches in a bundle: an action module left out, the Alembic
migrations or their template left out, the resources (examples) left out,
keyring's backends left out (frozen apps then silently fall back to keyring's
"fail" backend), and a broken engine.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path
from typing import TextIO

from app import __version__
from app.storage.db import Database

EXIT_OK, EXIT_FAILED = 0, 1

# The backend that must at least be *present* in a bundle for each platform;
# whether it is usable depends on the machine (a running keychain service).
NATIVE_KEYRING = {
    "linux": "keyring.backends.SecretService",
    "win32": "keyring.backends.Windows",
    "darwin": "keyring.backends.macOS",
}

TINY_WORKFLOW = """\
cueflow: 1
workflows:
  self_test:
    label: Self-test
    description: Written by cueflow --self-test into a throw-away database.
    steps:
      - action: log
        with: {message: "self-test ran"}
"""


class CheckFailed(Exception):
    """A self-test check failed; the message is its one-line reason."""


class _SelfTest:
    def __init__(self, folder: Path, out: TextIO) -> None:
        self.folder = folder
        self.out = out
        self._db: Database | None = None

    # --- the checks, in order -------------------------------------------------

    def check_actions(self) -> str:
        from app.actions import registry

        specs = registry.actions()
        modules = sorted({spec.perform.__module__ for spec in specs.values()})
        if not specs:
            raise CheckFailed("no actions registered")
        return f"{len(specs)} ({', '.join(m.rsplit('.', 1)[-1] for m in modules)})"

    def check_database(self) -> str:
        from app.storage import db as storage

        self._db = storage.init_db(storage.sqlite_url(self.folder / storage.DB_FILENAME))
        revision = storage.current_revision(self.db)
        if revision != storage.SCHEMA_HEAD:
            raise CheckFailed(f"schema at {revision}, expected {storage.SCHEMA_HEAD}")
        return f"migrated to {revision}"

    def check_keyring(self) -> str:
        from app.storage import secrets

        name = secrets.backend_name()
        # keyring finds its own backends through its package metadata's entry
        # points: a bundle without that metadata silently gets the "fail" backend.
        found = {ep.value for ep in metadata.entry_points(group="keyring.backends")}
        native = NATIVE_KEYRING.get(sys.platform)
        if native and native not in found:
            raise CheckFailed(
                f"{name}; no {native} entry point (keyring's metadata was not bundled)"
            )
        if native:
            try:
                importlib.import_module(native)
            except ImportError as exc:
                raise CheckFailed(f"{name}; {native} cannot be imported: {exc}") from None
        if secrets.is_usable():
            return f"{name} (usable)"
        return f"{name} (not usable here: no keychain service running; secrets will be refused)"

    def check_examples(self) -> str:
        from app import paths

        names = [f.name for f in paths.examples()]
        if "birthday.yaml" not in names:
            raise CheckFailed(f"birthday.yaml not among the examples: {names}")
        return f"{len(names)} ({', '.join(names)})"

    def check_import(self) -> str:
        from app import paths
        from app.workflow_file.importer import import_file

        birthday = next(f for f in paths.examples() if f.name == "birthday.yaml")
        with resources.as_file(birthday) as path:
            summary = import_file(self.db, Path(path))
        return f"birthday.yaml: {str(summary).removeprefix('imported ')}"

    def check_run(self) -> str:
        from app.engine.runner import Runner
        from app.storage import ledger
        from app.workflow_file.importer import import_text

        import_text(self.db, TINY_WORKFLOW, name="self-test")
        started = time.perf_counter()
        run_id = Runner(self.db).run_now("self_test", {})
        elapsed = time.perf_counter() - started
        with self.db.read() as session:
            run = ledger.get_run(session, run_id)
            lines = [line.message for line in ledger.log_lines(session, run_id)]
            status, error = run.status, run.error
        if status != ledger.SUCCEEDED:
            raise CheckFailed(f"run {run_id} {status}: {error}")
        if "self-test ran" not in lines:
            raise CheckFailed(f"run {run_id} succeeded but its log is {lines}")
        return f"self_test {status} in {elapsed * 1000:.0f} ms"

    def checks(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("actions", self.check_actions),
            ("database", self.check_database),
            ("keyring", self.check_keyring),
            ("examples", self.check_examples),
            ("import", self.check_import),
            ("run", self.check_run),
        ]

    @property
    def db(self) -> Database:
        if self._db is None:
            raise CheckFailed("no database (the database check did not pass)")
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()  # Windows cannot delete an open database file


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check; 0 when all pass, 1 at the first failure."""
    out = out or sys.stdout
    frozen = " (frozen)" if getattr(sys, "frozen", False) else ""
    print(f"cueflow {__version__}{frozen}, Python {sys.version.split()[0]}", file=out)
    with tempfile.TemporaryDirectory(prefix="cueflow-selftest-") as tmp:
        test = _SelfTest(Path(tmp), out)
        try:
            for name, check in test.checks():
                try:
                    detail = check()
                except CheckFailed as exc:
                    print(f"FAIL {name}: {exc}", file=out)
                    return EXIT_FAILED
                except Exception as exc:  # a missing module, a broken bundle: say which check
                    print(f"FAIL {name}: {type(exc).__name__}: {exc}", file=out)
                    return EXIT_FAILED
                print(f"ok {name}: {detail}", file=out, flush=True)
        finally:
            test.close()
    print("self-test passed", file=out)
    return EXIT_OK
