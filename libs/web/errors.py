"""Every error a service returns, rendered as one RFC 9457 problem document."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from libs.web.problems import problem

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


@dataclass(frozen=True)
class ServerErrorHandlers:
    """Handlers of database errors and bugs: they log on `logger` and roll the session back."""

    logger: logging.Logger
    rollback: Callable[[], None]

    def integrity_error(self, error: sa_exc.IntegrityError) -> Response:
        """A constraint refused the write: 409, without naming the constraint or the SQL."""
        self._rollback()
        if getattr(error.orig, "pgcode", None) == UNIQUE_VIOLATION:
            detail = "A resource with the same unique value already exists."
        else:
            detail = "The request conflicts with the current state of the resource."
        return problem(HTTPStatus.CONFLICT, detail)

    def database_unavailable(self, error: Exception) -> Response:
        """No database connection in time: 503, so clients and load balancers retry."""
        self.logger.warning("database unavailable: %s", type(error).__name__, exc_info=error)
        self._rollback()
        return problem(
            HTTPStatus.SERVICE_UNAVAILABLE, "The database is unavailable; try again shortly."
        )

    def unexpected(self, error: Exception) -> Response:
        """Anything else is a bug: log its traceback, tell the client nothing internal."""
        self.logger.error("unhandled %s", type(error).__name__, exc_info=error)
        self._rollback()
        return problem(
            HTTPStatus.INTERNAL_SERVER_ERROR, "The server could not complete the request."
        )

    def _rollback(self) -> None:
        try:
            self.rollback()
        except Exception:  # noqa: BLE001 - the connection may be gone; the answer must still go out
            self.logger.warning("rollback failed", exc_info=True)


def register_errorhandlers(app: Flask, *, logger_name: str, rollback: Callable[[], None]) -> None:
    """Render every error of `app` as a problem document.

    `rollback` ends the request's database transaction after a failure (for Flask-SQLAlchemy,
    `db.session.rollback`); server errors are logged on the logger `logger_name`.
    """
    handlers = ServerErrorHandlers(logging.getLogger(logger_name), rollback)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(sa_exc.IntegrityError, handlers.integrity_error)
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, handlers.database_unavailable)
    app.register_error_handler(Exception, handlers.unexpected)
