"""The application factory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask

from libs.auth.setup import init_issuing
from libs.config import load_settings
from libs.web.ratelimit import init_rate_limits
from libs.web.service import Service, create_service_app
from services.api.auth.routes import blp as auth_blueprint
from services.api.extensions import db
from services.api.items.routes import blp as items_blueprint
from services.api.settings import ApiSettings
from services.api.users import service as users
from services.api.users.routes import blp as users_blueprint

# Named `api` in logger names (api.access, api.errors) and in the api_build_info metric.
SERVICE = Service(
    import_name=__name__,
    name="api",
    title="Items API",
    db=db,
    migrations_dir=Path(__file__).parent / "migrations",
)


def create_app(settings: ApiSettings | None = None) -> Flask:
    """Build the API from `settings`, or from the environment when none are given."""
    settings = settings or load_settings(ApiSettings)
    app, api = create_service_app(SERVICE, settings)
    # The API issues the tokens; its users table says whether a token's user still exists.
    ttl = timedelta(seconds=settings.access_token_ttl)
    init_issuing(app, settings, ttl, caller_exists=users.exists)
    init_rate_limits(
        app,
        settings,
        {auth_blueprint: settings.rate_limit_token, users_blueprint: settings.rate_limit_register},
    )
    for blueprint in (users_blueprint, auth_blueprint, items_blueprint):
        api.register_blueprint(blueprint)
    return app
