"""Every error the API returns, as one RFC 9457 problem document."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from services.api.extensions import db
from services.api.request_context import current_request_id
from services.api.spec import PROBLEM_CONTENT_TYPE

logger = logging.getLogger("api.errors")

UNIQUE_VIOLATION = "23505"
# The server or the pool could not give us a working connection in time.
DATABASE_UNAVAILABLE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)
# Headers describing the error page werkzeug would have rendered, not the problem we render.
_BODY_HEADERS = {"content-type", "content-length"}


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


def handle_http_exception(error: HTTPException) -> Response:
    """werkzeug and flask-smorest `abort` errors, keeping their headers (Allow, Retry-After...)."""
    status = error.code or 500
    data: Mapping[str, Any] = getattr(error, "data", None) or {}
    headers = [
        (name, value) for name, value in error.get_headers() if name.lower() not in _BODY_HEADERS
    ]
    if error.response is not None:
        headers.extend(
            (name, value)
            for name, value in error.response.headers.items()
            if name.lower() not in _BODY_HEADERS
        )
    headers.extend(dict(data.get("headers") or {}).items())
    if status < 400:  # flask-smorest's 304 Not Modified is an exception too, but no error
        response = current_app.response_class(status=status)
        response.headers.extend(headers)
        return response
    errors = data.get("errors") or data.get("messages")
    return problem(status, _detail(status, data, error), errors, headers)


def _detail(status: int, data: Mapping[str, Any], error: HTTPException) -> str:
    if "message" in data:
        return str(data["message"])
    if status == HTTPStatus.UNPROCESSABLE_ENTITY:
        return "The request has invalid fields; see errors."
    if status == HTTPStatus.BAD_REQUEST and "messages" in data:
        return "The request body is not valid JSON."
    return error.description or HTTPStatus(status).description


def handle_integrity_error(error: sa_exc.IntegrityError) -> Response:
    """A constraint refused the write: 409, without naming the constraint or the SQL."""
    _rollback()
    if getattr(error.orig, "pgcode", None) == UNIQUE_VIOLATION:
        detail = "A resource with the same unique value already exists."
    else:
        detail = "The request conflicts with the current state of the resource."
    return problem(HTTPStatus.CONFLICT, detail)


def handle_database_unavailable(error: Exception) -> Response:
    """No database connection in time: 503, so clients and load balancers retry."""
    logger.warning("database unavailable: %s", type(error).__name__, exc_info=error)
    _rollback()
    return problem(
        HTTPStatus.SERVICE_UNAVAILABLE, "The database is unavailable; try again shortly."
    )


def handle_unexpected(error: Exception) -> Response:
    """Anything else is a bug: log its traceback, tell the client nothing internal."""
    logger.error("unhandled %s", type(error).__name__, exc_info=error)
    _rollback()
    return problem(HTTPStatus.INTERNAL_SERVER_ERROR, "The server could not complete the request.")


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the answer must still go out
        logger.warning("rollback failed", exc_info=True)


def register_errorhandlers(app: Flask) -> None:
    """Render every error of `app` as a problem document."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(sa_exc.IntegrityError, handle_integrity_error)
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
