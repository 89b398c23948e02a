"""Opening a data folder for a scheduler: a damaged database is refused, nothing left open."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.data_folder import open_intact
from app.errors import DatabaseProblem
from app.storage.db import DB_FILENAME


def test_a_fresh_folder_opens_with_its_services(tmp_path: Path) -> None:
    folder = open_intact(tmp_path)
    try:
        assert folder.data_dir == tmp_path
        with folder.db.read() as session:
            assert session is not None
        folder.settings.set("smtp.host", "mail.example.com")
        assert folder.settings.get("smtp.host") == "mail.example.com"
        assert folder.data.data_types() == {}
    finally:
        folder.close()


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / DB_FILENAME).write_bytes(b"not a database at all " * 100)
    with pytest.raises(DatabaseProblem):
        open_intact(tmp_path)
