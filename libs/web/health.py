"""Liveness and readiness endpoints of every service, backed by libs/health and libs/db."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Engine

from libs.db.readiness import database_check, migrations_check
from libs.health import HealthRegistry, HealthReport, Probe
from libs.web.problems import PROBLEM_CONTENT_TYPE, problem
from libs.web.spec import ProblemSchema

blp = Blueprint("health", __name__, description="Liveness and readiness probes.")

REGISTRY_KEY = "health_registry"


def init_health(app: Flask, timeout_seconds: float, engine: Engine, migrations_dir: Path) -> None:
    """Create the app's health registry with its readiness checks: the database and its schema."""
    registry = HealthRegistry(timeout_seconds=timeout_seconds)
    registry.register("database", database_check(engine))
    registry.register("migrations", migrations_check(engine, migrations_dir))
    app.extensions[REGISTRY_KEY] = registry


def _report(probe: Probe) -> dict[str, object] | Response:
    """The report when every check passes; otherwise a 503 problem naming the failing ones."""
    report: HealthReport = current_app.extensions[REGISTRY_KEY].run(probe)
    if report.healthy:
        return report.as_dict()
    failing = ", ".join(result.name for result in report.results if not result.healthy)
    return problem(
        503,
        f"Failing {probe.value} checks: {failing}.",
        extensions={"checks": report.as_dict()["checks"]},
    )


def _failing(description: str) -> dict[str, object]:
    return {
        "schema": ProblemSchema,
        "description": description,
        "content_type": PROBLEM_CONTENT_TYPE,
    }


@blp.route("/health")
class Health(MethodView):
    """Liveness."""

    @blp.response(200)
    @blp.alt_response(503, **_failing("A liveness check failed; `checks` says which and why."))
    def get(self) -> dict[str, object] | Response:
        """Report whether the process is up"""
        return _report(Probe.LIVENESS)


@blp.route("/ready")
class Ready(MethodView):
    """Readiness."""

    @blp.response(200)
    @blp.alt_response(
        503,
        **_failing(
            "The database is not answering, or its schema is not at the migrations' head; "
            "`checks` says which and why."
        ),
    )
    def get(self) -> dict[str, object] | Response:
        """Report whether the service can serve traffic"""
        return _report(Probe.READINESS)
