"""Settings ▸ Database: the window says which database it works on, the folder's
SQLite file or a PostgreSQL server (never the password)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.storage.db import init_db
from app.ui.shell.context import AppContext
from tests.conftest import postgres_or_skip


def _area(qtbot: Any, context: AppContext) -> Any:
    from app.ui.areas.settings import SettingsArea

    widget = SettingsArea(context)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_the_folders_sqlite_file_is_named(qtbot: Any, context: AppContext) -> None:
    area = _area(qtbot, context)
    assert area.database_kind_label.text() == "SQLite file on this computer"
    assert area.database_where_label.text() == str(context.data_dir / "cueflow.db")


@pytest.fixture
def server_context(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AppContext]:
    server = postgres_or_skip(request)
    # (the test server trusts local logins: the password is only carried, never shown)
    db = init_db(server.create().set(password="hunter2-not-shown"))
    context = AppContext(tmp_path, db)
    yield context
    db.dispose()


def test_a_server_is_named_without_its_password(qtbot: Any, server_context: AppContext) -> None:
    area = _area(qtbot, server_context)
    assert area.database_kind_label.text() == "PostgreSQL (team mode)"
    where = area.database_where_label.text()
    assert where.startswith("postgresql://") and "hunter2" not in where
