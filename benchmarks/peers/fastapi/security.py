"""Access tokens: EdDSA JWTs checked against the public keys of AUTH_PUBLIC_KEYS (a JWKS).

The API's claims: iss and aud "items-api", sub the user id, exp and iat; the header's kid
names the key. Only public keys are here: the peer can check tokens, never issue them.
"""

from __future__ import annotations

import jwt

from benchmarks.peers.fastapi.config import settings

ALGORITHM = "EdDSA"
ISSUER = "items-api"
AUDIENCE = "items-api"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"]


class InvalidToken(Exception):
    """A token that is malformed, expired, wrongly signed or signed by an unknown key."""


def load_keys(jwks: str) -> dict[str, jwt.PyJWK]:
    """The Ed25519 keys of a JWKS document, by kid; at least one, or ValueError."""
    try:
        keys = {key.key_id: key for key in jwt.PyJWKSet.from_json(jwks).keys if key.key_id}
    except (jwt.PyJWTError, ValueError, KeyError) as error:
        raise ValueError(f"AUTH_PUBLIC_KEYS is not a usable JWKS: {error}") from None
    if not keys:
        raise ValueError("AUTH_PUBLIC_KEYS holds no key with a kid")
    return keys


PUBLIC_KEYS = load_keys(settings.auth_public_keys)


def decode_access_token(token: str) -> int:
    """The user id a valid token names."""
    try:
        key = PUBLIC_KEYS.get(jwt.get_unverified_header(token).get("kid", ""))
        if key is None:
            raise InvalidToken("The access token is invalid.")
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": REQUIRED_CLAIMS},
        )
        return int(claims["sub"])
    except jwt.ExpiredSignatureError:
        raise InvalidToken("The access token expired.") from None
    except (jwt.InvalidTokenError, ValueError):
        raise InvalidToken("The access token is invalid.") from None
