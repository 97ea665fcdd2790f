"""Rate limits on the endpoints that check or create credentials (Flask-Limiter)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from services.api.settings import ApiSettings

RATE_LIMITED_DOC = {
    "description": "Too many requests from this address; retry after the given seconds.",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
}


def init_rate_limits(
    app: Flask, settings: ApiSettings, *, token: Blueprint, registration: Blueprint
) -> Limiter:
    """Limit POSTs to the `token` and `registration` blueprints per client address.

    Each app gets its own limiter, because Flask-Limiter keeps its storage on the instance.
    With a Redis URL every instance shares the counters; if Redis stops answering, each falls
    back to counting in its own memory rather than failing the requests.
    """
    # Flask runs after-request hooks last-registered first, so this one, registered before the
    # limiter's, sees the headers the limiter added.
    app.after_request(_retry_after_only_when_throttled)
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.rate_limit_storage_uri,
        headers_enabled=True,
        in_memory_fallback_enabled=True,
        key_prefix="items-api",
    )
    limiter.limit(settings.rate_limit_token, methods=["POST"])(token)
    limiter.limit(settings.rate_limit_register, methods=["POST"])(registration)
    return limiter


def _retry_after_only_when_throttled(response: Response) -> Response:
    """Drop the Retry-After Flask-Limiter puts on every response it counts; it means "wait"."""
    counted = "X-RateLimit-Limit" in response.headers
    if counted and response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response
