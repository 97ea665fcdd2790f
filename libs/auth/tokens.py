"""Access tokens: issued by the service holding the signing key, verified by every service."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from libs.auth.keys import ALGORITHM, SigningKey
from libs.db.columns import utcnow

# Tokens whose verification each process remembers: about 300 bytes each.
VERIFIED_TOKENS_KEPT = 4096
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"]


class InvalidToken(Exception):
    """The token is malformed, wrongly signed, expired or lacks a claim."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class TokenIssuer:
    """Signs access tokens naming a user, for `ttl`."""

    key: SigningKey
    issuer: str
    audience: str
    ttl: timedelta

    def issue(self, user_id: int, now: datetime | None = None) -> tuple[str, int]:
        """A signed token naming `user_id`, and the seconds until it expires."""
        issued_at = now or utcnow()
        claims = {
            "sub": str(user_id),
            "iat": issued_at,
            "exp": issued_at + self.ttl,
            "iss": self.issuer,
            "aud": self.audience,
        }
        token = jwt.encode(
            claims, self.key.private_key, algorithm=ALGORITHM, headers={"kid": self.key.kid}
        )
        return token, int(self.ttl.total_seconds())


class TokenVerifier:
    """Checks tokens against public keys by kid; remembers the tokens it has verified."""

    def __init__(self, keys: dict[str, Ed25519PublicKey], issuer: str, audience: str) -> None:
        self.keys = dict(keys)
        self.issuer = issuer
        self.audience = audience
        # A client sends the same token until it expires, so each process verifies it once
        # (signature, issuer, audience, claims) and then only checks the expiry. Failures are
        # not remembered (lru_cache keeps no exceptions).
        self._verified = lru_cache(maxsize=VERIFIED_TOKENS_KEPT)(self._verify)

    def user_id(self, token: str) -> int:
        """The user id a valid token names; raises InvalidToken otherwise."""
        user_id, expires_at = self._verified(token)
        if expires_at <= time.time():
            raise InvalidToken("The access token expired.")
        return user_id

    def _verify(self, token: str) -> tuple[int, float]:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self.keys.get(kid) if isinstance(kid, str) else None
            if key is None:
                raise InvalidToken("The access token is invalid.")
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": REQUIRED_CLAIMS},
            )
            return int(claims["sub"]), float(claims["exp"])
        except jwt.ExpiredSignatureError:
            raise InvalidToken("The access token expired.") from None
        except (jwt.InvalidTokenError, ValueError, TypeError):
            raise InvalidToken("The access token is invalid.") from None
