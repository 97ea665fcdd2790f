"""Migrations build the schema the models describe, on PostgreSQL and on SQLite."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade
from sqlalchemy import inspect

from libs.testing.postgres import postgres_database
from services.api.app import create_app
from services.api.database import MIGRATIONS_DIR, upgrade_to_head
from services.api.extensions import db
from services.api.tests.factories import make_settings


def schema_drift(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def tables(app):
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_postgres_upgrade_from_empty_matches_the_models_and_downgrades_cleanly():
    with postgres_database() as fresh:
        app = create_app(make_settings(fresh.url))
        assert tables(app) == set()
        upgrade_to_head(app)
        assert tables(app) == {"alembic_version", "items"}
        assert schema_drift(app) == []
        with app.app_context():
            downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        assert tables(app) == {"alembic_version"}
        with app.app_context():
            db.engine.dispose()


def test_sqlite_runs_the_same_migrations(tmp_path):
    settings = make_settings("postgresql://unused/x").model_copy(
        update={"database_url": None, "sqlite_path": str(tmp_path / "api.sqlite3")}
    )
    app = create_app(settings)
    upgrade_to_head(app)
    assert tables(app) == {"alembic_version", "items"}
    assert schema_drift(app) == []
