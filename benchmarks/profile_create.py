"""Where a create spends its time: the API's POST /api/v1/items under cProfile.

`./pants run benchmarks/profile_create.py -- [--database-url URL] [--creates N]` runs the API
in this process on a new, migrated PostgreSQL database, sends creates through Flask's test
client and profiles the app's own work on each (not the client's, nor an HTTP server's). It
writes the time per create (CPU and wall), the profile by package and by function, and the
cost of the create's transaction round trips to benchmarks/results/create_profile.md.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg2
from flask.testing import FlaskClient

from benchmarks.endpoints import CREATE_BODY
from benchmarks.keys import RunKey
from benchmarks.stack import benchmark_database, migrate
from services.api.app import create_app

OUTPUT = Path("benchmarks/results/create_profile.md")
ITEMS = "/api/v1/items"
WARMUP = 200
# Where a resource's create stores the record (the API's items are the kit's Records).
CREATE_FILE = "libs/web/records.py"
TOP_FUNCTIONS = 25
_PACKAGE = re.compile(r"site-packages/([^/]+)/|/(libs|services|benchmarks)/")


# The create's INSERT, sent the two ways `round_trips` compares.
INSERT = (
    "INSERT INTO items (name, description, price, created_at, updated_at, version, owner_id) "
    "VALUES ('profile', NULL, 1, now(), now(), 1, %s) RETURNING *"
)


class ProfiledApp:
    """WSGI middleware timing (and, with a profiler, profiling) only the app's own work."""

    def __init__(self, app: Any, profiler: cProfile.Profile | None = None) -> None:
        self.app, self.profiler = app, profiler
        self.cpu_s = self.wall_s = 0.0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        cpu, wall = time.thread_time(), time.perf_counter()
        if self.profiler is not None:
            self.profiler.enable()
        try:
            return self.app(environ, start_response)
        finally:
            if self.profiler is not None:
                self.profiler.disable()
            self.cpu_s += time.thread_time() - cpu
            self.wall_s += time.perf_counter() - wall


def package(file_name: str, function: str = "") -> str:
    """The package a profiled function belongs to: a distribution, or libs/services."""
    if "psycopg2" in function:
        return "psycopg2 (waiting on PostgreSQL)"
    if file_name.startswith("~") or file_name.startswith("<"):
        return "builtins (C)"
    match = _PACKAGE.search(file_name)
    if match is None:
        return "stdlib"
    name = match.group(1) or match.group(2)
    return name.removesuffix(".py")


def signed_in_client(database_url: str) -> tuple[Any, FlaskClient, dict[str, str], int]:
    """The production app in this process, its test client, and a registered user's create
    headers and id."""
    os.environ.update({"APP_ENV": "production", "DATABASE_URL": database_url})
    os.environ.update(RunKey.generate().api_environment())
    app = create_app()
    client = app.test_client()
    credentials = {"email": "profile@example.com", "password": "profile-password-1"}
    registered = client.post("/api/v1/users", json=credentials)
    token = client.post("/api/v1/auth/token", json=credentials)
    if registered.status_code != 201 or token.status_code != 200:
        raise SystemExit(f"profile: sign-in failed: {registered.status_code} {token.status_code}")
    headers = {
        "Authorization": f"Bearer {token.get_json()['access_token']}",
        "Content-Type": "application/json",
    }
    return app, client, headers, int(registered.get_json()["id"])


def creates(client: FlaskClient, headers: dict[str, str], count: int) -> None:
    """Send `count` creates."""
    for _ in range(count):
        response = client.post(ITEMS, data=CREATE_BODY, headers=headers)
        if response.status_code != 201:
            raise SystemExit(f"profile: a create answered {response.status_code}")


def round_trips(database_url: str, owner_id: int, count: int) -> dict[str, float]:
    """Wall ms per INSERT: in a transaction (BEGIN, INSERT, COMMIT: the API's create) and in
    autocommit (the INSERT alone: the bare handler's)."""
    connection = psycopg2.connect(database_url)
    timings = {}
    try:
        for name, autocommit in (("transaction", False), ("autocommit", True)):
            connection.autocommit = autocommit
            started = time.perf_counter()
            for _ in range(count):
                with connection.cursor() as cursor:
                    cursor.execute(INSERT, (owner_id,))
                    cursor.fetchall()
                if not autocommit:
                    connection.commit()
            timings[name] = (time.perf_counter() - started) * 1000 / count
    finally:
        connection.close()
    return timings


# pstats' rows: (file, line, function) -> (primitive calls, calls, own s, cumulative s, callers).
Rows = dict[tuple[str, int, str], tuple[int, int, float, float, Any]]


def by_package(rows: Rows, count: int) -> list[tuple[str, float]]:
    """Own time (tottime) per package, in ms per create, largest first."""
    totals: dict[str, float] = defaultdict(float)
    for (file_name, _, function), (_, _, own_s, _, _) in rows.items():
        totals[package(file_name, function)] += own_s
    return sorted(((name, t * 1000 / count) for name, t in totals.items()), key=lambda p: -p[1])


def orm_overhead_ms(rows: Rows, count: int) -> float:
    """What the kit's create (`Records.create`) spends around PostgreSQL: its cumulative time
    less the driver's calls (SQLAlchemy's session, statement and result machinery, mostly)."""
    create_s = sum(
        cumulative_s
        for (file_name, _, function), (_, _, _, cumulative_s, _) in rows.items()
        if file_name.endswith(CREATE_FILE) and function == "create"
    )
    driver_s = sum(
        own_s
        for (file_name, _, function), (_, _, own_s, _, _) in rows.items()
        if package(file_name, function).startswith("psycopg2")
    )
    return (create_s - driver_s) * 1000 / count


def report(
    stats: pstats.Stats,
    count: int,
    plain: ProfiledApp,
    profiled: ProfiledApp,
    trips: dict[str, float],
) -> str:
    """The profile as markdown: time per create, per package, the costliest functions."""
    rows: Rows = stats.stats  # type: ignore[attr-defined]  # pstats' documented data
    functions = sorted(rows.items(), key=lambda row: -row[1][2])
    lines = [
        "## Profile of one create (POST /api/v1/items, Flask test client, cProfile)",
        "",
        f"{count} creates after {WARMUP} unprofiled ones; only the app's own work is timed. "
        f"Per create without the profiler: {plain.cpu_s * 1000 / count:.2f} ms CPU, "
        f"{plain.wall_s * 1000 / count:.2f} ms wall; under it: "
        f"{profiled.cpu_s * 1000 / count:.2f} ms CPU, {profiled.wall_s * 1000 / count:.2f} ms "
        "wall (its overhead grows with the number of Python calls: compare shares).",
        "",
        f"The same INSERT straight through psycopg2: {trips['transaction']:.2f} ms wall in a "
        f"transaction (BEGIN, INSERT, COMMIT: three round trips, as the API's create sends it), "
        f"{trips['autocommit']:.2f} ms in autocommit (one round trip, as the bare handler's).",
        "",
        f"Inside `Records.create`, around PostgreSQL (SQLAlchemy's session, statement and result "
        f"machinery): {orm_overhead_ms(rows, count):.3f} ms per create, profiled.",
        "",
        "| package | own ms per create | share |",
        "| --- | ---: | ---: |",
    ]
    grouped = by_package(rows, count)
    total = sum(ms for _, ms in grouped) or 1.0
    lines += [f"| {name} | {ms:.3f} | {ms / total:.0%} |" for name, ms in grouped]
    lines += [
        "",
        "| function | calls per create | own ms | cumulative ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for (file_name, line, function), (_, calls, own_s, cumulative_s, _) in functions[
        :TOP_FUNCTIONS
    ]:
        where = f"{package(file_name, function)}: {Path(file_name).name}:{line} {function}"
        lines.append(
            f"| `{where}` | {calls / count:.1f} | {own_s * 1000 / count:.3f} "
            f"| {cumulative_s * 1000 / count:.3f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Profile the creates and write the report."""
    parser = argparse.ArgumentParser(prog="profile_create", description=__doc__)
    parser.add_argument("--database-url", help="admin URL of a PostgreSQL server to use")
    parser.add_argument("--creates", type=int, default=2000, help="creates to profile")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    profiler = cProfile.Profile()
    with benchmark_database(args.database_url) as database:
        migrate(database.url)
        app, client, headers, owner_id = signed_in_client(database.url)
        creates(client, headers, WARMUP)
        wsgi_app = app.wsgi_app
        plain = app.wsgi_app = ProfiledApp(wsgi_app)
        creates(client, headers, args.creates)
        profiled = app.wsgi_app = ProfiledApp(wsgi_app, profiler)
        creates(client, headers, args.creates)
        trips = round_trips(database.url, owner_id, args.creates)
    text = report(pstats.Stats(profiler), args.creates, plain, profiled, trips)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
