"""Database faults: PostgreSQL stops under load and starts again; no write is lost or half-done."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

import psutil
import psycopg2
import pytest
import requests

from libs.testing.postgres import PostgresServer, postgres_server
from tests.reliability.api import assert_problem, new_user
from tests.reliability.conftest import migrate, service_environment
from tests.reliability.load import Outcome, Recorder, background, run_threads, statuses
from tests.reliability.service import Service, gunicorn, wait_until

# The service's database timeouts, short so that an outage is answered quickly.
CONNECT_TIMEOUT = 2
POOL_TIMEOUT = 2
HEALTH_TIMEOUT = 1
# The longest a request may take while the database is down: one connection attempt, one
# wait for the pool, and slack for a busy CI machine. Longer counts as a hang.
REQUEST_BOUND = CONNECT_TIMEOUT + POOL_TIMEOUT + 6
CLIENTS = 4
OUTAGE_SECONDS = 3
UNRESPONSIVE_SECONDS = 5
# Successful writes each client makes before the outage, and again after the recovery.
WRITES_PER_PHASE = 5
MAX_STEPS = 500
PHASE_TIMEOUT = 60
PAUSE_SECONDS = 0.05
ALLOWED = {200, 201, 503}


def price(step: int) -> Decimal:
    """The price written with a name at `step`: name and price always change together."""
    return Decimal(f"{step}.{step % 100:02d}")


@dataclass
class Writer:
    """A client that creates items with unique names and rewrites its own item's name and price."""

    index: int
    service: Service
    headers: dict[str, str]
    recorder: Recorder
    item_id: int = 0
    etag: str = ""
    created: dict[str, bool] = field(default_factory=dict)
    acked_step: int = 0
    tried_step: int = 0
    updates_acked: int = 0
    successes: dict[str, int] = field(default_factory=dict)

    def setup(self) -> None:
        """Create the item this client rewrites."""
        response = self._post(f"c{self.index}-own", 0)
        assert response is not None and response.status_code == 201
        self.item_id, self.etag = response.json()["id"], response.headers["ETag"]

    def run(self, stop: threading.Event) -> None:
        """Write until told to stop, at most MAX_STEPS times."""
        for step in range(1, MAX_STEPS + 1):
            if stop.is_set():
                return
            self._write(step)
            time.sleep(PAUSE_SECONDS)

    def _write(self, step: int) -> None:
        name = f"c{self.index}-n{step}"
        response = self._post(name, step)
        self.created[name] = response is not None and response.status_code == 201
        self._count(response)
        if not self.etag and not self._refresh():
            return
        self.tried_step = step
        body = {"name": f"c{self.index}-v{step}", "price": str(price(step))}
        headers = {**self.headers, "If-Match": self.etag}
        url = self.service.url(f"/api/v1/items/{self.item_id}")
        response = self.recorder.send(
            "PATCH", lambda: requests.patch(url, json=body, headers=headers, timeout=REQUEST_BOUND)
        )
        self._count(response)
        if response is not None and response.status_code == 200:
            self.acked_step, self.etag = step, response.headers["ETag"]
            self.updates_acked += 1
        else:
            # The update may have been committed though the answer was lost: read it again.
            self.etag = ""

    def _post(self, name: str, step: int) -> requests.Response | None:
        body = {"name": name, "price": str(price(step))}
        url = self.service.url("/api/v1/items")
        return self.recorder.send(
            "POST",
            lambda: requests.post(url, json=body, headers=self.headers, timeout=REQUEST_BOUND),
        )

    def _refresh(self) -> bool:
        url = self.service.url(f"/api/v1/items/{self.item_id}")
        response = self.recorder.send(
            "GET", lambda: requests.get(url, headers=self.headers, timeout=REQUEST_BOUND)
        )
        if response is not None and response.status_code == 200:
            self.etag = response.headers["ETag"]
        return bool(self.etag)

    def _count(self, response: requests.Response | None) -> None:
        if response is not None and response.status_code < 300:
            phase = self.recorder.phase
            self.successes[phase] = self.successes.get(phase, 0) + 1


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    """A private PostgreSQL server the tests stop and start, with durable commits."""
    with postgres_server(synchronous_commit="on") as server:
        migrate(server.url)
        yield server


@pytest.fixture(scope="module")
def service(
    postgres: PostgresServer, secret_key: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service under gunicorn with short database timeouts."""
    environment = service_environment(
        postgres.url,
        secret_key,
        db_connect_timeout=str(CONNECT_TIMEOUT),
        db_pool_timeout=str(POOL_TIMEOUT),
        health_timeout=str(HEALTH_TIMEOUT),
    )
    with gunicorn(tmp_path_factory.mktemp("faults"), environment) as running:
        yield running


@contextmanager
def unresponsive(port: int) -> Iterator[None]:
    """Something on `port` that accepts connections and never answers, like a hung server."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        yield


def probe_ready(service: Service, recorder: Recorder, seconds: float) -> list[requests.Response]:
    """Ask /ready every 0.3 s for `seconds`; return the answers."""
    answers = []
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        answer = recorder.send("READY", lambda: ready(service))
        assert answer is not None, "/ready gave no answer"
        answers.append(answer)
        time.sleep(0.3)
    return answers


def worker_pids(service: Service) -> set[int]:
    """The process ids of gunicorn's workers."""
    return {child.pid for child in psutil.Process(service.process.pid).children()}


def ready(service: Service) -> requests.Response:
    """GET /ready."""
    return requests.get(service.url("/ready"), timeout=REQUEST_BOUND)


def rows(postgres: PostgresServer, owner_id: int) -> dict[str, tuple[int, Decimal, int]]:
    """The owner's items by name: id, price and version, read straight from the database."""
    with (
        psycopg2.connect(postgres.url, connect_timeout=5) as connection,
        connection.cursor() as cur,
    ):
        cur.execute("SELECT name, id, price, version FROM items WHERE owner_id = %s", (owner_id,))
        found = cur.fetchall()
    names = [name for name, *_ in found]
    assert len(names) == len(set(names)), "an item was stored twice"
    return {name: (item_id, item_price, version) for name, item_id, item_price, version in found}


def test_an_outage_under_load_gets_503s_then_recovers_and_keeps_every_acknowledged_write(
    service: Service, postgres: PostgresServer, figures: dict[str, Any]
) -> None:
    owner_id, headers = new_user(service.base, "faults")
    recorder = Recorder()
    writers = [Writer(index, service, headers, recorder) for index in range(CLIENTS)]
    for writer in writers:
        writer.setup()
    pids = worker_pids(service)
    probes: list[requests.Response] = []
    stop = threading.Event()

    def written(phase: str) -> bool:
        return all(writer.successes.get(phase, 0) >= WRITES_PER_PHASE for writer in writers)

    try:
        with background([partial(w.run, stop) for w in writers], stop, REQUEST_BOUND * 3):
            wait_until(lambda: written("before"), "writes before the outage", PHASE_TIMEOUT)
            postgres.stop()
            # Only now: requests sent while the server was still shutting down may succeed.
            recorder.phase = "stopped"
            probes += probe_ready(service, recorder, OUTAGE_SECONDS)
            # Connections now hang instead of being refused: connect_timeout must end them.
            with unresponsive(postgres.port):
                recorder.phase = "unresponsive"
                probes += probe_ready(service, recorder, UNRESPONSIVE_SECONDS)
                recorder.phase = "recovering"
            postgres.start()
            restarted = time.monotonic()
            wait_until(lambda: ready(service).status_code == 200, "/ready after restart", 30)
            recovery_seconds = time.monotonic() - restarted
            recorder.phase = "after"
            wait_until(lambda: written("after"), "writes after the recovery", PHASE_TIMEOUT)
    finally:
        if not postgres.running:
            postgres.start()

    outcomes = recorder.outcomes
    outage = recorder.in_phase("stopped", "unresponsive")
    figures["outage_under_load"] = {
        "faults_injected": 2,
        "requests": len(outcomes),
        "statuses": statuses(outcomes),
        "statuses_while_stopped": statuses(recorder.in_phase("stopped")),
        "statuses_while_unresponsive": statuses(recorder.in_phase("unresponsive")),
        "slowest_request_while_stopped_seconds": slowest(recorder.in_phase("stopped")),
        "slowest_request_while_unresponsive_seconds": slowest(recorder.in_phase("unresponsive")),
        "seconds_to_ready_after_restart": round(recovery_seconds, 2),
    }
    assert [o for o in outcomes if o.status not in ALLOWED] == []
    assert [o for o in outcomes if o.seconds > REQUEST_BOUND] == []
    assert [o for o in outage if o.status != 503] == []
    assert all(o.content_type.startswith("application/problem+json") for o in outage), outage
    assert [o for o in recorder.in_phase("after") if o.status not in (200, 201)] == []
    for probe in probes:
        body = assert_problem(probe, 503)
        assert body["checks"]["database"]["status"] == "failing", body
    assert service.process.poll() is None and worker_pids(service) == pids, "gunicorn restarted"

    figures["outage_under_load"].update(check_writes(postgres, owner_id, writers))


def slowest(outcomes: list[Outcome]) -> float:
    """The longest any of `outcomes` took, in seconds."""
    return round(max((outcome.seconds for outcome in outcomes), default=0.0), 2)


def check_writes(postgres: PostgresServer, owner_id: int, writers: list[Writer]) -> dict[str, int]:
    """Assert every acknowledged write is stored and none is half-applied; count them."""
    stored = rows(postgres, owner_id)
    creates = {name: ok for writer in writers for name, ok in writer.created.items()}
    for name, ok in creates.items():
        assert not ok or name in stored, f"acknowledged create {name} is missing"
        if name in stored:
            assert stored[name][1] == price(int(name.rsplit("-n", 1)[1])), f"{name}: wrong price"
    for writer in writers:
        name, stored_price = next((n, p) for n, (i, p, _) in stored.items() if i == writer.item_id)
        step = int(name.rsplit("-v", 1)[1]) if "-v" in name else 0
        assert stored_price == price(step), f"half-applied update: {name} with price {stored_price}"
        assert writer.acked_step <= step <= writer.tried_step, (name, writer)
    failed = [name for name, ok in creates.items() if not ok]
    return {
        "creates_acknowledged": len(creates) - len(failed),
        "creates_failed": len(failed),
        "creates_failed_but_committed": sum(name in stored for name in failed),
        "updates_acknowledged": sum(writer.updates_acked for writer in writers),
        "rows_checked": len(stored),
    }


def test_connections_dropped_while_idle_are_replaced_without_a_restart(
    service: Service, postgres: PostgresServer, figures: dict[str, Any]
) -> None:
    _, headers = new_user(service.base, "idle")
    recorder = Recorder()

    def burst() -> None:
        for _ in range(4):
            recorder.send(
                "GET",
                lambda: requests.get(
                    service.url("/api/v1/items"), headers=headers, timeout=REQUEST_BOUND
                ),
            )

    # Fill both workers' pools, restart the server while nothing runs, then use the pools.
    run_threads([burst] * CLIENTS, 120)
    pids = worker_pids(service)
    recorder.phase = "after"
    postgres.stop()
    postgres.start()
    run_threads([burst] * CLIENTS, 120)

    after: list[Outcome] = recorder.in_phase("after")
    figures["restart_while_idle"] = {
        "faults_injected": 1,
        "requests": len(recorder.outcomes),
        "statuses_after_restart": statuses(after),
    }
    assert [o for o in recorder.outcomes if o.status != 200] == []
    assert worker_pids(service) == pids, "gunicorn restarted a worker"
