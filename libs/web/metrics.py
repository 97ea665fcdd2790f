"""Prometheus metrics at /metrics: requests, latency, database pool use and build info.

The build info metric is named after the service (`api_build_info`); the others are the same
in every service, so one dashboard serves them all.

Under gunicorn with several workers, set PROMETHEUS_MULTIPROC_DIR in the environment before
the server starts, call `reset_multiprocess_dir` from gunicorn's `on_starting` hook and
`mark_worker_dead` from its `child_exit` hook: every scrape then sums the files all workers
write there.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
    multiprocess,
)
from sqlalchemy import Engine, event

from libs.web.request_context import current_request, elapsed_seconds, route_template

MULTIPROC_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
EXTENSION_KEY = "metrics"
_LABELS = ("method", "route", "status")

blp = Blueprint("metrics", __name__)


@dataclass(frozen=True)
class Metrics:
    """The app's metrics; `registry` is None when each scrape merges the workers' files."""

    requests: Counter
    latency: Histogram
    pool_in_use: Gauge
    registry: CollectorRegistry | None


def multiprocess_enabled() -> bool:
    """Whether prometheus-client shares values between processes through files."""
    return bool(os.environ.get(MULTIPROC_DIR_ENV))


def reset_multiprocess_dir() -> None:
    """gunicorn `on_starting` hook: create the metrics directory, dropping a previous run's files.

    Counters of dead processes are kept on purpose, so files left by an earlier server (a
    restarted container) would otherwise be added to the new one's.
    """
    if multiprocess_enabled():
        directory = Path(os.environ[MULTIPROC_DIR_ENV])
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()


def mark_worker_dead(worker: Any) -> None:
    """gunicorn `child_exit` hook: drop the live gauges of a worker that has exited."""
    if multiprocess_enabled():
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def create_metrics(service: str, version: str, commit: str) -> Metrics:
    """Metrics in a registry of their own, or in the shared files in multiprocess mode.

    The build info gauge is `<service>_build_info{version,commit,python}`.
    """
    # A registry per app, so that several apps in one process (tests) do not collide.
    registry = None if multiprocess_enabled() else CollectorRegistry()
    if registry is None:
        # A one-off command (migrations) in the image runs without gunicorn's start-up hook.
        Path(os.environ[MULTIPROC_DIR_ENV]).mkdir(parents=True, exist_ok=True)
    metrics = Metrics(
        requests=Counter("http_requests", "HTTP requests answered.", _LABELS, registry=registry),
        latency=Histogram(
            "http_request_duration_seconds", "Time to answer a request.", _LABELS, registry=registry
        ),
        pool_in_use=Gauge(
            "db_pool_connections_in_use",
            "Database connections checked out of the pools (summed over live workers).",
            registry=registry,
            multiprocess_mode="livesum",
        ),
        registry=registry,
    )
    build = Gauge(
        f"{service}_build_info",
        "The running build; always 1.",
        ("version", "commit", "python"),
        registry=registry,
        multiprocess_mode="max",
    )
    build.labels(version, commit, platform.python_version()).set(1)
    if registry is not None:
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
    return metrics


def track_pool(engine: Engine, gauge: Gauge) -> None:
    """Keep `gauge` at the number of connections checked out of `engine`'s pool."""

    def in_use() -> int | None:
        checkedout = getattr(engine.pool, "checkedout", None)
        return int(checkedout()) if checkedout else None

    # Set from the pool's own count, not +1/-1: a failed reconnect checks in without a checkout.
    def on_checkout(*_: object) -> None:
        count = in_use()
        if count is not None:
            gauge.set(count)

    def on_checkin(*_: object) -> None:
        count = in_use()
        if count is not None:
            gauge.set(count - 1)  # the returning connection is still counted during the event

    event.listen(engine, "checkout", on_checkout)
    event.listen(engine, "checkin", on_checkin)


def recorder(metrics: Metrics) -> Callable[[Response], Response]:
    """An after-request hook counting each response in `metrics` and observing its latency."""
    # (method, route, status) -> its counter and histogram: `labels()` costs a lock, a tuple of
    # str() and a dict lookup per call. Bounded like the metrics themselves, by routes x methods
    # x statuses.
    children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def record(response: Response) -> Response:
        req = current_request()
        key = (req.method, route_template(req), response.status_code)
        if key not in children:
            labels = (key[0], key[1], str(key[2]))
            children[key] = (metrics.requests.labels(*labels), metrics.latency.labels(*labels))
        count, latency = children[key]
        count.inc()
        latency.observe(elapsed_seconds(req.environ))
        return response

    return record


@blp.get("/metrics")
def scrape() -> Response:
    """The Prometheus text exposition of every metric (not part of the OpenAPI spec)."""
    registry = current_app.extensions[EXTENSION_KEY].registry
    if registry is None:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def init_metrics(
    app: Flask, *, service: str, version: str, commit: str, engine: Engine | None = None
) -> None:
    """Create `app`'s metrics, count its responses and serve them at /metrics.

    `version` and `commit` label `<service>_build_info`; the pool gauge follows `engine`'s pool.
    """
    metrics = create_metrics(service, version, commit)
    app.extensions[EXTENSION_KEY] = metrics
    if engine is not None:
        track_pool(engine, metrics.pool_in_use)
    app.after_request(recorder(metrics))
    app.register_blueprint(blp)
