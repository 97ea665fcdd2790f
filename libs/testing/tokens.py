"""Access tokens for tests of a service that verifies them: a key made for the test run."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cached_property

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.auth.keys import jwks, load_signing_key, signing_key_pem
from libs.auth.tokens import TokenIssuer

ISSUER = AUDIENCE = "items-api"
TTL = timedelta(minutes=15)


class TestTokens:
    """Signs tokens as the API would; the service under test trusts `public_keys`."""

    __test__ = False  # not a pytest test class

    @cached_property
    def issuer(self) -> TokenIssuer:
        """An issuer with a fresh key."""
        key = load_signing_key(signing_key_pem(Ed25519PrivateKey.generate()))
        return TokenIssuer(key, ISSUER, AUDIENCE, TTL)

    @property
    def public_keys(self) -> str:
        """The JWKS document to give the service as AUTH_PUBLIC_KEYS."""
        key = self.issuer.key
        return json.dumps(jwks({key.kid: key.public_key}))

    def bearer(self, user_id: int) -> dict[str, str]:
        """Authorization headers naming `user_id`."""
        token, _ = self.issuer.issue(user_id)
        return {"Authorization": f"Bearer {token}"}
