"""The Alembic environment of every service: a service's `migrations/env.py` calls `run()`."""

from __future__ import annotations

from alembic import context
from flask import current_app
from sqlalchemy import MetaData


def _metadata() -> MetaData:
    # What Flask-Migrate's own env.py template reads: the db bound to the current app.
    metadata: MetaData = current_app.extensions["migrate"].db.metadata
    return metadata


def run_offline() -> None:
    """Emit SQL for the configured URL without connecting."""
    context.configure(
        url=current_app.config["SQLALCHEMY_DATABASE_URI"],
        target_metadata=_metadata(),
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Apply migrations over a live connection, in one transaction."""
    with current_app.extensions["migrate"].db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=_metadata(),
            compare_type=True,
            # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


def run() -> None:
    """Run the migrations Alembic was asked for, online or as SQL."""
    if context.is_offline_mode():
        run_offline()
    else:
        run_online()
