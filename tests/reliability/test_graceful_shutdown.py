"""Graceful shutdown: SIGTERM under load lets in-flight requests finish, then gunicorn exits."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import psycopg2
import pytest
import requests

from tests.reliability.api import new_user
from tests.reliability.conftest import service_environment
from tests.reliability.load import background
from tests.reliability.service import Service, gunicorn, wait_until

SLOW_SECONDS = 3
SLOW_REQUESTS = 4
PROBE_CLIENTS = 2
PAUSE_SECONDS = 0.05
# Inserts of items named slow-* sleep in the database: a test-only trigger gives the service a
# slow request without a debug endpoint in production code.
SLOW_TRIGGER = f"""
CREATE FUNCTION reliability_slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name LIKE 'slow-%' THEN
        PERFORM pg_sleep({SLOW_SECONDS});
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reliability_slow_insert BEFORE INSERT ON items
    FOR EACH ROW EXECUTE FUNCTION reliability_slow_insert();
"""
DROP_SLOW_TRIGGER = """
DROP TRIGGER reliability_slow_insert ON items;
DROP FUNCTION reliability_slow_insert();
"""


@dataclass(frozen=True)
class Attempt:
    """One new connection's fate: answered (with a status), refused, reset or hung."""

    kind: str
    status: int | None
    sent_at: float
    seconds: float


def attempt(port: int, timeout: float) -> Attempt:
    """Open a new connection and send GET /health, telling apart how it ends."""
    started = time.monotonic()

    def ended(kind: str, status: int | None = None) -> Attempt:
        return Attempt(kind, status, started, time.monotonic() - started)

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := connection.recv(65536):
                reply += chunk
    except ConnectionRefusedError:
        return ended("refused")
    except ConnectionResetError:
        return ended("reset" if not reply else "cut")
    except TimeoutError:
        return ended("hung")
    if not reply:
        return ended("reset")
    status_line = reply.split(b"\r\n", 1)[0].split()
    return ended("answered", int(status_line[1]))


@pytest.fixture(scope="module")
def slow_database(database_url: str) -> Iterator[str]:
    """The test database, with inserts of slow-* items taking SLOW_SECONDS until the suite ends
    (other suites may run in the same process, on the same database)."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(SLOW_TRIGGER)
    yield database_url
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(DROP_SLOW_TRIGGER)


@pytest.fixture
def service(
    slow_database: str, secret_key: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service under gunicorn; the test stops it."""
    environment = service_environment(slow_database, secret_key)
    with gunicorn(tmp_path_factory.mktemp("shutdown"), environment) as running:
        yield running


def sleeping_inserts(database_url: str) -> int:
    """How many statements of the service are sleeping in the trigger right now."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event = 'PgSleep' AND datname = current_database()"
        )
        (count,) = cursor.fetchone()
    return int(count)


def test_sigterm_lets_in_flight_requests_finish_and_exits_within_the_graceful_timeout(
    service: Service, slow_database: str, figures: dict[str, Any]
) -> None:
    owner_id, headers = new_user(service.base, "shutdown")
    slow: dict[str, tuple[int | None, float]] = {}
    attempts: list[Attempt] = []
    lock = threading.Lock()
    stop = threading.Event()
    # Longer than gunicorn may take: a request still unanswered then was dropped, not slow.
    patience = service.graceful_timeout + 10

    def create_slowly(index: int) -> None:
        name = f"slow-{index}"
        try:
            response = requests.post(
                service.url("/api/v1/items"),
                json={"name": name, "price": "1.00"},
                headers=headers,
                timeout=patience,
            )
            slow[name] = (response.status_code, time.monotonic())
        except requests.RequestException:
            slow[name] = (None, time.monotonic())

    def keep_connecting() -> None:
        for _ in range(2000):
            if stop.is_set():
                return
            outcome = attempt(service.port, timeout=patience)
            with lock:
                attempts.append(outcome)
            time.sleep(PAUSE_SECONDS)

    probes = [keep_connecting] * PROBE_CLIENTS
    with background(probes, stop, patience):
        in_flight = [partial(create_slowly, index) for index in range(SLOW_REQUESTS)]
        with background(in_flight, threading.Event(), SLOW_SECONDS + service.graceful_timeout):
            wait_until(lambda: sleeping_inserts(slow_database) == SLOW_REQUESTS, "slow inserts", 30)
            terminated = time.monotonic()
            service.terminate()
            service.process.wait(timeout=patience)
            exited = time.monotonic()
    after_exit = attempt(service.port, timeout=5)

    # Answered before the signal, or still open when it came (then counted with the later ones).
    before = [a for a in attempts if a.sent_at + a.seconds < terminated]
    during = [a for a in attempts if a.sent_at + a.seconds >= terminated]
    figures.update(
        slow_requests_in_flight=SLOW_REQUESTS,
        slow_requests_completed=sum(status == 201 for status, _ in slow.values()),
        seconds_from_sigterm_to_exit=round(exited - terminated, 2),
        graceful_timeout_seconds=service.graceful_timeout,
        new_connections=len(attempts),
        new_connections_after_sigterm=_kinds(during),
        longest_wait_after_sigterm_seconds=round(max((a.seconds for a in during), default=0), 2),
    )
    assert {name: status for name, (status, _) in slow.items()} == {
        f"slow-{i}": 201 for i in range(SLOW_REQUESTS)
    }
    assert all(done > terminated for _, done in slow.values())
    assert service.process.returncode == 0, service.log_text()
    assert exited - terminated < service.graceful_timeout
    assert {(a.kind, a.status) for a in before} == {("answered", 200)}
    # After the signal a new connection is served in full, or turned away without a byte of
    # an answer: refused, or reset when the workers close (it waited in the listen backlog).
    assert {a.kind for a in during} <= {"answered", "refused", "reset"}, _kinds(during)
    assert all(a.status == 200 for a in during if a.kind == "answered")
    assert all(a.seconds < service.graceful_timeout for a in during)
    assert any(a.kind == "refused" for a in during), _kinds(during)
    assert after_exit.kind == "refused"
    with psycopg2.connect(slow_database) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM items WHERE owner_id = %s AND name LIKE 'slow-%%'", (owner_id,)
        )
        assert cursor.fetchone() == (SLOW_REQUESTS,)


def _kinds(attempts: list[Attempt]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in attempts:
        key = item.kind if item.status is None else f"{item.kind} {item.status}"
        counts[key] = counts.get(key, 0) + 1
    return counts
