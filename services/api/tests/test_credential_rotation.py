"""A password rotation under load: the app keeps answering when its role's password changes and
the server drops its connections, because each new connection asks a token source for the
password (as DB_AUTH=iam asks for a fresh IAM token). A password read once at start-up fails."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg2
import pytest
from flask import Flask

from libs.db.credentials import use_token_source
from libs.db.setup import upgrade_to_head
from services.api.extensions import db
from services.api.tests.factories import PASSWORD
from services.api.tests.rds import (
    MIGRATION_ROLE,
    SERVICE_ROLE,
    RdsLikeServer,
    rds_like_server,
    run_roles_command,
    set_password,
)

THREADS = 4
SECONDS_BEFORE, SECONDS_AFTER = 0.5, 1.5
TERMINATED_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def server() -> Iterator[RdsLikeServer]:
    """A database with its roles and the API's tables, migrated as the migration role."""
    with rds_like_server() as server:
        run_roles_command(server)
        set_password(server, MIGRATION_ROLE, "migrator-only-in-tests")
        upgrade_to_head(server.app(MIGRATION_ROLE, "migrator-only-in-tests"))
        yield server


class Gate:
    """Lets requests through, or holds new ones back until those in flight have ended.

    The server is made to drop connections between requests: one cut in the middle of a query
    fails whatever the password (a failover costs that request); rotation must cost nothing more.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._in_flight = 0
        self._closed = False

    @contextmanager
    def request(self) -> Iterator[None]:
        """Around one request."""
        with self._condition:
            self._condition.wait_for(lambda: not self._closed)
            self._in_flight += 1
        try:
            yield
        finally:
            with self._condition:
                self._in_flight -= 1
                self._condition.notify_all()

    @contextmanager
    def between_requests(self) -> Iterator[None]:
        """While no request is in flight."""
        with self._condition:
            self._closed = True
            self._condition.wait_for(lambda: self._in_flight == 0)
        try:
            yield
        finally:
            with self._condition:
                self._closed = False
                self._condition.notify_all()


@dataclass
class Load:
    """Outcomes of the requests the threads sent, before and after the rotation."""

    statuses_before: list[int] = field(default_factory=list)
    statuses_after: list[int] = field(default_factory=list)
    rotated: threading.Event = field(default_factory=threading.Event)
    dropped: set[int] = field(default_factory=set)

    def record(self, status: int) -> None:
        """Count one response."""
        (self.statuses_after if self.rotated.is_set() else self.statuses_before).append(status)


def bearer_headers(app: Flask) -> dict[str, str]:
    """A registered user's Authorization header."""
    client = app.test_client()
    credentials = {"email": f"user{time.monotonic_ns()}@example.com", "password": PASSWORD}
    assert client.post("/api/v1/users", json=credentials).status_code == 201
    token = client.post("/api/v1/auth/token", json=credentials).get_json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def service_backends(server: RdsLikeServer) -> set[int]:
    """The server processes of the service role's connections."""
    connection = psycopg2_connect(server)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE usename = %s", (SERVICE_ROLE,))
            return {pid for (pid,) in cursor.fetchall()}
    finally:
        connection.close()


def psycopg2_connect(server: RdsLikeServer) -> psycopg2.extensions.connection:
    """A superuser connection for the test's own inspection."""
    connection = psycopg2.connect(server.superuser_database_url, connect_timeout=5)
    connection.autocommit = True
    return connection


def rotate(server: RdsLikeServer, new_password: str, secret: dict[str, str]) -> set[int]:
    """Change the service role's password and drop its connections; the pids dropped."""
    set_password(server, SERVICE_ROLE, new_password)
    secret["password"] = new_password  # what a fresh IAM token would be from now on
    dropped = service_backends(server)
    connection = psycopg2_connect(server)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", (list(dropped),)
            )
            deadline = time.monotonic() + TERMINATED_TIMEOUT
            while service_backends(server) & dropped and time.monotonic() < deadline:
                time.sleep(0.02)
    finally:
        connection.close()
    assert not service_backends(server) & dropped, "the server did not drop the connections"
    return dropped


def run_rotation_under_load(server: RdsLikeServer, app: Flask, secret: dict[str, str]) -> Load:
    """Threads send requests while the password rotates; what they got back."""
    headers = bearer_headers(app)
    load, gate, stop = Load(), Gate(), threading.Event()

    def send() -> None:
        client = app.test_client()
        while not stop.is_set():
            with gate.request():
                load.record(client.get("/api/v1/items", headers=headers).status_code)

    threads = [threading.Thread(target=send) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(SECONDS_BEFORE)
        with gate.between_requests():
            load.dropped = rotate(server, "rotated-" + secret["password"], secret)
            load.rotated.set()
        time.sleep(SECONDS_AFTER)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return load


def service_app(server: RdsLikeServer, password: str) -> Flask:
    """The API as the service role, its pool emptied when the test is done."""
    set_password(server, SERVICE_ROLE, password)
    return server.app(SERVICE_ROLE, password)


@contextmanager
def disposed(app: Flask) -> Iterator[Flask]:
    """`app`, its pooled connections closed afterwards."""
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_password_read_once_fails_requests_after_a_rotation(server):
    secret = {"password": "read-once"}
    with disposed(service_app(server, secret["password"])) as app:
        load = run_rotation_under_load(server, app, secret)
    assert load.statuses_before and set(load.statuses_before) == {200}
    # Every new connection still sends the start-up password, which no longer works.
    assert load.statuses_after.count(503) > 0, load.statuses_after


def test_a_token_source_keeps_every_request_answered_through_a_rotation(server):
    secret = {"password": "asked-each-time"}
    asked_after_rotation: list[str] = []
    with disposed(service_app(server, secret["password"])) as app:
        with app.app_context():
            engine = db.engine

        def current_password(host: str, port: int, user: str) -> str:
            assert (host, port, user) == ("127.0.0.1", server.port, SERVICE_ROLE)
            if secret["password"].startswith("rotated-"):
                asked_after_rotation.append(secret["password"])
            return str(secret["password"])

        use_token_source(engine, current_password)
        load = run_rotation_under_load(server, app, secret)
        live_after = service_backends(server)
    assert load.statuses_before and set(load.statuses_before) == {200}
    assert len(load.statuses_after) > THREADS
    assert set(load.statuses_after) == {200}, "a rotation cost requests"
    # New connections were made, and made with the new password (the server checks it).
    assert asked_after_rotation and set(asked_after_rotation) == {"rotated-asked-each-time"}
    assert live_after and not live_after & load.dropped
