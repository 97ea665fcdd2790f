"""Rate limits per client address on chosen endpoints, such as those that check credentials."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, Flask, Response, request
from flask_limiter import Limiter

from libs.config import ServiceSettings

RATE_LIMITED_DOC = {
    "description": "Too many requests from this address; retry after the given seconds.",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
}


def init_rate_limits(
    app: Flask, settings: ServiceSettings, limits: Mapping[Blueprint, str]
) -> Limiter:
    """Limit POSTs to each blueprint of `limits` per client address (`"10/minute"`).

    Each app gets its own limiter, because Flask-Limiter keeps its storage on the instance.
    With a Redis URL every instance shares the counters; if Redis stops answering, each falls
    back to counting in its own memory rather than failing the requests.
    """
    limiter = Limiter(
        client_address(settings.rate_limit_trusted_proxies),
        storage_uri=settings.rate_limit_storage_uri,
        headers_enabled=True,
        in_memory_fallback_enabled=True,
        key_prefix=app.name,
    )
    for blueprint, limit in limits.items():
        limiter.limit(limit, methods=["POST"])(blueprint)
    # Flask runs after-request hooks last-registered first, so this one, registered before
    # the limiter's, sees the headers the limiter added.
    app.after_request(_retry_after_only_when_throttled)
    limiter.init_app(app)
    return limiter


def client_address(trusted_proxies: int) -> Callable[[], str]:
    """A key function: the client's address, as the last `trusted_proxies` proxies report it."""

    def key() -> str:
        # Each proxy appends the address it received the request from to X-Forwarded-For, so
        # with n trusted proxies in front, the client is n places from the end of the chain,
        # counting the TCP peer; anything earlier in the header is the client's own claim.
        forwarded = request.headers.get("X-Forwarded-For", "") if trusted_proxies else ""
        chain = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        chain.append(request.remote_addr or "")
        return chain[max(len(chain) - 1 - trusted_proxies, 0)]

    return key


def _retry_after_only_when_throttled(response: Response) -> Response:
    """Drop the Retry-After Flask-Limiter puts on every response it counts; it means "wait"."""
    counted = "X-RateLimit-Limit" in response.headers
    if counted and response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response
