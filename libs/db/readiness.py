"""Readiness checks of a database: it answers, and its schema is at the migrations' head."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from libs.health import Check

VERSION_TABLE = "alembic_version"


class SchemaNotAtHead(RuntimeError):
    """The database schema is not at the revision the code's migrations end in."""


def database_check(engine: Engine) -> Check:
    """A readiness check that passes when the database answers a trivial query."""

    def check() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    return check


def migration_heads(migrations_dir: Path) -> set[str]:
    """The head revisions of the migrations in `migrations_dir`."""
    return set(ScriptDirectory(str(migrations_dir)).get_heads())


def migrations_check(engine: Engine, migrations_dir: Path) -> Check:
    """A readiness check that passes when the schema is at the migrations' head."""
    heads = migration_heads(migrations_dir)

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
