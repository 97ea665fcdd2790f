"""Short-lived JWT access tokens (HS256) signed with the service's secret key."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import jwt
from flask import Flask, current_app

from services.api.columns import utcnow
from services.api.settings import ApiSettings

ALGORITHM = "HS256"
# Both name this service, so a token minted with the same key for another purpose is refused.
ISSUER = "items-api"
AUDIENCE = "items-api"
EXTENSION_KEY = "access_tokens"
# Tokens whose verification each process remembers: about 300 bytes each.
VERIFIED_TOKENS_KEPT = 4096

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
    user_id, expires_at = _verified_claims(_config().key, token)
    # Checked on every use, since the signature check is not: a cached token still expires.
    if expires_at <= time.time():
        raise InvalidToken("The access token expired.")
    return user_id


# A client sends the same token with each request until it expires, so each process verifies
# it once (signature, issuer, audience, required claims) and remembers its user and expiry.
# The key is part of the cache key: a token only counts as verified under the key that did it.
# Failures are not remembered (lru_cache keeps no exceptions), so nothing is skipped for them.
@lru_cache(maxsize=VERIFIED_TOKENS_KEPT)
def _verified_claims(key: str, token: str) -> tuple[int, float]:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
        return int(claims["sub"]), float(claims["exp"])
    except jwt.ExpiredSignatureError:
        raise InvalidToken("The access token expired.") from None
    except (jwt.InvalidTokenError, ValueError):
        raise InvalidToken("The access token is invalid.") from None
