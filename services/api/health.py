"""Liveness and readiness endpoints backed by libs/health."""

from __future__ import annotations

from flask import Flask, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from libs.health import HealthRegistry, Probe
from services.api.database import database_check
from services.api.extensions import db

blp = Blueprint("health", __name__, description="Liveness and readiness probes.")

REGISTRY_KEY = "health_registry"


def init_health(app: Flask, timeout_seconds: float) -> None:
    """Create the app's health registry and register its readiness checks."""
    registry = HealthRegistry(timeout_seconds=timeout_seconds)
    with app.app_context():
        registry.register("database", database_check(db.engine))
    app.extensions[REGISTRY_KEY] = registry


def _report(probe: Probe) -> tuple[dict[str, object], int]:
    report = current_app.extensions[REGISTRY_KEY].run(probe)
    return report.as_dict(), 200 if report.healthy else 503


@blp.route("/health")
class Health(MethodView):
    """Liveness."""

    @blp.response(200)
    @blp.alt_response(503, description="A liveness check failed.")
    def get(self) -> tuple[dict[str, object], int]:
        """Report whether the process is up"""
        return _report(Probe.LIVENESS)


@blp.route("/ready")
class Ready(MethodView):
    """Readiness."""

    @blp.response(200)
    @blp.alt_response(503, description="A dependency, such as the database, is not answering.")
    def get(self) -> tuple[dict[str, object], int]:
        """Report whether the service can serve traffic"""
        return _report(Probe.READINESS)
