"""Binding a service's database to its app: engine and pool options, migrations, sessions."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_migrate import Migrate, upgrade
from flask_sqlalchemy import SQLAlchemy

from libs.config import ServiceSettings
from libs.db.connections import init_connections
from libs.db.credentials import iam_token_source, use_token_source
from libs.db.roles import create_roles


def engine_options(settings: ServiceSettings) -> dict[str, object]:
    """Pool and timeout options for the configured database."""
    if settings.uses_embedded_database:
        return {"connect_args": {"timeout": settings.db_pool_timeout}}
    # No pool_pre_ping: libs.db.connections replaces a connection the server closed
    # (restart, failover) without the ping's round trip on every checkout.
    return {
        # A connection in autocommit (libs.db.connections) has nothing to roll back, so
        # SQLAlchemy need not call psycopg2 (which would release and retake the GIL) at all.
        "skip_autocommit_rollback": True,
        "pool_size": settings.db_pool_size,
        "max_overflow": 0,
        "pool_timeout": settings.db_pool_timeout,
        "connect_args": {"connect_timeout": settings.db_connect_timeout},
    }


def init_database(
    app: Flask, db: SQLAlchemy, settings: ServiceSettings, migrations_dir: Path
) -> None:
    """Bind `db` and Flask-Migrate (with the migrations in `migrations_dir`) to `app`.

    With DB_AUTH=iam every new connection logs in with a fresh IAM token. The app's CLI gets
    the `db-roles` command (libs.db.roles).
    """
    if settings.uses_embedded_database:
        Path(settings.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.sqlalchemy_url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(settings)
    db.init_app(app)
    if not settings.uses_embedded_database:
        with app.app_context():
            init_connections(db.engine)
            if settings.db_auth == "iam" and settings.aws_region:
                use_token_source(db.engine, iam_token_source(settings.aws_region))
    Migrate(app, db, directory=str(migrations_dir))
    app.cli.command("db-roles")(create_roles)


def upgrade_to_head(app: Flask) -> None:
    """Apply every pending migration."""
    with app.app_context():
        upgrade()  # in the directory given to Migrate
