"""One benchmark run: database, both servers, warm-up, alternating rounds, optional sweep."""

from __future__ import annotations

import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg2
import requests

from benchmarks import auth, wrk
from benchmarks.endpoints import Endpoint, endpoints
from benchmarks.options import Options
from benchmarks.seed import owner_column, seed_items
from benchmarks.servers import (
    BASELINE_APP,
    SERVICE_APP,
    Concurrency,
    Server,
    ServerError,
    config_concurrency,
    gunicorn,
)
from benchmarks.summary import Comparison, Sample, SweepPoint, best, compare, figures, sample
from libs.config import load_settings
from libs.testing.postgres import TestDatabase, database_on, throwaway_server
from services.api.app import create_app
from services.api.database import upgrade_to_head
from services.api.settings import ApiSettings


def log(message: str) -> None:
    """Progress on stderr, so stdout carries only the report."""
    print(f"benchmark: {message}", file=sys.stderr, flush=True)


@contextmanager
def benchmark_database(admin_url: str | None) -> Iterator[TestDatabase]:
    """A new database on the given server, or on a throwaway server of its own."""
    if admin_url:
        with database_on(admin_url) as database:
            yield database
    else:
        with throwaway_server() as url, database_on(url) as database:
            yield database


def migrate(database_url: str) -> None:
    """Bring the schema to the service's migrations head (quietly: stdout is the report's)."""
    settings = load_settings(
        ApiSettings, app_env="test", database_url=database_url, log_level="WARNING"
    )
    upgrade_to_head(create_app(settings))


@dataclass
class Target:
    """A running server and how to send one endpoint's requests to it."""

    server: Server
    endpoint: Endpoint
    paths: list[str]
    tokens: auth.TokenSource | None = None
    token: str | None = None
    extra_headers: dict[str, str] | None = None

    def request(self) -> wrk.Request:
        """The request to send now (with a token that stays valid through the run)."""
        headers = {"Accept": "application/json"}
        if self.endpoint.body is not None:
            headers["Content-Type"] = "application/json"
        if self.endpoint.authenticated:
            token = self.tokens.current() if self.tokens else self.token
            if token:
                headers["Authorization"] = f"Bearer {token}"
            headers.update(self.extra_headers or {})
        return wrk.Request(self.endpoint.method, self.paths, headers, self.endpoint.body)


def check(target: Target) -> None:
    """One request, which must succeed: a benchmark of error responses measures nothing."""
    request = target.request()
    response = requests.request(
        request.method,
        target.server.base_url + request.paths[0],
        headers=dict(request.headers),
        data=request.body,
        timeout=30,
    )
    if not response.ok:
        raise ServerError(
            f"{target.server.name} {request.method} {request.paths[0]} answered "
            f"{response.status_code}: {response.text[:300]}"
        )


def measure(target: Target, load: wrk.Load) -> Sample:
    """One wrk run on an idle server, with the server's CPU time around it."""
    request = target.request()
    waited = target.server.wait_until_idle()
    if waited > 2:
        log(f"{target.server.name} needed {waited:.0f} s to drain the previous run")
    before = target.server.cpu_seconds()
    result = wrk.run(target.server.base_url, request, load)
    return sample(result, target.server.cpu_seconds() - before)


def service_environment(database_url: str, options: Options, work: Path) -> dict[str, str]:
    """The service's settings: production mode with a secret made for this run only."""
    metrics_dir = work / "prometheus"
    metrics_dir.mkdir(exist_ok=True)
    return {
        "APP_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        **options.service_env,
    }


def baseline_environment(
    database_url: str, threads: int, options: Options, owner: tuple[str, int] | None, work: Path
) -> dict[str, str]:
    """The baseline's settings (see benchmarks.baseline)."""
    metrics_dir = work / "prometheus-baseline"
    metrics_dir.mkdir(exist_ok=True)
    env = {
        "BENCH_DATABASE_URL": database_url,
        "BENCH_POOL_SIZE": str(threads),
        "BENCH_LIST_SORT": options.list_sort,
        # Hooks in the shared gunicorn config may clean up per-worker metrics files.
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    if owner is not None:
        env["BENCH_OWNER_COLUMN"], env["BENCH_OWNER_ID"] = owner[0], str(owner[1])
    return env


@dataclass
class Seeded:
    """The data set and the credentials of the owner whose requests are measured."""

    readable_ids: list[int]
    owners: int
    owner: tuple[str, int] | None
    tokens: auth.TokenSource | None


def seed(service: Server, database_url: str, options: Options) -> Seeded:
    """Register owners through the API when it has users, then bulk insert the items."""
    owners: list[auth.Owner] = []
    if auth.supports_owners(auth.api_paths(service.base_url)):
        log(f"registering {options.users} owners through the API")
        owners = auth.register_owners(service.base_url, options.users)
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        column = owner_column(cursor)
        if bool(column) != bool(owners):
            raise auth.AuthError(
                f"items owner column {column!r} but {len(owners)} owners registered: the API "
                "and the schema disagree about ownership (see benchmarks/auth.py)"
            )
        ids = seed_items(cursor, options.items, [o.id for o in owners], column)
    connection.close()
    mine = ids[owners[0].id] if owners else ids[None]
    # Spread evenly over the owner's items, the same every run.
    readable = mine[:: max(1, len(mine) // options.sample_ids)][: options.sample_ids]
    margin = options.duration_s + options.timeout_s + 60
    return Seeded(
        readable_ids=readable,
        owners=len(owners),
        owner=(str(column), owners[0].id) if owners else None,
        tokens=auth.TokenSource(service.base_url, owners[0], margin) if owners else None,
    )


def _targets(
    server: Server, names: tuple[str, ...], options: Options, seeded: Seeded, baseline: bool
) -> list[Target]:
    known = endpoints(options.list_query)
    targets = []
    for name in names:
        endpoint = known[name]
        template = endpoint.baseline_path if baseline else endpoint.service_path
        targets.append(
            Target(
                server=server,
                endpoint=endpoint,
                paths=endpoint.paths(template, seeded.readable_ids),
                tokens=None if baseline else seeded.tokens,
                token=None if baseline else options.token,
                extra_headers=None if baseline else options.headers,
            )
        )
    return targets


def compare_servers(
    service: Server, baseline: Server, options: Options, seeded: Seeded
) -> list[Comparison]:
    """Warm up, then alternate service and baseline per endpoint, round after round."""
    pairs = list(
        zip(
            _targets(service, options.endpoints, options, seeded, baseline=False),
            _targets(baseline, options.endpoints, options, seeded, baseline=True),
            strict=True,
        )
    )
    for pair in pairs:
        for target in pair:
            check(target)
    load = wrk.Load(options.connections, options.duration_s, options.wrk_threads, options.timeout_s)
    if options.warmup_s:
        log(f"warming up, {options.warmup_s} s per server and endpoint")
        for pair in pairs:
            for target in pair:
                measure(target, replace(load, duration_s=options.warmup_s))
    samples: dict[str, dict[str, list[Sample]]] = {
        s.endpoint.name: {"service": [], "baseline": []} for s, _ in pairs
    }
    for round_number in range(options.rounds):
        for service_target, baseline_target in pairs:
            # Who goes first alternates, so a trend in the machine's load favours neither.
            order = [service_target, baseline_target]
            if round_number % 2:
                order.reverse()
            for target in order:
                result = measure(target, load)
                samples[target.endpoint.name][target.server.name].append(result)
                log(
                    f"round {round_number + 1}/{options.rounds} {target.endpoint.name} "
                    f"{target.server.name}: {result.requests_per_s:.0f} req/s, "
                    f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms"
                )
    return [
        compare(
            name,
            s.endpoint.summary,
            samples[name]["service"],
            samples[name]["baseline"],
            s.endpoint.target_ratio,
        )
        for (s, _), name in zip(pairs, samples, strict=True)
    ]


def sweep(
    options: Options, service_env: dict[str, str], seeded: Seeded, config: Path | None, work: Path
) -> dict[str, Any]:
    """The service alone at each workers x threads setting, on one endpoint."""
    vcpus = os.cpu_count() or 1
    load = wrk.Load(options.connections, options.duration_s, options.wrk_threads, options.timeout_s)
    points = []
    for concurrency in options.sweep:
        metrics_dir = work / f"prometheus-{concurrency}"
        metrics_dir.mkdir(exist_ok=True)
        env = {
            **service_env,
            "DB_POOL_SIZE": pool_size(options, concurrency),
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        }
        with gunicorn("service", SERVICE_APP, concurrency, config, env, work) as server:
            if seeded.tokens is not None:
                seeded.tokens.base_url = server.base_url
            (target,) = _targets(server, (options.sweep_endpoint,), options, seeded, False)
            check(target)
            if options.warmup_s:
                measure(target, replace(load, duration_s=options.warmup_s))
            median = figures([measure(target, load) for _ in range(options.rounds)])
            points.append(
                SweepPoint(
                    workers=concurrency.workers,
                    threads=concurrency.threads,
                    requests_per_s=median.requests_per_s,
                    p50_ms=median.p50_ms,
                    p99_ms=median.p99_ms,
                    cpu_ms_per_request=median.cpu_ms_per_request,
                    requests_per_s_per_vcpu=round(median.requests_per_s / vcpus, 1),
                    worker_rss_mb=[round(size, 1) for size in server.worker_rss_mb()],
                )
            )
            log(f"sweep {concurrency}: {median.requests_per_s:.0f} req/s")
    return {
        "endpoint": options.sweep_endpoint,
        "points": [asdict(point) for point in points],
        "best": asdict(best(points)),
    }


def pool_size(options: Options, concurrency: Concurrency) -> str:
    """DB_POOL_SIZE: one connection per thread unless --service-env sets it."""
    return options.service_env.get("DB_POOL_SIZE", str(concurrency.threads))


def run(options: Options) -> tuple[dict[str, Any], list[Comparison]]:
    """The whole benchmark; every process it starts is stopped when it returns or fails."""
    wrk_version = wrk.version(wrk.ensure_wrk())
    started = datetime.now(UTC).isoformat(timespec="seconds")
    load_before = os.getloadavg()
    config = options.gunicorn_config
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as work_name,
        benchmark_database(options.database_url) as database,
    ):
        work = Path(work_name)
        log(f"PostgreSQL {database.server_version}: migrating")
        migrate(database.url)
        env = service_environment(database.url, options, work)
        found = config_concurrency(config, env)
        concurrency = Concurrency(
            options.workers or found.workers, options.threads or found.threads
        )
        env["DB_POOL_SIZE"] = pool_size(options, concurrency)
        log(f"service and baseline under gunicorn {concurrency}, config: {config or 'none'}")
        with ExitStack() as servers:
            service = servers.enter_context(
                gunicorn("service", SERVICE_APP, concurrency, config, env, work)
            )
            seeded = seed(service, database.url, options)
            log(f"seeded {options.items} items, {seeded.owners} owners")
            baseline_env = baseline_environment(
                database.url, concurrency.threads, options, seeded.owner, work
            )
            baseline = servers.enter_context(
                gunicorn("baseline", BASELINE_APP, concurrency, config, baseline_env, work)
            )
            comparisons = compare_servers(service, baseline, options, seeded)
            memory = {"service": service.worker_rss_mb(), "baseline": baseline.worker_rss_mb()}
        sweep_results = sweep(options, env, seeded, config, work) if options.sweep else None
    results = {
        "schema_version": 1,
        "started_at": started,
        "git_commit": git_commit(),
        "machine": {
            "vcpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "wrk": wrk_version,
            "postgres": database.server_version,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "settings": {
            "rounds": options.rounds,
            "duration_s": options.duration_s,
            "warmup_s": options.warmup_s,
            "connections": options.connections,
            "wrk_threads": options.wrk_threads,
            "concurrency": str(concurrency),
            "gunicorn_config": _display_path(config),
            "items": options.items,
            "owners": seeded.owners,
            "authenticated": bool(seeded.tokens or options.token),
            "list_query": options.list_query,
            "list_sort": options.list_sort,
        },
        "endpoints": [c.as_dict() for c in comparisons],
        "memory_mb": {k: [round(v, 1) for v in sizes] for k, sizes in memory.items()},
        "sweep": sweep_results,
    }
    return results, comparisons


def _display_path(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def git_commit() -> str:
    """The commit measured, marked -dirty when the working tree has changes."""
    try:
        git = shutil.which("git") or "git"
        commit = subprocess.run(
            [git, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")
