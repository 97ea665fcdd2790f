"""Settings of the items API, on top of the shared service settings."""

from __future__ import annotations

from pydantic import Field

from libs.config import ServiceSettings

# "10/minute", "5 per second", "100/hour;1000/day": the rate limit notation of Flask-Limiter.
RATE_LIMIT_PATTERN = (
    r"^\s*\d+\s*(/|per)\s*(\d+\s*)?(second|minute|hour|day|month|year)s?\s*"
    r"([;,]\s*\d+\s*(/|per)\s*(\d+\s*)?(second|minute|hour|day|month|year)s?\s*)*$"
)


class ApiSettings(ServiceSettings):
    """Every environment variable the API reads beyond the shared ones; the docs list them all."""

    sqlite_path: str = Field(
        "instance/api.sqlite3",
        description="SQLite file used when DATABASE_URL is unset (relative to the working dir).",
    )
    access_token_ttl: int = Field(
        900, ge=60, le=86400, description="Seconds an access token stays valid."
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
