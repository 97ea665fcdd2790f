"""Ed25519 keys: the signing key from PEM, public keys as a JWKS, kids as RFC 7638 thumbprints."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"


class InvalidKey(ValueError):
    """A key or key set that cannot be used; the message says why, never the key."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def raw_public_bytes(key: Ed25519PublicKey) -> bytes:
    """The 32 bytes of an Ed25519 public key."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def thumbprint(key: Ed25519PublicKey) -> str:
    """The key's RFC 7638 JWK thumbprint (SHA-256), its `kid`."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": _b64url(raw_public_bytes(key))}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("ascii")
    return _b64url(hashlib.sha256(canonical).digest())


def public_jwk(key: Ed25519PublicKey) -> dict[str, str]:
    """`key` as a JWK, named by its thumbprint."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(raw_public_bytes(key)),
        "kid": thumbprint(key),
        "alg": ALGORITHM,
        "use": "sig",
    }


@dataclass(frozen=True)
class SigningKey:
    """A private key and the id tokens signed with it carry."""

    private_key: Ed25519PrivateKey
    kid: str

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The public half, which verifiers need."""
        return self.private_key.public_key()


def load_signing_key(pem: str) -> SigningKey:
    """An Ed25519 private key from PKCS#8 PEM (`openssl genpkey -algorithm ed25519`)."""
    try:
        key = serialization.load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError):
        raise InvalidKey("AUTH_SIGNING_KEY is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidKey("AUTH_SIGNING_KEY must be an Ed25519 key")
    return SigningKey(key, thumbprint(key.public_key()))


def signing_key_pem(key: Ed25519PrivateKey) -> str:
    """`key` as PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def parse_public_keys(document: str) -> dict[str, Ed25519PublicKey]:
    """The Ed25519 keys of a JWKS document by kid; each kid must be its key's thumbprint."""
    try:
        keys = json.loads(document)["keys"]
        if not isinstance(keys, list):
            raise TypeError
    except (ValueError, TypeError, KeyError):
        raise InvalidKey('AUTH_PUBLIC_KEYS must be a JWKS document: {"keys": [...]}') from None
    parsed: dict[str, Ed25519PublicKey] = {}
    for position, jwk in enumerate(keys):
        key = _public_key(jwk, position)
        kid = thumbprint(key)
        if jwk.get("kid", kid) != kid:
            raise InvalidKey(f"AUTH_PUBLIC_KEYS key {position}: kid is not the key's thumbprint")
        parsed[kid] = key
    return parsed


def _public_key(jwk: Any, position: int) -> Ed25519PublicKey:
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise InvalidKey(f"AUTH_PUBLIC_KEYS key {position}: only OKP Ed25519 keys are accepted")
    try:
        return Ed25519PublicKey.from_public_bytes(_b64url_decode(str(jwk["x"])))
    except (KeyError, ValueError):
        raise InvalidKey(
            f"AUTH_PUBLIC_KEYS key {position}: x is not a 32-byte public key"
        ) from None


def jwks(keys: dict[str, Ed25519PublicKey]) -> dict[str, list[dict[str, str]]]:
    """A JWKS document of `keys`."""
    return {"keys": [public_jwk(key) for key in keys.values()]}


def local_signing_key(path: Path) -> SigningKey:
    """A key kept in `path`, made on first use: every worker of one machine then signs alike.

    For development only; the file is created atomically, readable by its owner alone.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
        try:
            with os.fdopen(fd, "w") as stream:
                stream.write(signing_key_pem(Ed25519PrivateKey.generate()))
            # Fails if another worker made it first: then theirs is used.
            with contextlib.suppress(FileExistsError):
                os.link(scratch, path)
        finally:
            os.unlink(scratch)
    return load_signing_key(path.read_text(encoding="ascii"))
