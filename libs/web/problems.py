"""RFC 9457 problem documents: the one shape of every error response."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Response, current_app, request

from libs.web.request_context import current_request_id

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(
    status: int,
    detail: str,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | list[tuple[str, str]] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response:
    """An application/problem+json response for the current request."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": current_request_id(),
    }
    if errors:
        body["errors"] = errors
    body.update(extensions or {})
    response = current_app.response_class(
        current_app.json.dumps(body), status=status, mimetype=PROBLEM_CONTENT_TYPE
    )
    response.headers.extend(headers or {})
    return response
