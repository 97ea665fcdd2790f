"""Typed service settings read from the environment and an optional `.env` file."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Annotated, Literal, TypeVar
from urllib.parse import quote

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIB = 1024 * 1024
# A PostgreSQL identifier that needs no quoting (roles are named in SQL and IAM policy ARNs).
_ROLE_NAME = r"^[a-z_][a-z0-9_]{0,62}$"
_TLS_SSLMODES = ("require", "verify-ca", "verify-full")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


class Environment(str, Enum):
    """Where the service runs; production turns on the strict checks."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigError(RuntimeError):
    """Raised at start-up when a setting is missing or malformed."""


class ServiceSettings(BaseSettings):
    """Settings every service shares; a service subclasses it to add its own."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    app_env: Environment = Field(
        Environment.DEVELOPMENT, description="development, test or production."
    )
    debug: bool = Field(False, description="Flask debug mode; refused in production.")
    log_level: str = Field(
        "INFO",
        pattern=r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$",
        description="Root log level.",
    )
    database_url: str | None = Field(
        None,
        repr=False,  # it usually carries a password
        description="SQLAlchemy URL of the database; unset means the DB_* parts, else SQLite.",
    )
    db_host: str | None = Field(
        None,
        description="PostgreSQL host, used with the other DB_* parts when DATABASE_URL is unset.",
    )
    db_port: int = Field(5432, ge=1, le=65535, description="PostgreSQL port.")
    db_name: str = Field("app", description="PostgreSQL database name.")
    db_user: str = Field("app", description="PostgreSQL user.")
    db_password: SecretStr | None = Field(None, description="PostgreSQL password (a secret).")
    db_auth: Literal["password", "iam"] = Field(
        "password",
        description="How the service logs in to PostgreSQL: DB_PASSWORD, or an IAM token per "
        "new connection (RDS).",
    )
    db_migration_role: str | None = Field(
        None,
        pattern=_ROLE_NAME,
        description="Role `manage db-roles` creates for the migrations; it owns the schema.",
    )
    db_service_role: str | None = Field(
        None,
        pattern=_ROLE_NAME,
        description="Role `manage db-roles` creates for the app; it reads and writes rows only.",
    )
    # ECS sets AWS_REGION in every task; the IAM tokens are signed for it.
    aws_region: str | None = Field(
        None, description="AWS region of the database; required with DB_AUTH=iam."
    )
    db_sslmode: str = Field(
        "require",
        pattern=r"^(disable|allow|prefer|require|verify-ca|verify-full)$",
        description="libpq sslmode for a URL built from the DB_* parts.",
    )
    auth_public_keys: str | None = Field(
        None,
        description="JWKS document of the Ed25519 keys whose access tokens this service accepts.",
    )
    auth_signing_key: SecretStr | None = Field(
        None,
        description="PEM Ed25519 private key; only the service issuing tokens (the API) has it.",
    )
    auth_issuer: str = Field("items-api", description="`iss` of the access tokens accepted.")
    auth_audience: str = Field("items-api", description="`aud` of the access tokens accepted.")
    sqlite_path: str = Field(
        "instance/service.sqlite3",
        description="SQLite file used when DATABASE_URL is unset (relative to the working dir).",
    )
    db_pool_size: int = Field(5, ge=1, le=100, description="Connections kept per worker.")
    db_pool_timeout: float = Field(
        5.0, gt=0, description="Seconds a request waits for a free pooled connection."
    )
    db_connect_timeout: int = Field(
        3, ge=1, description="Seconds to wait when opening a PostgreSQL connection."
    )
    db_autocommit_reads: bool = Field(
        True,
        description="GET requests of a resource read without BEGIN/ROLLBACK (one round trip each).",
    )
    health_timeout: float = Field(
        2.0, gt=0, description="Seconds each readiness check may take before it fails."
    )
    rate_limit_storage_uri: str = Field(
        "memory://",
        pattern=r"^(memory|redis|rediss|redis\+sentinel|redis\+cluster)://",
        description="Where rate limit counters live: memory:// per process, or a Redis URL.",
    )
    rate_limit_trusted_proxies: int = Field(
        0,
        ge=0,
        le=10,
        description="Proxies in front whose X-Forwarded-For names the client (1 behind an ALB).",
    )
    port: int = Field(
        8000, ge=1, le=65535, description="Port of serve.py and the image's gunicorn."
    )
    # All interfaces: in a container, the load balancer connects from outside the task.
    host: str = Field(
        "0.0.0.0",  # noqa: S104  # nosec B104
        description="Address the image's gunicorn binds (serve.py always binds 127.0.0.1).",
    )
    # Defaults from the benchmark's sweeps (docs/performance.md), on 2 vCPUs: one worker per
    # vCPU keeps both busy, 4 threads cover the database waits.
    web_concurrency: int = Field(2, ge=1, le=32, description="Gunicorn worker processes.")
    worker_class: Literal["gthread", "sync"] = Field(
        "gthread", description="Gunicorn worker class: gthread (threads per worker) or sync."
    )
    worker_threads: int = Field(
        4, ge=1, le=64, description="Threads per gthread worker; at most DB_POOL_SIZE."
    )
    # Read by libs/web, which every service's app factory wires.
    max_content_length: int = Field(
        MIB, ge=1, description="Largest request body in bytes; larger ones get 413."
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Comma-separated origins (scheme://host[:port]) CORS allows; none if unset.",
    )
    build_version: str = Field(
        "dev", description="Version reported by the <service>_build_info metric."
    )
    build_commit: str = Field(
        "unknown", description="Commit reported by the <service>_build_info metric."
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value

    @field_validator("cors_origins")
    @classmethod
    def _exact_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        # An allow-list of exact origins: no wildcard, no path, nothing a regex would widen.
        for origin in origins:
            if not _ORIGIN.match(origin):
                raise ValueError("each origin must look like https://app.example.com[:port]")
        return origins

    @property
    def resolved_database_url(self) -> str | None:
        """DATABASE_URL, else a PostgreSQL URL built from the DB_* parts, else None."""
        if self.database_url or not self.db_host:
            return self.database_url
        password = self.db_password.get_secret_value() if self.db_password else ""
        user = quote(self.db_user, safe="") + (":" + quote(password, safe="") if password else "")
        database = quote(self.db_name, safe="")
        host = f"{self.db_host}:{self.db_port}"
        return f"postgresql://{user}@{host}/{database}?sslmode={self.db_sslmode}"

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, or the embedded SQLite file when none is set."""
        # Absolute, because Flask-SQLAlchemy reads relative SQLite paths from the instance folder.
        return self.resolved_database_url or f"sqlite:///{Path(self.sqlite_path).resolve()}"

    @property
    def uses_embedded_database(self) -> bool:
        """True when the service runs on its local SQLite file."""
        return self.resolved_database_url is None

    @property
    def is_production(self) -> bool:
        """Whether the strict production rules apply."""
        return self.app_env is Environment.PRODUCTION

    @model_validator(mode="after")
    def _threads_fit_the_pool(self) -> ServiceSettings:
        # The pool has no overflow, so a thread beyond DB_POOL_SIZE would wait for a connection.
        if self.worker_class == "gthread" and self.worker_threads > self.db_pool_size:
            raise ValueError("WORKER_THREADS must not exceed DB_POOL_SIZE")
        return self

    @model_validator(mode="after")
    def _iam_needs_region_and_tls(self) -> ServiceSettings:
        if self.db_auth != "iam":
            return self
        if not self.aws_region:
            raise ValueError("AWS_REGION is required when DB_AUTH=iam (ECS sets it in tasks)")
        url = self.resolved_database_url
        if not url or not url.startswith("postgresql"):
            raise ValueError("DB_AUTH=iam needs a PostgreSQL server (DB_HOST or DATABASE_URL)")
        # RDS accepts IAM tokens over TLS only.
        if not self.database_url and self.db_sslmode not in _TLS_SSLMODES:
            raise ValueError("DB_AUTH=iam needs DB_SSLMODE require, verify-ca or verify-full")
        return self

    @model_validator(mode="after")
    def _production_rules(self) -> ServiceSettings:
        if not self.is_production:
            return self
        if self.debug:
            raise ValueError("DEBUG must be false when APP_ENV=production")
        if not self.auth_public_keys and self.auth_signing_key is None:
            raise ValueError(
                "AUTH_PUBLIC_KEYS (or, for the issuing service, AUTH_SIGNING_KEY) is required "
                "when APP_ENV=production"
            )
        url = self.resolved_database_url
        if not url or url.startswith("sqlite"):
            raise ValueError("DATABASE_URL must name a PostgreSQL server when APP_ENV=production")
        # A password beside IAM tokens would be a long-lived secret nobody rotates or needs.
        if self.db_auth == "iam" and self.db_password is not None:
            raise ValueError("DB_PASSWORD must be unset when DB_AUTH=iam and APP_ENV=production")
        return self


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def load_settings(settings_class: type[SettingsT], **overrides: object) -> SettingsT:
    """Build settings from the environment, turning validation errors into one clear message."""
    try:
        return settings_class(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigError(describe_errors(error)) from None


def describe_errors(error: ValidationError) -> str:
    """Name each offending environment variable; never echo its value, which may be secret."""
    lines = ["invalid settings:"]
    for issue in error.errors(include_input=False, include_url=False):
        variable = "_".join(str(part) for part in issue["loc"]).upper()
        message = issue["msg"].removeprefix("Value error, ")
        lines.append(f"  {variable}: {message}" if variable else f"  {message}")
    return "\n".join(lines)
