"""Database wiring: engine options, migrations and the readiness checks."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Engine, inspect, text

from libs.health import Check
from services.api.connections import init_connections
from services.api.extensions import db, migrate
from services.api.settings import ApiSettings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"


def engine_options(settings: ApiSettings) -> dict[str, object]:
    """Pool and timeout options for the configured database."""
    if settings.uses_embedded_database:
        return {"connect_args": {"timeout": settings.db_pool_timeout}}
    # No pool_pre_ping: services.api.connections replaces a connection the server closed
    # (restart, failover) without the ping's round trip on every checkout.
    return {
        # A connection in autocommit (services.api.connections) has nothing to roll back, so
        # SQLAlchemy need not call psycopg2 (which would release and retake the GIL) at all.
        "skip_autocommit_rollback": True,
        "pool_size": settings.db_pool_size,
        "max_overflow": 0,
        "pool_timeout": settings.db_pool_timeout,
        "connect_args": {"connect_timeout": settings.db_connect_timeout},
    }


def init_database(app: Flask, settings: ApiSettings) -> None:
    """Bind SQLAlchemy and Flask-Migrate to `app`."""
    if settings.uses_embedded_database:
        Path(settings.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.sqlalchemy_url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(settings)
    db.init_app(app)
    if not settings.uses_embedded_database:
        with app.app_context():
            init_connections(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))


def upgrade_to_head(app: Flask) -> None:
    """Apply every pending migration."""
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))


def database_check(engine: Engine) -> Check:
    """A readiness check that passes when the database answers a trivial query."""

    def check() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    return check


class SchemaNotAtHead(RuntimeError):
    """The database schema is not at the revision the code's migrations end in."""


def migration_heads() -> set[str]:
    """The head revisions of the migrations shipped with the code."""
    return set(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


def migrations_check(engine: Engine) -> Check:
    """A readiness check that passes when the schema is at the migrations' head."""
    heads = migration_heads()

    def check() -> None:
        with engine.connect() as connection:
            current: set[str] = set()
            if inspect(connection).has_table(VERSION_TABLE):
                current.update(connection.scalars(text("SELECT version_num FROM alembic_version")))
        if current != heads:
            found = ", ".join(sorted(current)) or "no revision"
            raise SchemaNotAtHead(
                f"database is at {found}, migrations head is {', '.join(sorted(heads))}"
            )

    return check
