"""What every service's models build on: one naming convention, records with versions, owners."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, MetaData
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from libs.db.columns import Timestamp, utcnow

# Constraint names that are the same on every database, so migrations can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def create_db() -> SQLAlchemy:
    """A service's Flask-SQLAlchemy object, with its own metadata.

    Objects are not expired on commit: what a request just wrote is what its response shows,
    so reading it back would be a wasted query.
    """

    class Base(DeclarativeBase):
        """Declarative base whose constraint names are stable across databases."""

        metadata = MetaData(naming_convention=NAMING_CONVENTION)

    return SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


def _same_as_created_at(context: DefaultExecutionContext) -> datetime:
    """A new row's updated_at equals its created_at."""
    parameters: dict[str, datetime] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return parameters["created_at"]


class Record:
    """Columns every resource's table has: an id, timestamps, and a version.

    SQLAlchemy adds `AND version = <loaded>` to every UPDATE and DELETE and bumps it, so a
    write based on an outdated read matches no row instead of overwriting a newer one; the
    version is also what the record's ETag is made of.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        Timestamp, default=_same_as_created_at, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column()

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # SQLAlchemy's own spelling
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def owner_key(references: str | None = None) -> Any:
    """The id of the user a record belongs to (the access token's subject).

    With `references` (for example "users.id", where the service's own database holds the
    users), a foreign key that deletes the record with its user.
    """
    if references is None:
        return mapped_column()
    return mapped_column(ForeignKey(references, ondelete="CASCADE"))
