"""CPU time per request of the API in process, through Flask's test client, on real PostgreSQL.

No sockets, no gunicorn, no wrk: what the Python of one request costs, steadier than a load test
on a busy machine. `--profile get_one` prints where that time goes.

    ./pants run benchmarks:request-cost
    ./pants run benchmarks:request-cost -- --profile list_50
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections.abc import Callable

from flask.testing import FlaskClient

from libs.testing.apps import migrated
from libs.testing.postgres import postgres_database
from services.api.app import create_app
from services.api.tests.factories import ItemFactory, UserFactory, bearer, make_settings

ROUNDS = 5


def requests(client: FlaskClient, item_id: int) -> dict[str, Callable[[], object]]:
    """One call of each endpoint measured, by name."""
    return {
        "get_one": lambda: client.get(f"/api/v1/items/{item_id}"),
        "list_50": lambda: client.get("/api/v1/items?page=1&page_size=50&sort=created_at"),
        "create": lambda: client.post("/api/v1/items", json={"name": "Lamp", "price": "1.00"}),
        "health": lambda: client.get("/health"),
    }


def cpu_ms(request: Callable[[], object], count: int) -> float:
    """The median over rounds of this process's CPU milliseconds per request."""
    for _ in range(20):
        request()
    rounds = []
    for _ in range(ROUNDS):
        start = time.process_time()
        for _ in range(count):
            request()
        rounds.append((time.process_time() - start) / count * 1000)
    return statistics.median(rounds)


def main() -> None:
    """Seed 200 items of one owner, then measure (or profile) each endpoint."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="requests per round")
    parser.add_argument("--profile", help="an endpoint to profile instead of measuring all")
    args = parser.parse_args()
    with postgres_database() as database:
        app = migrated(create_app(make_settings(database.url, log_level="WARNING")))
        with app.app_context():
            owner = UserFactory()
            item_id = ItemFactory.create_batch(200, owner_id=owner.id)[0].id
            token = bearer(owner)["Authorization"]
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = token
        measured = requests(client, item_id)
        if args.profile:
            profile = cProfile.Profile(time.process_time)
            profile.runcall(cpu_ms, measured[args.profile], args.count)
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
            return
        for name, request in measured.items():
            print(f"{name}: {cpu_ms(request, args.count):.3f} CPU ms per request")


if __name__ == "__main__":
    main()
