"""The app factory every service builds on: settings, logging, database, health, docs and errors.

A service's `create_app` calls `create_service_app`, then adds its auth and its blueprints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy

from libs.auth.bearer import SCHEME_NAME, SECURITY_SCHEME
from libs.config import ServiceSettings
from libs.db.setup import init_database
from libs.logging import configure_logging
from libs.web import docs, health
from libs.web.access_log import init_access_log
from libs.web.errors import register_errorhandlers
from libs.web.metrics import init_metrics
from libs.web.records import SETTING as AUTOCOMMIT_READS
from libs.web.request_body import init_request_body_rules
from libs.web.request_context import REQUEST_ID_HEADER, init_request_context
from libs.web.security import init_security
from libs.web.spec import ProblemApi

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


@dataclass(frozen=True)
class Service:
    """What sets one service apart: its name (in logger and metric names), title and database."""

    import_name: str
    name: str
    title: str
    db: SQLAlchemy
    migrations_dir: Path


def api_config(service: Service, settings: ServiceSettings) -> dict[str, object]:
    """Flask and flask-smorest configuration derived from the settings."""
    return {
        "DEBUG": settings.debug,
        "API_TITLE": service.title,
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        AUTOCOMMIT_READS: settings.db_autocommit_reads,
    }


def create_service_app(service: Service, settings: ServiceSettings) -> tuple[Flask, Api]:
    """The service's app with everything but its auth and resources, and its OpenAPI `Api`."""
    configure_logging(settings.log_level)
    app = Flask(service.import_name)
    app.config.update(api_config(service, settings))
    app.extensions["settings"] = settings
    # First, so that every later hook, log line and error sees the request id.
    init_request_context(app)
    init_database(app, service.db, settings, service.migrations_dir)
    with app.app_context():
        engine = service.db.engine
    health.init_health(app, settings.health_timeout, engine, service.migrations_dir)
    api = ProblemApi(app)
    api.spec.components.security_scheme(SCHEME_NAME, SECURITY_SCHEME)
    init_request_body_rules(app, api, settings.max_content_length)
    init_security(
        app,
        settings.cors_origins,
        request_headers=CORS_REQUEST_HEADERS,
        exposed_headers=CORS_EXPOSED_HEADERS,
    )
    init_metrics(
        app,
        service=service.name,
        version=settings.build_version,
        commit=settings.build_commit,
        engine=engine,
    )
    init_access_log(app, f"{service.name}.access")
    register_errorhandlers(
        app, logger_name=f"{service.name}.errors", rollback=service.db.session.rollback
    )
    api.register_blueprint(health.blp)
    app.register_blueprint(docs.blp)
    return app, api
