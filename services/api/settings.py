"""Settings of the items API, on top of the shared service settings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from libs.config import ServiceSettings


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
    # All interfaces: in a container, the load balancer connects from outside the task.
    host: str = Field(
        "0.0.0.0",  # noqa: S104  # nosec B104
        description="Address the image's gunicorn binds (serve.py always binds 127.0.0.1).",
    )
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
        return self.database_url or f"sqlite:///{Path(self.sqlite_path).resolve()}"

    @property
    def uses_embedded_database(self) -> bool:
        """True when the service runs on its local SQLite file."""
        return self.database_url is None
