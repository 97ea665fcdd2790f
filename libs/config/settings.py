"""Typed service settings read from the environment and an optional `.env` file."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar
from urllib.parse import quote

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_LENGTH = 32


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
    db_sslmode: str = Field(
        "require",
        pattern=r"^(disable|allow|prefer|require|verify-ca|verify-full)$",
        description="libpq sslmode for a URL built from the DB_* parts.",
    )
    secret_key: SecretStr | None = Field(
        None,
        description=f"Signing key of at least {MIN_SECRET_LENGTH} characters; production needs it.",
    )

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
    def is_production(self) -> bool:
        """Whether the strict production rules apply."""
        return self.app_env is Environment.PRODUCTION

    @model_validator(mode="after")
    def _production_rules(self) -> ServiceSettings:
        if not self.is_production:
            return self
        if self.debug:
            raise ValueError("DEBUG must be false when APP_ENV=production")
        if self.secret_key is None:
            raise ValueError("SECRET_KEY is required when APP_ENV=production")
        if len(self.secret_key.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters")
        url = self.resolved_database_url
        if not url or url.startswith("sqlite"):
            raise ValueError("DATABASE_URL must name a PostgreSQL server when APP_ENV=production")
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
