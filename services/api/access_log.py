"""One JSON access-log line per request, on the `api.access` logger.

The user id comes from `flask.g.user_id`, which the authentication layer sets when it knows
the caller; the line carries `user_id: null` otherwise.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, request

from services.api.request_context import current_request_id, elapsed_seconds, route_template

logger = logging.getLogger("api.access")


def _log(response: Response) -> Response:
    logger.info(
        "%s %s %s",
        request.method,
        route_template(),
        response.status_code,
        extra={
            "method": request.method,
            "route": route_template(),
            "status": response.status_code,
            "duration_ms": round(elapsed_seconds() * 1000, 2),
            "request_id": current_request_id(),
            "user_id": getattr(g, "user_id", None),
        },
    )
    return response


def init_access_log(app: Flask) -> None:
    """Log every response of `app`, error responses included."""
    app.after_request(_log)
