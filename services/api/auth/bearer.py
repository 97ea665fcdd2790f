"""Bearer-token authentication of requests (RFC 6750), and its OpenAPI description."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

import flask_smorest
from flask import g, request

from services.api.auth.tokens import InvalidToken, user_id_from_token
from services.api.extensions import db
from services.api.users.models import User

REALM = "items-api"
SCHEME_NAME = "bearerAuth"
SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
WWW_AUTHENTICATE_DOC = {
    "description": 'The challenge, e.g. Bearer realm="items-api", error="invalid_token"',
    "schema": {"type": "string"},
}


def challenge(error: str | None = None, description: str | None = None) -> str:
    """A WWW-Authenticate value; without credentials RFC 6750 wants no error code."""
    params = [f'realm="{REALM}"']
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


def authenticate() -> User:
    """The user named by the request's bearer token, or a 401 response."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        unauthorized("A bearer token is required.")
    try:
        user_id = user_id_from_token(token.strip())
    except InvalidToken as error:
        unauthorized(error.description, "invalid_token")
    user = db.session.get(User, user_id)
    if user is None:
        unauthorized("The access token is invalid.", "invalid_token")
    return user


def current_user() -> User:
    """The user the current request authenticated as (inside an `auth_required` view)."""
    user: User = g.current_user
    return user


class AuthBlueprint(flask_smorest.Blueprint):
    """A Blueprint whose `auth_required` decorator enforces and documents bearer auth."""

    def auth_required(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Require a valid bearer token before `view` runs; put the user in `g.current_user`.

        `g.user_id` is set too: the access log reads it.
        """

        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.current_user = authenticate()
            g.user_id = g.current_user.id
            return view(*args, **kwargs)

        documented = self.alt_response(
            401,
            description="The bearer token is missing, malformed, expired or wrongly signed.",
            headers={"WWW-Authenticate": WWW_AUTHENTICATE_DOC},
        )(wrapper)
        return self.doc(security=[{SCHEME_NAME: []}])(documented)  # type: ignore[no-any-return]
