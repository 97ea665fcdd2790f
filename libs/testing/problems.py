"""The check that a test-client response is a problem document in the shape docs/api.md gives."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from werkzeug.test import TestResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_MEMBERS = frozenset({"type", "title", "status", "detail", "instance", "request_id"})


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """Fail unless `response` is an RFC 9457 problem for `status`; return its body."""
    if response.status_code != status or response.mimetype != PROBLEM_CONTENT_TYPE:
        raise AssertionError(
            f"expected a {status} {PROBLEM_CONTENT_TYPE} response, got {response.status_code} "
            f"{response.mimetype}: {response.get_data(as_text=True)[:2000]}"
        )
    body: dict[str, Any] = response.get_json()
    expected = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "request_id": response.headers.get("X-Request-ID"),
    }
    missing = PROBLEM_MEMBERS - set(body)
    found = {name: body.get(name) for name in expected}
    if missing or found != expected:
        raise AssertionError(
            f"not the problem shape: missing {sorted(missing)}; {found} != {expected}"
        )
    return body
