"""The application factory."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from libs.config import load_settings
from libs.logging import configure_logging
from libs.web.access_log import init_access_log
from libs.web.application import ServiceApp
from libs.web.errors import register_errorhandlers
from libs.web.metrics import init_metrics
from libs.web.request_body import init_request_body_rules
from libs.web.request_context import REQUEST_ID_HEADER, init_request_context
from libs.web.security import init_security
from libs.web.spec import ProblemApi
from services.api import docs, health
from services.api.auth.bearer import SCHEME_NAME, SECURITY_SCHEME
from services.api.auth.routes import blp as auth_blueprint
from services.api.auth.tokens import init_tokens
from services.api.database import init_database
from services.api.extensions import db
from services.api.items.routes import blp as items_blueprint
from services.api.ratelimit import init_rate_limits
from services.api.settings import ApiSettings
from services.api.users.routes import blp as users_blueprint

# Named `api` in logger names (api.access, api.errors) and in the api_build_info metric.
SERVICE = "api"
# What a browser script on an allowed origin may send and read.
CORS_REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    REQUEST_ID_HEADER,
)
CORS_EXPOSED_HEADERS = (
    "ETag",
    "Link",
    "Location",
    "Retry-After",
    "X-Pagination",
    REQUEST_ID_HEADER,
)


def create_app(settings: ApiSettings | None = None) -> Flask:
    """Build the API from `settings`, or from the environment when none are given."""
    settings = settings or load_settings(ApiSettings)
    configure_logging(settings.log_level)
    app = ServiceApp(__name__)
    app.config.update(api_config(settings))
    app.extensions["settings"] = settings
    # First, so that every later hook, log line and error sees the request id.
    init_request_context(app)
    api = register_extensions(app, settings)
    register_request_hooks(app, api, settings)
    register_blueprints(app, api)
    register_errorhandlers(app, logger_name=f"{SERVICE}.errors", rollback=db.session.rollback)
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
    """Bind the database, health registry, token keys and rate limits; return the `Api`."""
    init_database(app, settings)
    health.init_health(app, settings.health_timeout)
    init_tokens(app, settings)
    init_rate_limits(app, settings, token=auth_blueprint, registration=users_blueprint)
    api = ProblemApi(app)
    api.spec.components.security_scheme(SCHEME_NAME, SECURITY_SCHEME)
    return api


def register_request_hooks(app: Flask, api: Api, settings: ApiSettings) -> None:
    """Body limits, security headers and CORS, metrics and the access log."""
    init_request_body_rules(app, api, settings.max_content_length)
    init_security(
        app,
        settings.cors_origins,
        request_headers=CORS_REQUEST_HEADERS,
        exposed_headers=CORS_EXPOSED_HEADERS,
    )
    with app.app_context():
        engine = db.engine
    init_metrics(
        app,
        service=SERVICE,
        version=settings.build_version,
        commit=settings.build_commit,
        engine=engine,
    )
    init_access_log(app, f"{SERVICE}.access")


def register_blueprints(app: Flask, api: Api) -> None:
    """Mount every resource's blueprint, then the docs page (outside the spec)."""
    api.register_blueprint(health.blp)
    api.register_blueprint(users_blueprint)
    api.register_blueprint(auth_blueprint)
    api.register_blueprint(items_blueprint)
    app.register_blueprint(docs.blp)
