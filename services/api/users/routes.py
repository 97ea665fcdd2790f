"""The /api/v1/users endpoints."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from libs.web.blueprint import Blueprint
from libs.web.ratelimit import RATE_LIMITED_DOC
from services.api.users import service
from services.api.users.models import User
from services.api.users.schemas import UserSchema

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Users.")


@blp.route("")
class Users(MethodView):
    """Registration."""

    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="The e-mail address is taken.")
    @blp.alt_response(429, **RATE_LIMITED_DOC)
    def post(self, data: dict[str, Any]) -> User:
        """Register a user"""
        return service.register(data["email"], data["password"])


@blp.route("/me")
class Me(MethodView):
    """The caller."""

    @blp.auth_required
    @blp.response(200, UserSchema)
    def get(self) -> User:
        """Get the user the token belongs to"""
        return service.current_user()
