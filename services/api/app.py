"""The application factory."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from libs.config import load_settings
from libs.logging import configure_logging
from services.api import health
from services.api.database import init_database
from services.api.items.routes import blp as items_blueprint
from services.api.settings import ApiSettings


def create_app(settings: ApiSettings | None = None) -> Flask:
    """Build the API from `settings`, or from the environment when none are given."""
    settings = settings or load_settings(ApiSettings)
    configure_logging(settings.log_level)
    app = Flask(__name__)
    app.config.update(api_config(settings))
    app.extensions["settings"] = settings
    api = register_extensions(app, settings)
    register_blueprints(api)
    return app


def api_config(settings: ApiSettings) -> dict[str, object]:
    """Flask and flask-smorest configuration derived from the settings."""
    return {
        "DEBUG": settings.debug,
        "API_TITLE": "Items API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }


def register_extensions(app: Flask, settings: ApiSettings) -> Api:
    """Bind the database, migrations and health registry; return the app's OpenAPI `Api`."""
    init_database(app, settings)
    health.init_health(app, settings.health_timeout)
    return Api(app)


def register_blueprints(api: Api) -> None:
    """Mount every resource's blueprint."""
    api.register_blueprint(health.blp)
    api.register_blueprint(items_blueprint)
