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


def test_the_database_is_the_url_given_else_the_environments_else_the_folder(
    tmp_path: Path,
) -> None:
    from app.engine.data_folder import DATABASE_URL_ENV, database_target

    url, env_url = "postgresql://a@h/one", "postgresql://b@h/two"
    assert database_target(tmp_path, url, {DATABASE_URL_ENV: env_url}) == url
    assert database_target(tmp_path, None, {DATABASE_URL_ENV: env_url}) == env_url
    assert database_target(tmp_path, "  ", {DATABASE_URL_ENV: " "}) == tmp_path
    assert database_target(tmp_path, None, {}) == tmp_path


def test_a_url_opens_a_server_and_an_unreachable_one_is_refused_in_one_line(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from tests.conftest import postgres_or_skip

    server = postgres_or_skip(request)
    url = server.create(migrated=False)
    try:
        folder = open_intact(tmp_path, url.render_as_string(hide_password=False))
        try:
            assert folder.data_dir == tmp_path
            assert folder.db.folder is None and folder.db.side.name == "postgresql"
            with folder.db.read() as session:
                assert session is not None
        finally:
            folder.close()
    finally:
        server.drop(url)
    with pytest.raises(DatabaseProblem, match=r"^cannot use the database postgresql://[^\n]*$"):
        open_intact(tmp_path, "postgresql://nobody@127.0.0.1:1/nothing")


@pytest.mark.parametrize("text", ["notaurl", "db.example.com/cueflow", "/var/lib/x"])
def test_a_database_url_that_is_no_url_is_refused_naming_where_it_came_from(
    tmp_path: Path, text: str
) -> None:
    from app.engine.data_folder import database_target
    from app.errors import BadInput

    with pytest.raises(BadInput, match=r"--database-url: .* is not a database URL"):
        database_target(tmp_path, text, environ={})
    with pytest.raises(BadInput, match=r"CUEFLOW_DATABASE_URL: .* is not a database URL"):
        database_target(tmp_path, None, environ={"CUEFLOW_DATABASE_URL": text})
