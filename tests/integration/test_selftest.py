"""`cueflow --self-test`, in-process: every check passes here and a broken install fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

CHECKS = ("actions", "database", "keyring", "examples", "import", "run")


def test_self_test_passes_with_one_line_per_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--self-test"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("cueflow ")
    assert [line.split(":")[0] for line in lines[1:-1]] == [f"ok {name}" for name in CHECKS]
    assert lines[1].startswith("ok actions: 13 ")
    assert lines[-2].startswith("ok run: self_test succeeded")
    assert lines[-1] == "self-test passed"


def test_self_test_leaves_the_data_folder_alone(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(data_dir), "--self-test"]) == 0
    assert not (data_dir / "cueflow.db").exists()


def test_a_failing_check_is_named_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import paths

    monkeypatch.setattr(paths, "examples", lambda: [])
    assert main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert "ok database: migrated to " in out
    assert "FAIL examples: birthday.yaml not among the examples" in out
    assert "self-test passed" not in out


def test_a_missing_keyring_backend_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import selftest

    monkeypatch.setitem(selftest.NATIVE_KEYRING, sys.platform, "keyring.backends.NotBundled")
    assert main(["--self-test"]) == 1
    assert "FAIL keyring: " in capsys.readouterr().out


@pytest.mark.slow
def test_self_test_never_imports_qt() -> None:
    code = (
        "import sys; from app.cli import main; rc = main(['--self-test']); "
        "sys.exit(rc or ('PySide6' in sys.modules) * 3)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
