"""Real PostgreSQL databases for tests: a server from TEST_DATABASE_URL or a throwaway one."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg2
import psycopg2.errors
from psycopg2 import sql
from sqlalchemy.engine import make_url

from libs.testing.processes import free_port
from libs.testing.tools import postgres_bindir

INSTALL_HINT = (
    "The tests need a real PostgreSQL server. Either set TEST_DATABASE_URL to one the tests "
    "may create databases on (postgresql://user:password@host:5432/postgres), or install the "
    "server binaries (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql) "
    "so a throwaway server can be started."
)
_UNPRIVILEGED_USER = "nobody"
# Durability is traded for speed: a throwaway server's data need not survive a crash.
FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
# Autovacuum workers run as no role, so DROP ... WITH (FORCE) by a non-superuser fails while one
# is on the database; each lasts well under a second on a test database.
DROP_ATTEMPTS = 20
DROP_RETRY_SECONDS = 0.25


class PostgresUnavailable(RuntimeError):
    """Raised when no PostgreSQL server can be reached or started."""


@dataclass(frozen=True)
class TestDatabase:
    """An empty database that exists for the duration of a test session."""

    __test__ = False  # not a pytest test class

    url: str
    server_version: str


@contextmanager
def postgres_database() -> Iterator[TestDatabase]:
    """Yield a fresh database, private to this process, and drop it afterwards."""
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if admin_url:
        with database_on(admin_url) as database:
            yield database
    else:
        with throwaway_server() as server_url, database_on(server_url) as database:
            yield database


@contextmanager
def database_on(admin_url: str) -> Iterator[TestDatabase]:
    """Create a uniquely named database on the server at `admin_url`; drop it afterwards."""
    slot = os.environ.get("TEST_EXECUTION_SLOT", "0")
    name = f"test_{slot}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg2.connect(admin_url, connect_timeout=5)
    except psycopg2.OperationalError as error:
        raise PostgresUnavailable(f"cannot connect to TEST_DATABASE_URL: {error}") from error
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        yield TestDatabase(url=url, server_version=str(version))
    finally:
        _drop_database(admin, name)
        admin.close()


def _drop_database(admin: psycopg2.extensions.connection, name: str) -> None:
    """Drop `name`, waiting out an autovacuum worker on it (a non-superuser cannot end one)."""
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    for attempt in range(DROP_ATTEMPTS):
        try:
            with admin.cursor() as cursor:
                cursor.execute(statement)
            return
        except psycopg2.errors.InsufficientPrivilege:
            if attempt == DROP_ATTEMPTS - 1:
                raise
            time.sleep(DROP_RETRY_SECONDS)


def find_server_binaries() -> Path:
    """The directory holding `initdb` and `pg_ctl`: PATH, then pg_config, then Debian's layout."""
    bindir = postgres_bindir()
    if bindir is None:
        raise PostgresUnavailable(INSTALL_HINT)
    return bindir


class PostgresServer:
    """A private PostgreSQL server on a free loopback port that a test may stop and start."""

    def __init__(self, settings: dict[str, str], password: str | None = None) -> None:
        # With a password every login is checked (scram-sha-256); without one, trust.
        self._password = password
        self._bindir = find_server_binaries()
        # PostgreSQL refuses to run as root, so as root the server runs as an unprivileged user.
        self._account = pwd.getpwnam(_UNPRIVILEGED_USER) if os.geteuid() == 0 else None
        # That user must reach the data directory, and a sandbox's TMPDIR may be private to
        # root. mkdtemp makes a private subdirectory there, so the shared parent is safe.
        shared_tmp = "/tmp" if self._account else None  # noqa: S108  # nosec B108
        self._root = Path(tempfile.mkdtemp(prefix="pg-test-", dir=shared_tmp))
        if self._account:
            os.chown(self._root, self._account.pw_uid, self._account.pw_gid)
        self.port = free_port()
        self._options = " ".join(
            [f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self._root}"]
            + [f"-c {name}={value}" for name, value in settings.items()]
        )
        self.running = False

    @property
    def url(self) -> str:
        """The admin URL: user and database `postgres`, with the server's password if it has one."""
        login = "postgres" + (f":{quote(self._password, safe='')}" if self._password else "")
        return f"postgresql://{login}@127.0.0.1:{self.port}/postgres"

    def initdb(self) -> None:
        """Create the data directory."""
        auth = ["--auth=trust"]
        if self._password is not None:
            password_file = self._root / "password"
            password_file.write_text(self._password)
            if self._account:
                os.chown(password_file, self._account.pw_uid, self._account.pw_gid)
            auth = ["--auth=scram-sha-256", f"--pwfile={password_file}"]
        self._as_owner(str(self._bindir / "initdb"), "-D", self._data, "-U", "postgres",
                       *auth, "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip

    def start(self) -> None:
        """Start the server on its port and wait until it accepts connections."""
        log = str(self._root / "server.log")
        self._as_owner(
            self._pg_ctl, "-D", self._data, "-o", self._options, "-l", log, "-w", "start"
        )
        self.running = True

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; `immediate` drops every connection at once, as a crash would."""
        self._as_owner(self._pg_ctl, "-D", self._data, "-m", mode, "-w", "stop")
        self.running = False

    def destroy(self) -> None:
        """Stop the server if it runs and delete its files."""
        if self.running:
            self._as_owner(self._pg_ctl, "-D", self._data, "-m", "immediate", "-w", "stop",
                           check=False)  # fmt: skip
            self.running = False
        shutil.rmtree(self._root, ignore_errors=True)

    @property
    def _data(self) -> str:
        return str(self._root / "data")

    @property
    def _pg_ctl(self) -> str:
        return str(self._bindir / "pg_ctl")

    def _as_owner(self, *command: str, check: bool = True) -> None:
        _run(list(command), self._account, check=check)


@contextmanager
def postgres_server(password: str | None = None, **settings: str) -> Iterator[PostgresServer]:
    """A started PostgreSQL server; `settings` (-c name=value) override FAST_SETTINGS.

    With `password`, the server checks every login's password (the admin's is `password`).
    """
    server = PostgresServer({**FAST_SETTINGS, **settings}, password=password)
    try:
        server.initdb()
        server.start()
    except subprocess.CalledProcessError as error:
        server.destroy()
        raise PostgresUnavailable(
            f"could not start a throwaway PostgreSQL: {error.stderr.decode(errors='replace')}"
        ) from error
    try:
        yield server
    finally:
        server.destroy()


@contextmanager
def throwaway_server() -> Iterator[str]:
    """Start a private PostgreSQL server on a free loopback port; yield its admin URL."""
    with postgres_server() as server:
        yield server.url


def _run(command: list[str], account: pwd.struct_passwd | None, check: bool = True) -> None:
    if account is None:
        subprocess.run(command, check=check, capture_output=True)
    else:
        subprocess.run(
            command, check=check, capture_output=True, user=account.pw_uid, group=account.pw_gid
        )
