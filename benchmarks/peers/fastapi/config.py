"""The peer's settings, read from the environment as the template's core/config.py does."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """DATABASE_URL and AUTH_PUBLIC_KEYS; both are required, so a missing one stops start-up."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    database_url: str = Field(description="PostgreSQL URL of the API's database.")
    auth_public_keys: str = Field(description="JWKS of the keys that sign access tokens.")

    @property
    def sqlalchemy_url(self) -> str:
        """DATABASE_URL with psycopg 3 as the driver, whichever driver the URL names."""
        scheme, _, rest = self.database_url.partition("://")
        if not rest or scheme.split("+")[0] not in ("postgres", "postgresql"):
            raise ValueError("DATABASE_URL must be a postgresql:// URL")
        return f"postgresql+psycopg://{rest}"


settings = Settings()  # type: ignore[call-arg]  # the fields come from the environment
