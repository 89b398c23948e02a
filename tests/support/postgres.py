"""A real PostgreSQL server for the tests, and a fresh database per test.

`CUEFLOW_TEST_PG_URL` (set by .ci/run, which starts a private cluster) names
a server and a database the tests may use as a superuser; without it a private
cluster is started here from Debian's binaries (initdb, pg_ctl) in a temporary
folder on a free port, and stopped when the tests end. Without the binaries
the PostgreSQL side of the tests is skipped, saying why.

Each test gets its own database, made from a template with the schema already
migrated (`CREATE DATABASE … TEMPLATE`: a few milliseconds), or an empty one.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import URL, make_url

if TYPE_CHECKING:
    from app.storage.db import Database

ENV_URL = "CUEFLOW_TEST_PG_URL"
TEMPLATE = "cueflow_template"
_DEBIAN_BIN = Path("/usr/lib/postgresql")
_INITDB_OPTIONS = ["-U", "postgres", "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync"]
_WAIT_START = ["-w", "-t", "60", "start"]
_STOP = ["-m", "immediate", "-w", "stop"]


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl (Debian's, else on PATH), if any."""
    if _DEBIAN_BIN.is_dir():
        for version in sorted(_DEBIAN_BIN.iterdir(), reverse=True):
            if (version / "bin" / "initdb").exists():
                return version / "bin"
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` user then."""
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


@dataclass
class PrivateCluster:
    """A throwaway cluster: trust authentication on 127.0.0.1, no fsync (tests only)."""

    bin: Path
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cueflow-pg-")))
    port: int = field(default_factory=_free_port)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def _log(self) -> list[str]:
        return ["-l", str(self.folder / "log")]

    def start(self) -> None:
        data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    *_INITDB_OPTIONS,
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            _as_postgres(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(self.folder / "log"),
                    *_WAIT_START,
                ]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            subprocess.run(
                _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), *_STOP]),
                check=True,
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresServer:
    """A server the tests may create and drop databases on.

    `CREATE DATABASE … TEMPLATE` and `DROP DATABASE` cost 0.1–0.5 s each on a loaded
    machine, mostly the server's own work: a worker thread makes the next migrated
    database while the current test runs, and drops finished ones behind it. Each
    test still gets a database of its own that no other test has touched.
    """

    def __init__(self, url: str) -> None:
        self.admin = make_url(url)
        self._names = itertools.count()
        self._prefix = f"cueflow_t{os.getpid()}_"
        self._template_ready = False
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-databases")
        self._next: Future[URL] | None = None
        self._pending: list[Future[None]] = []

    def _execute(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(
            host=self.admin.host,
            port=self.admin.port,
            user=self.admin.username,
            password=self.admin.password,
            dbname=self.admin.database or "postgres",
            autocommit=True,
        ) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def url_of(self, name: str) -> URL:
        return self.admin.set(database=name)

    def _template(self) -> str:
        """A database migrated to the newest schema, to copy (made once per session)."""
        name = self._prefix + "template"
        if not self._template_ready:
            from app.storage.db import init_db

            self._execute(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
            init_db(self.url_of(name)).dispose()
            self._template_ready = True
        return name

    def _make(self, template: str) -> URL:
        name = f"{self._prefix}{next(self._names)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url_of(name)

    def create(self, *, migrated: bool = True) -> URL:
        """A new database of its own: the schema migrated, or (migrated=False) empty."""
        if not migrated:
            return self._make("template0")
        template = self._template()
        made = self._next.result() if self._next is not None else self._make(template)
        self._next = self._worker.submit(self._make, template)  # the next test's, made meanwhile
        return made

    def drop(self, url: URL) -> None:
        """Drop the database (in the background: nobody uses it any more)."""
        self._pending = [done for done in self._pending if not done.done()]
        self._pending.append(self._worker.submit(self._drop, url))

    def _drop(self, url: URL) -> None:
        with contextlib.suppress(Exception):
            self._execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')

    def close(self) -> None:
        if self._next is not None:
            with contextlib.suppress(Exception):
                self._drop(self._next.result())
        for pending in self._pending:
            pending.result()
        self._worker.shutdown(wait=True)
        if self._template_ready:
            self._drop(self.url_of(self._prefix + "template"))


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer | str]:
    """The test session's server, or the reason there is none (a string)."""
    url = os.environ.get(ENV_URL)
    cluster = None
    if not url:
        folder = binaries()
        if folder is None:
            yield f"no PostgreSQL: set {ENV_URL} or install the postgresql package"
            return
        cluster = PrivateCluster(folder)
        try:
            cluster.start()
        except (subprocess.CalledProcessError, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            cluster.stop()
            yield f"could not start a private PostgreSQL cluster: {exc} {detail.decode()[-300:]}"
            return
        url = cluster.url
    server = PostgresServer(url)
    try:
        yield server
    finally:
        server.close()
        if cluster is not None:
            cluster.stop()


class OtherConnection:
    """A second connection to a test's database, as another process would have
    (autocommit): `execute` takes `?` placeholders on either database."""

    def __init__(self, db: Database) -> None:
        import sqlite3

        self.kind = db.side.name
        if self.kind == "sqlite":
            self._conn: Any = sqlite3.connect(str(db.engine.url.database))
        else:
            import psycopg

            url = db.engine.url
            self._conn = psycopg.connect(
                host=url.host,
                port=url.port,
                user=url.username,
                password=url.password,
                dbname=url.database,
                autocommit=True,
            )

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        if self.kind != "sqlite":
            sql = sql.replace("?", "%s")
        return self._conn.execute(sql, parameters)

    def close(self) -> None:
        self._conn.close()
