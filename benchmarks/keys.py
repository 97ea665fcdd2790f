"""The run's Ed25519 key (libs.auth): what the API signs with, the JWKS every server checks
with, and tokens with the API's claims for the tests that need a user the API never saw."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.auth.keys import SigningKey, jwks, load_signing_key, signing_key_pem
from libs.auth.tokens import TokenIssuer

# The API's token claims (services/api/settings.py names the service in both).
ISSUER = AUDIENCE = "items-api"
MINTED_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class RunKey:
    """A signing key made for one run, never written to disk."""

    signing: SigningKey = field(repr=False)

    @classmethod
    def generate(cls) -> RunKey:
        """A new key."""
        return cls.from_pem(signing_key_pem(Ed25519PrivateKey.generate()))

    @classmethod
    def from_pem(cls, pem: str) -> RunKey:
        """The key of a PKCS#8 PEM, as AUTH_SIGNING_KEY holds it."""
        return cls(load_signing_key(pem))

    @property
    def kid(self) -> str:
        """The key's id: its RFC 7638 thumbprint."""
        return self.signing.kid

    @property
    def jwks(self) -> str:
        """AUTH_PUBLIC_KEYS: the public half as a JWKS document."""
        return json.dumps(jwks({self.kid: self.signing.public_key}))

    def api_environment(self) -> dict[str, str]:
        """The API's key settings: it signs with the key and checks with its public half."""
        return {
            "AUTH_SIGNING_KEY": signing_key_pem(self.signing.private_key),
            "AUTH_PUBLIC_KEYS": self.jwks,
        }

    def mint(self, user_id: int, ttl: timedelta = MINTED_TTL) -> str:
        """A token for `user_id` as the API would issue it with this key."""
        token, _ = TokenIssuer(self.signing, ISSUER, AUDIENCE, ttl).issue(user_id)
        return token
