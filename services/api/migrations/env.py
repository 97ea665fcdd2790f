"""Alembic environment: the platform's, for the database of the current Flask app."""

from libs.db.migrations import run

run()
