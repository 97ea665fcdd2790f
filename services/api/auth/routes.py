"""The /api/v1/auth endpoints."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from libs.auth.bearer import WWW_AUTHENTICATE_DOC, unauthorized
from libs.auth.setup import issue_access_token
from libs.web.blueprint import Blueprint
from libs.web.ratelimit import RATE_LIMITED_DOC
from services.api.auth.schemas import CredentialsSchema, TokenSchema
from services.api.users import service

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Access tokens.")

# Tokens are credentials: no cache, shared or private, may keep them (RFC 6749, 5.1).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
NO_STORE_DOC = {"Cache-Control": {"schema": {"type": "string", "example": "no-store"}}}
WRONG_CREDENTIALS = "The e-mail address or password is wrong."


@blp.route("/token")
class Token(MethodView):
    """Access tokens."""

    @blp.arguments(CredentialsSchema)
    @blp.response(200, TokenSchema, headers=NO_STORE_DOC)
    @blp.alt_response(
        401, description=WRONG_CREDENTIALS, headers={"WWW-Authenticate": WWW_AUTHENTICATE_DOC}
    )
    @blp.alt_response(429, **RATE_LIMITED_DOC)
    def post(self, credentials: dict[str, Any]) -> tuple[dict[str, object], dict[str, str]]:
        """Exchange an e-mail address and password for an access token"""
        user = service.authenticate(credentials["email"], credentials["password"])
        if user is None:
            unauthorized(WRONG_CREDENTIALS)
        token, expires_in = issue_access_token(user.id)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": expires_in}
        return body, NO_STORE
