"""The run's Ed25519 key, made and used with OpenSSL (as the API's docs make one): the PEM
the API signs with, the JWKS every server checks with, and tokens with the API's claims."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# The API's token claims (services/api/auth/tokens.py).
ISSUER = AUDIENCE = "items-api"
MINTED_TTL_S = 900
# An Ed25519 public key in DER (SubjectPublicKeyInfo) ends with its 32 raw bytes.
_RAW_PUBLIC_KEY_BYTES = 32
_TIMEOUT_S = 30


class KeyToolError(RuntimeError):
    """openssl is missing or refused to make or use the key."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _openssl(*arguments: str, stdin: bytes | None = None) -> bytes:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise KeyToolError("openssl (OpenSSL 3) is needed to make the run's Ed25519 key")
    completed = subprocess.run(
        [openssl, *arguments], input=stdin, capture_output=True, check=False, timeout=_TIMEOUT_S
    )
    if completed.returncode != 0:
        raise KeyToolError(f"openssl {arguments[0]} failed: {completed.stderr.decode()[:300]}")
    return completed.stdout


@dataclass(frozen=True)
class RunKey:
    """The run's Ed25519 key: the PEM the API signs with, and the JWKS everyone checks with."""

    private_pem: str = field(repr=False)
    jwks: str
    kid: str

    @classmethod
    def generate(cls) -> RunKey:
        """A new key for this run only."""
        return cls.from_pem(_openssl("genpkey", "-algorithm", "ed25519").decode("ascii"))

    @classmethod
    def from_pem(cls, pem: str) -> RunKey:
        """The key of a PKCS#8 PEM (what AUTH_SIGNING_KEY holds), with its JWKS and kid."""
        der = _openssl("pkey", "-pubout", "-outform", "DER", stdin=pem.encode())
        x = _b64url(der[-_RAW_PUBLIC_KEY_BYTES:])
        # RFC 7638: the SHA-256 of the required members, sorted, without whitespace.
        members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
        kid = _b64url(hashlib.sha256(members.encode()).digest())
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}
        return cls(private_pem=pem, jwks=json.dumps({"keys": [jwk]}), kid=kid)

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of `message` (the key is written, for openssl, only to a
        private temporary directory that is removed at once)."""
        with tempfile.TemporaryDirectory(prefix="bench-key-") as directory:
            key_file, message_file = Path(directory) / "key.pem", Path(directory) / "message"
            key_file.touch(mode=0o600)
            key_file.write_text(self.private_pem)
            # Ed25519 signs the whole message at once, which openssl reads from a file only.
            message_file.write_bytes(message)
            return _openssl(
                "pkeyutl", "-sign", "-rawin", "-inkey", str(key_file), "-in", str(message_file)
            )

    def mint(self, user_id: int, ttl_s: int = MINTED_TTL_S) -> str:
        """An access token for `user_id` with the API's claims, signed with this key."""
        now = int(time.time())
        header = {"alg": "EdDSA", "typ": "JWT", "kid": self.kid}
        claims = {
            "sub": str(user_id),
            "iat": now,
            "exp": now + ttl_s,
            "iss": ISSUER,
            "aud": AUDIENCE,
        }
        signing_input = ".".join(
            _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        return f"{signing_input}.{_b64url(self.sign(signing_input.encode('ascii')))}"
