"""Settings of the items API, on top of the shared service settings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from libs.config import ServiceSettings

# "10/minute", "5 per second", "100/hour;1000/day": the rate limit notation of Flask-Limiter.
RATE_LIMIT_PATTERN = (
    r"^\s*\d+\s*(/|per)\s*(\d+\s*)?(second|minute|hour|day|month|year)s?\s*"
    r"([;,]\s*\d+\s*(/|per)\s*(\d+\s*)?(second|minute|hour|day|month|year)s?\s*)*$"
)


class ApiSettings(ServiceSettings):
    """Every environment variable the API reads; the README lists them all."""

    port: int = Field(
        8000, ge=1, le=65535, description="Port of serve.py and the image's gunicorn."
    )
    sqlite_path: str = Field(
        "instance/api.sqlite3",
        description="SQLite file used when DATABASE_URL is unset (relative to the working dir).",
    )
    db_pool_size: int = Field(5, ge=1, le=100, description="Connections kept per worker.")
    db_pool_timeout: float = Field(
        5.0, gt=0, description="Seconds a request waits for a free pooled connection."
    )
    db_connect_timeout: int = Field(
        3, ge=1, description="Seconds to wait when opening a PostgreSQL connection."
    )
    health_timeout: float = Field(
        2.0, gt=0, description="Seconds each readiness check may take before it fails."
    )
    access_token_ttl: int = Field(
        900, ge=60, le=86400, description="Seconds an access token stays valid."
    )
    rate_limit_storage_uri: str = Field(
        "memory://",
        pattern=r"^(memory|redis|rediss|redis\+sentinel|redis\+cluster)://",
        description="Where rate limit counters live: memory:// per process, or a Redis URL.",
    )
    rate_limit_token: str = Field(
        "10/minute",
        pattern=RATE_LIMIT_PATTERN,
        description="Token requests allowed per client address.",
    )
    rate_limit_register: str = Field(
        "5/minute",
        pattern=RATE_LIMIT_PATTERN,
        description="Registrations allowed per client address.",
    )
    rate_limit_trusted_proxies: int = Field(
        0,
        ge=0,
        le=10,
        description="Proxies in front whose X-Forwarded-For names the client (1 behind an ALB).",
    )
    # All interfaces: in a container, the load balancer connects from outside the task.
    host: str = Field(
        "0.0.0.0",  # noqa: S104  # nosec B104
        description="Address the image's gunicorn binds (serve.py always binds 127.0.0.1).",
    )
    # Defaults from the benchmark's sweeps (README "Performance"), on 2 vCPUs. On an idle
    # machine 2 workers x 4 threads served the most authenticated reads per vCPU (350 req/s;
    # 1x4 209, 2x8 243, 3x4 177): one worker per vCPU keeps both busy, 4 threads cover the
    # database waits, more threads mostly add GIL contention and more workers than vCPUs only
    # context switches. 2x8 came out ahead only on a machine loaded by other jobs, at the same
    # CPU per request (a bigger share of the contended CPUs), and needs twice the connections;
    # 4x2 came out ahead once, within the drift of a single series, at twice the memory.
    web_concurrency: int = Field(2, ge=1, le=32, description="Gunicorn worker processes.")
    worker_class: Literal["gthread", "sync"] = Field(
        "gthread", description="Gunicorn worker class: gthread (threads per worker) or sync."
    )
    worker_threads: int = Field(
        4, ge=1, le=64, description="Threads per gthread worker; at most DB_POOL_SIZE."
    )

    @model_validator(mode="after")
    def _threads_fit_the_pool(self) -> ApiSettings:
        # The pool has no overflow, so a thread beyond DB_POOL_SIZE would wait for a connection.
        if self.worker_class == "gthread" and self.worker_threads > self.db_pool_size:
            raise ValueError("WORKER_THREADS must not exceed DB_POOL_SIZE")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """DATABASE_URL, or the embedded SQLite file when it is unset."""
        # Absolute, because Flask-SQLAlchemy reads relative SQLite paths from the instance folder.
        return self.resolved_database_url or f"sqlite:///{Path(self.sqlite_path).resolve()}"

    @property
    def uses_embedded_database(self) -> bool:
        """True when the service runs on its local SQLite file."""
        return self.resolved_database_url is None
