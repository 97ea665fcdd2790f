"""What the servers run on: the database, its data, each app's environment and tokens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from benchmarks import auth, scaffolded
from benchmarks.endpoints import Endpoint
from benchmarks.keys import RunKey
from benchmarks.options import Options
from benchmarks.progress import log
from benchmarks.seed import has_version_column, owner_column, seed_items, settle
from benchmarks.servers import PEER, SCAFFOLDED, SERVICE, Concurrency, Server
from libs.config import load_settings
from libs.db.setup import upgrade_to_head
from libs.testing.postgres import TestDatabase, database_on, throwaway_server
from services.api.app import create_app
from services.api.settings import ApiSettings


@contextmanager
def benchmark_server(admin_url: str | None) -> Iterator[str]:
    """The given server's admin URL, or that of a throwaway server of its own."""
    if admin_url:
        yield admin_url
    else:
        with throwaway_server() as url:
            yield url


@contextmanager
def benchmark_database(admin_url: str | None) -> Iterator[TestDatabase]:
    """A new database on the given server, or on a throwaway server of its own."""
    with benchmark_server(admin_url) as url, database_on(url) as database:
        yield database


def migrate(database_url: str) -> None:
    """Bring the schema to the service's migrations head (quietly: stdout is the report's)."""
    settings = load_settings(
        ApiSettings, app_env="test", database_url=database_url, log_level="WARNING"
    )
    upgrade_to_head(create_app(settings))


def service_environment(
    database_url: str, options: Options, work: Path, key: RunKey
) -> dict[str, str]:
    """The service's settings: production mode with a key made for this run only."""
    metrics_dir = work / "prometheus"
    metrics_dir.mkdir(exist_ok=True)
    return {
        "APP_ENV": "production",
        "DATABASE_URL": database_url,
        **key.api_environment(),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        **options.service_env,
    }


def peer_environment(database_url: str, key: RunKey) -> dict[str, str]:
    """The peer's settings: the same database, and the public half of the run's key."""
    return {"DATABASE_URL": database_url, "AUTH_PUBLIC_KEYS": key.jwks}


def baseline_environment(
    database_url: str, threads: int, options: Options, seeded: Seeded, work: Path
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
    if seeded.owner is not None:
        env["BENCH_OWNER_COLUMN"], env["BENCH_OWNER_ID"] = seeded.owner[0], str(seeded.owner[1])
    if seeded.writer_id is not None:
        env["BENCH_WRITER_ID"] = str(seeded.writer_id)
    if seeded.versioned:
        env["BENCH_VERSIONED"] = "1"
    return env


@dataclass
class Seeded:
    """The data set, and the credentials of the owner whose reads are measured and of the one
    whose writes are (the same owner when there is only one)."""

    readable_ids: list[int]
    owners: int
    owner: tuple[str, int] | None
    tokens: auth.TokenSource | None
    versioned: bool = False
    writer_id: int | None = None
    writer_tokens: auth.TokenSource | None = None
    # Every registered owner, in seeding order; and the measured owner's items in the
    # scaffolded service's own database, once seeded.
    owner_ids: list[int] = field(default_factory=list)
    scaffolded_ids: list[int] | None = None

    def tokens_for(self, endpoint: Endpoint, server: str = SERVICE) -> auth.TokenSource | None:
        """The token source for `endpoint`'s requests to `server`: the API's tokens serve the
        peer and the scaffolded service too; the baseline needs none."""
        if server not in (SERVICE, PEER, SCAFFOLDED):
            return None
        return self.writer_tokens if endpoint.as_writer else self.tokens

    def ids_for(self, server: str) -> list[int]:
        """The ids of the items `server` reads (the scaffolded service has its own database)."""
        if server == SCAFFOLDED:
            if self.scaffolded_ids is None:
                raise ValueError("the scaffolded service was not seeded")
            return self.scaffolded_ids
        return self.readable_ids


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
        versioned = has_version_column(cursor)
    connection.close()
    settle(database_url)
    readable = _sampled(ids[owners[0].id] if owners else ids[None], options)
    margin = options.duration_s + options.timeout_s + 60
    tokens = [auth.TokenSource(service.base_url, owner, margin) for owner in owners[:2]]
    return Seeded(
        readable_ids=readable,
        owners=len(owners),
        owner=(str(column), owners[0].id) if owners else None,
        tokens=tokens[0] if tokens else None,
        versioned=versioned,
        writer_id=owners[1].id if len(owners) > 1 else None,
        writer_tokens=tokens[-1] if tokens else None,
        owner_ids=[owner.id for owner in owners],
    )


def seed_scaffolded(database_url: str, options: Options, seeded: Seeded) -> None:
    """The same rows for the same owners in the scaffolded service's database."""
    if not seeded.owner_ids:
        raise auth.AuthError("the scaffolded service owns items by user: the API registered none")
    ids = scaffolded.seed(database_url, options.items, seeded.owner_ids)
    seeded.scaffolded_ids = _sampled(ids[seeded.owner_ids[0]], options)


def _sampled(mine: list[int], options: Options) -> list[int]:
    """The ids read: spread evenly over the owner's items, the same every run."""
    return mine[:: max(1, len(mine) // options.sample_ids)][: options.sample_ids]


def pool_size(options: Options, concurrency: Concurrency) -> str:
    """DB_POOL_SIZE: one connection per thread unless --service-env sets it."""
    return options.service_env.get("DB_POOL_SIZE", str(concurrency.threads))


def concurrency_environment(options: Options, concurrency: Concurrency) -> dict[str, str]:
    """The gunicorn config's settings for `concurrency`, so that it agrees with the flags."""
    return {
        "WEB_CONCURRENCY": str(concurrency.workers),
        "WORKER_THREADS": str(concurrency.threads),
        "DB_POOL_SIZE": pool_size(options, concurrency),
    }
