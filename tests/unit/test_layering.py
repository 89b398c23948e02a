"""Only app.ui may import Qt: the domain, engine, storage and scheduling stay headless."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_outside_ui_imports_qt() -> None:
    offenders = []
    checked = 0
    for path in APP.rglob("*.py"):
        relative = path.relative_to(APP)
        if relative.parts[0] == "ui":
            continue
        checked += 1
        qt = {n for n in _imports(path) if n.split(".")[0] in ("PySide6", "PyQt5", "PyQt6")}
        if qt:
            offenders.append(f"{relative}: {sorted(qt)}")
    assert checked > 20
    assert offenders == []


def test_core_does_not_call_up_into_other_layers() -> None:
    forbidden = ("app.engine", "app.storage", "app.scheduling", "app.ui", "app.cli", "app.actions")
    offenders = []
    for path in (APP / "core").rglob("*.py"):
        bad = {n for n in _imports(path) if n.startswith(forbidden)}
        if bad:
            offenders.append(f"{path.name}: {sorted(bad)}")
    assert offenders == []
