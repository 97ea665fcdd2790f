"""What the suites send to and expect from the API: users, tokens and problem documents."""

from __future__ import annotations

import uuid
from typing import Any

import requests

PASSWORD = "correct horse battery staple"
PROBLEM_TYPE = "application/problem+json"
PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance", "request_id"}
TIMEOUT_SECONDS = 30


def unique_email(prefix: str = "user") -> str:
    """An e-mail address no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def register(base: str, email: str, password: str = PASSWORD) -> requests.Response:
    """POST /api/v1/users."""
    body = {"email": email, "password": password}
    return requests.post(f"{base}/api/v1/users", json=body, timeout=TIMEOUT_SECONDS)


def request_token(base: str, email: str, password: str = PASSWORD) -> requests.Response:
    """POST /api/v1/auth/token."""
    body = {"email": email, "password": password}
    return requests.post(f"{base}/api/v1/auth/token", json=body, timeout=TIMEOUT_SECONDS)


def new_user(base: str, prefix: str = "user") -> tuple[int, dict[str, str]]:
    """Register a user; return its id and the Authorization header of a fresh token."""
    email = unique_email(prefix)
    registered = register(base, email)
    assert registered.status_code == 201, registered.text
    token = request_token(base, email)
    assert token.status_code == 200, token.text
    return registered.json()["id"], {"Authorization": f"Bearer {token.json()['access_token']}"}


def assert_problem(response: requests.Response, status: int) -> dict[str, Any]:
    """Assert `response` is an RFC 9457 problem with `status`; return its body."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers.get("Content-Type", "").startswith(PROBLEM_TYPE), response.headers
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_FIELDS, body
    assert body["status"] == status
    return body
