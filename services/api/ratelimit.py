"""Rate limits on the endpoints that check or create credentials (Flask-Limiter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, request
from flask_limiter import Limiter

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
    limiter = Limiter(
        client_address(settings.rate_limit_trusted_proxies),
        storage_uri=settings.rate_limit_storage_uri,
        headers_enabled=True,
        in_memory_fallback_enabled=True,
        key_prefix="items-api",
    )
    limiter.limit(settings.rate_limit_token, methods=["POST"])(token)
    limiter.limit(settings.rate_limit_register, methods=["POST"])(registration)

    def register(app: Flask) -> None:
        # Flask runs after-request hooks last-registered first, so this one, registered before
        # the limiter's, sees the headers the limiter added.
        app.after_request(_retry_after_only_when_throttled)
        limiter.init_app(app)

    # Flask-Limiter's hooks cost about 0.1 ms on every request of the app; only these two
    # blueprints have limits, so only their requests run the hooks.
    _register_for_blueprints(app, (token.name, registration.name), register)
    return limiter


def _register_for_blueprints(
    app: Flask, blueprints: tuple[str, ...], register: Callable[[Flask], None]
) -> None:
    """Call `register(app)`, moving the app-wide request hooks it adds to `blueprints` only."""
    # Flask keeps hooks by scope: None for every request, else a blueprint's name.
    scopes: tuple[dict[str | None, list[Any]], ...] = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
    )
    app_wide = [list(hooks.get(None, ())) for hooks in scopes]
    register(app)
    for hooks, kept in zip(scopes, app_wide, strict=True):
        added = [hook for hook in hooks.get(None, ()) if hook not in kept]
        if added:
            hooks[None] = kept
            for name in blueprints:
                hooks.setdefault(name, []).extend(added)


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
