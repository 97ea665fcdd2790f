"""Concurrency: many clients at once through gunicorn; one wins each race, nothing is lost."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from functools import partial
from typing import Any

import psycopg2
import pytest
import requests

from tests.reliability.api import PASSWORD, TIMEOUT_SECONDS, new_user, register, unique_email
from tests.reliability.conftest import service_environment
from tests.reliability.load import run_threads
from tests.reliability.service import Service, gunicorn

CLIENTS = 12
ROUNDS = 3
CREATES_PER_CLIENT = 10


@pytest.fixture(scope="module")
def service(
    database_url: str, secret_key: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service under gunicorn on the migrated test database."""
    environment = service_environment(database_url, secret_key)
    with gunicorn(tmp_path_factory.mktemp("concurrency"), environment) as running:
        yield running


def at_once(count: int, action: Any) -> list[Any]:
    """Run `action(index)` in `count` threads released together; return their results."""
    barrier = threading.Barrier(count, timeout=60)
    results: list[Any] = [None] * count

    def client(index: int) -> None:
        barrier.wait()
        results[index] = action(index)

    run_threads([partial(client, index) for index in range(count)], 120)
    return results


def scalar(database_url: str, query: str, *parameters: object) -> Any:
    """One value read straight from the database."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(query, parameters)
        return cursor.fetchone()[0]


def test_of_many_updates_from_the_same_version_exactly_one_wins(
    service: Service, database_url: str, figures: dict[str, Any]
) -> None:
    _, headers = new_user(service.base, "etag")
    created = requests.post(
        service.url("/api/v1/items"),
        json={"name": "contended", "price": "1.00"},
        headers=headers,
        timeout=TIMEOUT_SECONDS,
    )
    url = service.url(created.headers["Location"])
    statuses: Counter[int] = Counter()
    for round_number in range(ROUNDS):
        etag = requests.get(url, headers=headers, timeout=TIMEOUT_SECONDS).headers["ETag"]

        def update(index: int, etag: str = etag, round_number: int = round_number) -> Any:
            body = {"name": f"round {round_number} client {index}", "price": f"{index}.00"}
            return requests.patch(
                url, json=body, headers={**headers, "If-Match": etag}, timeout=TIMEOUT_SECONDS
            )

        responses = at_once(CLIENTS, update)
        codes = Counter(response.status_code for response in responses)
        statuses.update(codes)
        assert codes == {200: 1, 412: CLIENTS - 1}, codes
        (winner,) = (response.json() for response in responses if response.status_code == 200)
        current = requests.get(url, headers=headers, timeout=TIMEOUT_SECONDS).json()
        assert (current["name"], current["price"]) == (winner["name"], winner["price"])

    version = scalar(database_url, "SELECT version FROM items WHERE id = %s", created.json()["id"])
    figures["same_etag_updates"] = {
        "rounds": ROUNDS,
        "clients_per_round": CLIENTS,
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
        "final_version": version,
    }
    # Created at version 1, then exactly one write per round.
    assert version == 1 + ROUNDS


def test_of_many_registrations_of_one_address_exactly_one_succeeds(
    service: Service, database_url: str, figures: dict[str, Any]
) -> None:
    statuses: Counter[int] = Counter()
    for _ in range(ROUNDS):
        email = unique_email("race")
        # Case variants too: addresses are unique whatever their case.
        variants = [email, email.upper(), email.title()]

        def register_variant(index: int, variants: list[str] = variants) -> requests.Response:
            return register(service.base, variants[index % len(variants)], PASSWORD)

        responses = at_once(CLIENTS, register_variant)
        codes = Counter(response.status_code for response in responses)
        statuses.update(codes)
        assert codes == {201: 1, 409: CLIENTS - 1}, codes
        for response in responses:
            if response.status_code == 409:
                assert response.headers["Content-Type"].startswith("application/problem+json")
        stored = scalar(database_url, "SELECT count(*) FROM users WHERE lower(email) = %s", email)
        assert stored == 1
    figures["same_email_registrations"] = {
        "rounds": ROUNDS,
        "clients_per_round": CLIENTS,
        "statuses": {str(code): count for code, count in sorted(statuses.items())},
    }


def test_concurrent_creates_are_all_stored(
    service: Service, database_url: str, figures: dict[str, Any]
) -> None:
    owner_id, headers = new_user(service.base, "creates")

    def create_many(index: int) -> list[int]:
        return [
            requests.post(
                service.url("/api/v1/items"),
                json={"name": f"client {index} item {n}", "price": "2.50"},
                headers=headers,
                timeout=TIMEOUT_SECONDS,
            ).status_code
            for n in range(CREATES_PER_CLIENT)
        ]

    codes = Counter(code for codes in at_once(CLIENTS, create_many) for code in codes)
    stored = scalar(database_url, "SELECT count(*) FROM items WHERE owner_id = %s", owner_id)
    distinct = scalar(
        database_url, "SELECT count(DISTINCT name) FROM items WHERE owner_id = %s", owner_id
    )
    figures["concurrent_creates"] = {
        "clients": CLIENTS,
        "creates": CLIENTS * CREATES_PER_CLIENT,
        "statuses": {str(code): count for code, count in sorted(codes.items())},
        "rows_counted": stored,
    }
    assert codes == {201: CLIENTS * CREATES_PER_CLIENT}
    assert stored == distinct == CLIENTS * CREATES_PER_CLIENT
