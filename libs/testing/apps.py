"""Fixtures' helpers for a service's tests: a migrated app, and tables emptied after each test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

from libs.db.setup import upgrade_to_head


def migrated(app: Flask) -> Flask:
    """`app`, its database upgraded to the migrations' head."""
    upgrade_to_head(app)
    return app


@contextmanager
def emptied_afterwards(app: Flask, db: SQLAlchemy) -> Iterator[SQLAlchemy]:
    """`db` inside an app context; every table is emptied when the test is done."""
    with app.app_context():
        yield db
        db.session.rollback()
        tables = ", ".join(table.name for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
