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


def authenticate() -> int:
    """The id of the user named by the request's valid bearer token, or a 401 response.

    The user row is not read here: views that find one of the user's rows have proved the
    user exists (deleting a user deletes their items), and the others call `current_user`.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        unauthorized("A bearer token is required.")
    try:
        user_id = user_id_from_token(token.strip())
    except InvalidToken as error:
        unauthorized(error.description, "invalid_token")
    return user_id


def current_user_id() -> int:
    """The id the current request's token names (inside an `auth_required` view).

    Only a row found by this owner id proves the user still exists; a view that finds none
    must call `current_user` before it answers.
    """
    user_id: int = g.user_id
    return user_id


def current_user() -> User:
    """The user the current request authenticated as, read once; 401 if it no longer exists."""
    user: User | None = g.get("current_user")
    if user is None:
        user = db.session.get(User, current_user_id())
        if user is None:
            g.pop("user_id", None)  # nobody to log the request as
            unauthorized("The access token is invalid.", "invalid_token")
        g.current_user = user
    return user


class AuthBlueprint(flask_smorest.Blueprint):
    """A Blueprint whose `auth_required` decorator enforces and documents bearer auth."""

    def auth_required(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Require a valid bearer token before `view` runs; put its user id in `g.user_id`.

        The access log reads `g.user_id` too.
        """

        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.pop("current_user", None)
            g.user_id = authenticate()
            return view(*args, **kwargs)

        documented = self.alt_response(
            401,
            description="The bearer token is missing, malformed, expired or wrongly signed.",
            headers={"WWW-Authenticate": WWW_AUTHENTICATE_DOC},
        )(wrapper)
        return self.doc(security=[{SCHEME_NAME: []}])(documented)  # type: ignore[no-any-return]
