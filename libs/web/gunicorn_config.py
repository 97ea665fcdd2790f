"""Gunicorn settings of every image: `gunicorn --config python:libs.web.gunicorn_config`."""

from __future__ import annotations

import gc
from pathlib import Path

from gunicorn.arbiter import Arbiter
from gunicorn.workers.base import Worker

from libs.config import ServiceSettings, load_settings
from libs.web.metrics import mark_worker_dead, reset_multiprocess_dir

# ECS sends SIGTERM and kills the task 30 s later (the default stopTimeout): in-flight requests
# get 20 s to finish, which leaves time for the workers and the master to exit.
GRACEFUL_TIMEOUT_SECONDS = 20
# A worker silent for this long is killed and replaced.
WORKER_TIMEOUT_SECONDS = 30
# Longer than the load balancer's 60 s idle timeout, so the balancer always closes an idle
# connection first and never sends a request down one gunicorn has just closed (a 502).
KEEPALIVE_SECONDS = 75
# Where the workers keep their heartbeat files (gunicorn makes them with mkstemp): in memory,
# because on a disk-backed /tmp a slow disk can stall the heartbeats.
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108  # nosec B108


def server_options(settings: ServiceSettings) -> dict[str, object]:
    """Gunicorn's settings, by gunicorn's names, for a service's `settings`."""
    threaded = settings.worker_class == "gthread"
    return {
        "bind": [f"{settings.host}:{settings.port}"],
        "workers": settings.web_concurrency,
        "worker_class": settings.worker_class,
        # gunicorn turns a sync worker with threads into a gthread one.
        "threads": settings.worker_threads if threaded else 1,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
        "keepalive": KEEPALIVE_SECONDS,
        "worker_tmp_dir": str(SHARED_MEMORY) if SHARED_MEMORY.is_dir() else None,
        "loglevel": settings.log_level.lower(),
        "errorlog": "-",
        # The app writes the one access line per request (<service>.access), with route and user.
        "accesslog": None,
        "logger_class": "libs.web.gunicorn_logging.JsonLogger",
        # Nothing in a task uses gunicornc, and its socket needs a writable home directory.
        "control_socket_disable": True,
    }


# gunicorn reads its settings from this module's names; a bad setting stops it here, at start.
globals().update(server_options(load_settings(ServiceSettings)))


def on_starting(server: Arbiter) -> None:
    """Start the metrics of this run afresh (multiprocess mode keeps files between runs)."""
    reset_multiprocess_dir()


def post_worker_init(worker: Worker) -> None:
    """Hide what loading the app made (modules, metadata, schemas) from the garbage collector.

    A full collection otherwise walks every one of those objects again, pausing the requests
    of the worker it runs in; frozen, it walks only what requests made since.
    """
    gc.freeze()


def child_exit(server: Arbiter, worker: Worker) -> None:
    """Drop the live gauges of a worker that exited; its counters stay in the totals."""
    mark_worker_dead(worker)
