"""Owners and bearer tokens: the API's, made through its own API, and the peer's.

The API contract (issue 3) registers users with `POST /api/v1/users` (email, password) and
issues JWTs from `POST /api/v1/auth/token`. Before those endpoints exist, the benchmark runs
with no owners and no token. If the contract lands with other names or fields, this module is
the one to change.

Each run makes one Ed25519 key (`RunKey`, with OpenSSL, as the API's docs make one). The API
gets it as AUTH_SIGNING_KEY, and every server its public half as AUTH_PUBLIC_KEYS. While the
API still signs HS256 tokens with SECRET_KEY (until issue 14 lands), the peer's tokens are
minted here with the run's key and the API's claims (`MintedTokens`); once the API signs with
AUTH_SIGNING_KEY, its own tokens serve the peer as well and `MintedTokens` can go.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import requests

REGISTER_PATH = "/api/v1/users"
TOKEN_PATH = "/api/v1/auth/token"  # noqa: S105  # a URL path, not a password
SPEC_PATH = "/api/v1/openapi.json"
_TIMEOUT_S = 30
_RATE_LIMIT_WAIT_S = 180
# The API's token claims (services/api/auth/tokens.py).
ISSUER = AUDIENCE = "items-api"
MINTED_TTL_S = 900
# An Ed25519 public key in DER (SubjectPublicKeyInfo) ends with its 32 raw bytes.
_RAW_PUBLIC_KEY_BYTES = 32


class AuthError(RuntimeError):
    """The service refused to register an owner or to issue a token."""


@dataclass(frozen=True)
class Owner:
    """A user registered for the benchmark, with the password only the benchmark knows."""

    id: int
    email: str
    password: str = field(repr=False)


def api_paths(base_url: str) -> set[str]:
    """The paths the service's OpenAPI spec documents."""
    response = requests.get(base_url + SPEC_PATH, timeout=_TIMEOUT_S)
    response.raise_for_status()
    return set(response.json().get("paths", {}))


def supports_owners(paths: set[str]) -> bool:
    """Whether the service registers users and issues tokens."""
    return REGISTER_PATH in paths and TOKEN_PATH in paths


def register_owners(base_url: str, count: int) -> list[Owner]:
    """Register `count` users through the API and return them with their passwords."""
    run = secrets.token_hex(4)
    owners = []
    for n in range(count):
        email, password = f"bench-{run}-{n}@example.com", secrets.token_urlsafe(18)
        body = _post(base_url + REGISTER_PATH, {"email": email, "password": password})
        owners.append(Owner(id=int(body["id"]), email=email, password=password))
    return owners


class TokenSource:
    """A bearer token for one owner, fetched again when it is about to expire."""

    def __init__(self, base_url: str, owner: Owner, margin_s: float) -> None:
        self.base_url, self.owner, self.margin_s = base_url, owner, margin_s
        self._token: str | None = None
        self._expires_at = 0.0

    def current(self) -> str:
        """A token valid for at least `margin_s` more seconds."""
        if self._token is None or self._expires_at - time.time() < self.margin_s:
            body = _post(
                self.base_url + TOKEN_PATH,
                {"email": self.owner.email, "password": self.owner.password},
            )
            self._token = str(body["access_token"])
            claims = jwt.decode(self._token, options={"verify_signature": False})
            self._expires_at = float(claims.get("exp", time.time() + 3600))
        return self._token


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _openssl(*arguments: str, stdin: bytes | None = None) -> bytes:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise AuthError("openssl (OpenSSL 3) is needed to make the run's Ed25519 key")
    completed = subprocess.run(
        [openssl, *arguments], input=stdin, capture_output=True, check=False, timeout=_TIMEOUT_S
    )
    if completed.returncode != 0:
        raise AuthError(f"openssl {arguments[0]} failed: {completed.stderr.decode()[:300]}")
    return completed.stdout


@dataclass(frozen=True)
class RunKey:
    """The run's Ed25519 key: the PEM the API signs with, and the JWKS everyone checks with."""

    private_pem: str = field(repr=False)
    jwks: str
    kid: str

    @classmethod
    def generate(cls) -> RunKey:
        """A new key, never written anywhere but this process's memory."""
        pem = _openssl("genpkey", "-algorithm", "ed25519").decode("ascii")
        der = _openssl("pkey", "-pubout", "-outform", "DER", stdin=pem.encode())
        x = _b64url(der[-_RAW_PUBLIC_KEY_BYTES:])
        # RFC 7638: the SHA-256 of the required members, sorted, without whitespace.
        members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
        kid = _b64url(hashlib.sha256(members.encode()).digest())
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}
        return cls(private_pem=pem, jwks=json.dumps({"keys": [jwk]}), kid=kid)

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of `message`."""
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


def api_key_environment(key: RunKey) -> dict[str, str]:
    """The API's signing settings for this run."""
    return {
        # What the API signs with until issue 14 lands; then this line goes.
        "SECRET_KEY": secrets.token_urlsafe(48),
        "AUTH_SIGNING_KEY": key.private_pem,
        "AUTH_PUBLIC_KEYS": key.jwks,
    }


class MintedTokens:
    """The peer's bearer token for one owner, minted again when it is about to expire."""

    def __init__(self, key: RunKey, owner: Owner, margin_s: float) -> None:
        self.key, self.owner, self.margin_s = key, owner, margin_s
        self._token: str | None = None
        self._expires_at = 0.0

    def current(self) -> str:
        """A token valid for at least `margin_s` more seconds."""
        if self._token is None or self._expires_at - time.time() < self.margin_s:
            ttl = max(MINTED_TTL_S, int(self.margin_s) * 2)
            self._token, self._expires_at = self.key.mint(self.owner.id, ttl), time.time() + ttl
        return self._token


def _post(url: str, payload: dict[str, str]) -> Any:
    """POST JSON, waiting out 429s (rate limits) for a bounded time."""
    deadline = time.monotonic() + _RATE_LIMIT_WAIT_S
    while True:
        response = requests.post(url, json=payload, timeout=_TIMEOUT_S)
        if response.status_code != 429:
            break
        retry_after = response.headers.get("Retry-After", "")
        wait = float(retry_after) if retry_after.isdigit() else 5.0
        if time.monotonic() + wait > deadline:
            raise AuthError(
                f"{url} keeps answering 429; raise the service's rate limit for the benchmark "
                "with --service-env"
            )
        time.sleep(wait)
    if not response.ok:
        # The body is the service's problem description; it never holds the password.
        raise AuthError(f"{url} answered {response.status_code}: {response.text[:500]}")
    return response.json()
