"""Bearer-token authentication of requests (RFC 6750), and its OpenAPI description.

`auth_required` verifies the token once per request and keeps the caller's id. A service whose
own database holds the users passes `caller_exists`: the kit's record lookups then confirm the
caller still exists whenever they find nothing (a found record owned by the caller proves it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, NoReturn

import flask_smorest
from flask import Flask, current_app, g, request

from libs.auth.tokens import InvalidToken, TokenVerifier

EXTENSION_KEY = "bearer_auth"
SCHEME_NAME = "bearerAuth"
SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
WWW_AUTHENTICATE_DOC = {
    "description": 'The challenge, e.g. Bearer realm="items-api", error="invalid_token"',
    "schema": {"type": "string"},
}
INVALID = "The access token is invalid."


@dataclass(frozen=True)
class BearerAuth:
    """How an app checks bearer tokens, and whether a caller still exists."""

    verifier: TokenVerifier
    realm: str
    caller_exists: Callable[[int], bool] | None = None


def init_auth(
    app: Flask,
    verifier: TokenVerifier,
    *,
    realm: str,
    caller_exists: Callable[[int], bool] | None = None,
) -> None:
    """Check `app`'s bearer tokens with `verifier`."""
    app.extensions[EXTENSION_KEY] = BearerAuth(verifier, realm, caller_exists)


def _auth() -> BearerAuth:
    auth: BearerAuth = current_app.extensions[EXTENSION_KEY]
    return auth


def challenge(error: str | None = None, description: str | None = None) -> str:
    """A WWW-Authenticate value; without credentials RFC 6750 wants no error code."""
    params = [f'realm="{_auth().realm}"']
    if error is not None:
        params.append(f'error="{error}"')
    if description is not None:
        params.append(f'error_description="{description}"')
    return "Bearer " + ", ".join(params)


def unauthorized(message: str, error: str | None = None) -> NoReturn:
    """Stop the request with 401 and a Bearer challenge."""
    description = message if error else None
    flask_smorest.abort(
        401, message=message, headers={"WWW-Authenticate": challenge(error, description)}
    )
    raise AssertionError("unreachable: abort raises")


def authenticate() -> int:
    """The user id the request's valid bearer token names, or a 401 response."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        unauthorized("A bearer token is required.")
    try:
        return _auth().verifier.user_id(token.strip())
    except InvalidToken as error:
        unauthorized(error.description, "invalid_token")


def current_user_id() -> int:
    """The id the current request's token names (inside an `auth_required` view)."""
    user_id: int = g.user_id
    return user_id


def confirm_caller() -> None:
    """401 if the caller's account is gone (where the service can tell); at most once a request."""
    exists = _auth().caller_exists
    if exists is None or g.get("caller_confirmed"):
        return
    if not exists(current_user_id()):
        g.pop("user_id", None)  # nobody to log the request as
        unauthorized(INVALID, "invalid_token")
    g.caller_confirmed = True


class AuthBlueprint(flask_smorest.Blueprint):
    """A Blueprint whose `auth_required` decorator enforces and documents bearer auth."""

    def auth_required(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Require a valid bearer token before `view` runs; the access log reads `g.user_id`."""

        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.pop("caller_confirmed", None)
            g.user_id = authenticate()
            return view(*args, **kwargs)

        documented = self.alt_response(
            401,
            description="The bearer token is missing, malformed, expired or wrongly signed.",
            headers={"WWW-Authenticate": WWW_AUTHENTICATE_DOC},
        )(wrapper)
        return self.doc(security=[{SCHEME_NAME: []}])(documented)  # type: ignore[no-any-return]
