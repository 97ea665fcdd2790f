"""One JSON access-log line per request, on a logger the service names (`api.access`).

The user id comes from `flask.g.user_id`, which the authentication layer sets when it knows
the caller; the line carries `user_id: null` otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, g

from libs.web.request_context import current_request, elapsed_seconds, request_id, route_template


def access_logger(logger: logging.Logger) -> Callable[[Response], Response]:
    """An after-request hook writing each response's line to `logger`."""

    def log(response: Response) -> Response:
        if not logger.isEnabledFor(logging.INFO):
            return response
        req = current_request()
        method, route, status = req.method, route_template(req), response.status_code
        logger.info(
            "%s %s %s",
            method,
            route,
            status,
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(elapsed_seconds(req.environ) * 1000, 2),
                "request_id": request_id(req.environ),
                "user_id": g.get("user_id"),
            },
        )
        return response

    return log


def init_access_log(app: Flask, logger_name: str) -> None:
    """Log every response of `app`, error responses included, on the logger `logger_name`."""
    app.after_request(access_logger(logging.getLogger(logger_name)))
