"""The benchmark's command-line options."""

from __future__ import annotations

import argparse
import importlib.util
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.baseline import LIST_SORTS
from benchmarks.endpoints import DEFAULT_LIST_QUERY, DEFAULT_LIST_SORT, endpoints
from benchmarks.servers import Concurrency

# The production config, the one the image runs (`--config python:libs.web.gunicorn_config`).
DEFAULT_CONFIG_MODULE = "libs.web.gunicorn_config"
TOKEN_VARIABLE = "BENCH_AUTH_TOKEN"  # noqa: S105  # the name, not a token
# Where `./pants package benchmarks/peers/fastapi:peer` puts the peer.
DEFAULT_PEER_PEX = Path("dist/benchmarks.peers.fastapi/peer.pex")


@dataclass(frozen=True)
class Options:
    """Everything one benchmark run needs to know."""

    # Short runs in more rounds: service and baseline of a pair see the same machine, whose
    # speed drifts over tens of seconds on shared vCPUs.
    rounds: int = 5
    duration_s: int = 6
    warmup_s: int = 2
    connections: int = 32
    wrk_threads: int = 1
    timeout_s: int = 10
    workers: int | None = None
    threads: int | None = None
    gunicorn_config: Path | None = None
    items: int = 10_000
    users: int = 5
    sample_ids: int = 1000
    endpoints: tuple[str, ...] = tuple(endpoints())
    list_query: str = DEFAULT_LIST_QUERY
    list_sort: str = DEFAULT_LIST_SORT
    sweep: tuple[Concurrency, ...] = ()
    sweep_endpoint: str = "get_one"
    output_dir: Path = Path("benchmarks/results")
    peer_pex: Path = DEFAULT_PEER_PEX
    database_url: str | None = None
    service_env: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    token: str | None = None


def parse_concurrency_list(text: str) -> tuple[Concurrency, ...]:
    """`1x4,2x4` -> workers x threads settings."""
    settings = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        workers, sep, threads = part.partition("x")
        if (
            not (sep and workers.isdigit() and threads.isdigit())
            or min(int(workers), int(threads)) < 1
        ):
            raise argparse.ArgumentTypeError(f"expected WORKERSxTHREADS such as 2x4, got {part!r}")
        settings.append(Concurrency(workers=int(workers), threads=int(threads)))
    return tuple(settings)


def parse_pairs(values: Sequence[str], separator: str) -> dict[str, str]:
    """`NAME<separator>VALUE` strings -> a dict; the value may contain the separator."""
    pairs = {}
    for value in values:
        name, sep, content = value.partition(separator)
        if not sep or not name.strip():
            raise argparse.ArgumentTypeError(f"expected NAME{separator}VALUE, got {value!r}")
        pairs[name.strip()] = content.strip()
    return pairs


def _names(text: str) -> tuple[str, ...]:
    known = endpoints()
    names = tuple(filter(None, (name.strip() for name in text.split(","))))
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"endpoints are a comma list of {', '.join(known)}")
    return names


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def default_config() -> Path | None:
    """The file of the service's production gunicorn config module, wherever it is imported from."""
    spec = importlib.util.find_spec(DEFAULT_CONFIG_MODULE)
    return Path(spec.origin) if spec is not None and spec.origin else None


def parser() -> argparse.ArgumentParser:
    """The argument parser; defaults come from Options."""
    d = Options()
    p = argparse.ArgumentParser(
        prog="benchmarks",
        description="Measure the API under gunicorn against its FastAPI peer under uvicorn "
        "and bare Flask+psycopg2 handlers.",
    )
    p.add_argument("--rounds", type=_positive, default=d.rounds, help="alternating rounds")
    p.add_argument("--duration", type=_positive, default=d.duration_s, help="seconds per run")
    p.add_argument("--warmup", type=int, default=d.warmup_s, help="seconds of warm-up; 0: none")
    p.add_argument("--connections", type=_positive, default=d.connections)
    p.add_argument("--wrk-threads", type=_positive, default=d.wrk_threads)
    p.add_argument("--timeout", type=_positive, default=d.timeout_s, help="wrk request timeout")
    p.add_argument("--workers", type=_positive, help="gunicorn workers (default: the config's)")
    p.add_argument("--threads", type=_positive, help="threads per worker (default: the config's)")
    p.add_argument(
        "--gunicorn-config",
        type=Path,
        help=f"gunicorn config file for both apps (default: the module {DEFAULT_CONFIG_MODULE})",
    )
    p.add_argument("--items", type=_positive, default=d.items, help="items to seed")
    p.add_argument(
        "--users", type=_positive, default=d.users, help="owners, once the API has users"
    )
    p.add_argument("--endpoints", type=_names, default=d.endpoints, help="comma list")
    p.add_argument("--list-query", default=d.list_query, help="the service's page-of-50 query")
    p.add_argument(
        "--list-sort",
        choices=sorted(LIST_SORTS),
        default=d.list_sort,
        help="the baseline's list order: the same as --list-query's",
    )
    p.add_argument(
        "--sweep",
        type=parse_concurrency_list,
        default=d.sweep,
        help="also measure the service at each WORKERSxTHREADS, e.g. 1x4,2x4,2x8",
    )
    p.add_argument("--sweep-endpoint", choices=tuple(endpoints()), default=d.sweep_endpoint)
    p.add_argument("--output-dir", type=Path, default=d.output_dir)
    p.add_argument(
        "--peer-pex",
        type=Path,
        default=d.peer_pex,
        help="the peer's PEX, from `./pants package benchmarks/peers/fastapi:peer`",
    )
    p.add_argument(
        "--database-url",
        help="admin URL of a PostgreSQL server to create the benchmark database on "
        "(default: a throwaway server of its own)",
    )
    p.add_argument(
        "--service-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the service, repeatable",
    )
    p.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="extra header on the service's requests, repeatable",
    )
    return p


def parse_args(argv: Sequence[str] | None = None) -> Options:
    """Options from the command line; the bearer token may come from BENCH_AUTH_TOKEN."""
    p = parser()
    args = p.parse_args(argv)
    try:
        service_env = parse_pairs(args.service_env, "=")
        headers = parse_pairs(args.header, ":")
    except argparse.ArgumentTypeError as error:
        p.error(str(error))
    if args.connections < args.wrk_threads:
        p.error("--connections must be at least --wrk-threads")
    config = args.gunicorn_config
    if config is None:
        config = default_config()
    if config is not None and not config.is_file():
        p.error(f"--gunicorn-config {config} is not a file")
    return Options(
        rounds=args.rounds,
        duration_s=args.duration,
        warmup_s=max(args.warmup, 0),
        connections=args.connections,
        wrk_threads=args.wrk_threads,
        timeout_s=args.timeout,
        workers=args.workers,
        threads=args.threads,
        gunicorn_config=config.resolve() if config else None,
        items=args.items,
        users=args.users,
        endpoints=args.endpoints,
        list_query=args.list_query,
        list_sort=args.list_sort,
        sweep=args.sweep,
        sweep_endpoint=args.sweep_endpoint,
        output_dir=args.output_dir,
        peer_pex=args.peer_pex.resolve(),
        database_url=args.database_url,
        service_env=service_env,
        headers=headers,
        token=os.environ.get(TOKEN_VARIABLE) or None,
    )
