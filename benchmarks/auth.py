"""Owners and bearer tokens, made by the service itself through its own API.

The API contract (issue 3) registers users with `POST /api/v1/users` (email, password) and
issues JWTs from `POST /api/v1/auth/token`. Before those endpoints exist, the benchmark runs
with no owners and no token. If the contract lands with other names or fields, this module is
the one to change.

The API signs its tokens with the run's key (benchmarks.keys); every server checks them with
its public half, so the API's tokens serve the peer as well.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests

REGISTER_PATH = "/api/v1/users"
TOKEN_PATH = "/api/v1/auth/token"  # noqa: S105  # a URL path, not a password
SPEC_PATH = "/api/v1/openapi.json"
_TIMEOUT_S = 30
_RATE_LIMIT_WAIT_S = 180


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
