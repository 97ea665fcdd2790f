"""Short-lived JWT access tokens (HS256) signed with the service's secret key."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from flask import Flask, current_app

from services.api.columns import utcnow
from services.api.settings import ApiSettings

ALGORITHM = "HS256"
# Both name this service, so a token minted with the same key for another purpose is refused.
ISSUER = "items-api"
AUDIENCE = "items-api"
EXTENSION_KEY = "access_tokens"

log = logging.getLogger(__name__)


class InvalidToken(Exception):
    """The token is malformed, wrongly signed, expired or lacks a claim."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class TokenConfig:
    """How this app signs and checks access tokens."""

    key: str
    ttl: timedelta

    def __repr__(self) -> str:
        return f"TokenConfig(ttl={self.ttl})"


def init_tokens(app: Flask, settings: ApiSettings) -> None:
    """Choose the signing key: SECRET_KEY, or outside production a random one per process."""
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
    else:
        # Production refuses to start without SECRET_KEY (libs/config). Elsewhere a random key
        # is safe, as nobody can guess it; tokens just stop working when the process restarts.
        key = secrets.token_urlsafe(48)
        log.warning("SECRET_KEY is unset: access tokens are signed with a per-process key")
    app.extensions[EXTENSION_KEY] = TokenConfig(key, timedelta(seconds=settings.access_token_ttl))


def _config() -> TokenConfig:
    config: TokenConfig = current_app.extensions[EXTENSION_KEY]
    return config


def issue_access_token(user_id: int, now: datetime | None = None) -> tuple[str, int]:
    """A signed token naming `user_id`, and the seconds until it expires."""
    config = _config()
    issued_at = now or utcnow()
    claims = {
        "sub": str(user_id),
        "iat": issued_at,
        "exp": issued_at + config.ttl,
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    return jwt.encode(claims, config.key, algorithm=ALGORITHM), int(config.ttl.total_seconds())


def user_id_from_token(token: str) -> int:
    """The user id a valid token names; raises InvalidToken otherwise."""
    try:
        claims = jwt.decode(
            token,
            _config().key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
        return int(claims["sub"])
    except jwt.ExpiredSignatureError:
        raise InvalidToken("The access token expired.") from None
    except (jwt.InvalidTokenError, ValueError):
        raise InvalidToken("The access token is invalid.") from None
