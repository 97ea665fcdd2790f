"""The items table."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from services.api.columns import Timestamp, utcnow
from services.api.extensions import db

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
PRICE_PRECISION = 12
PRICE_SCALE = 2


def _same_as_created_at(context: DefaultExecutionContext) -> datetime:
    """A new row's updated_at equals its created_at."""
    parameters: dict[str, datetime] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return parameters["created_at"]


class Item(db.Model):  # type: ignore[name-defined]  # db.Model is built at run time
    """Something with a name and a price, owned by the user who created it."""

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        # The list endpoint filters by owner and sorts by one of these, id breaking ties; the
        # leading owner_id also serves the foreign key.
        Index("ix_items_owner_id_name", "owner_id", "name", "id"),
        Index("ix_items_owner_id_created_at", "owner_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
    price: Mapped[Decimal] = mapped_column(Numeric(PRICE_PRECISION, PRICE_SCALE))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        Timestamp, default=_same_as_created_at, onupdate=utcnow
    )
    # SQLAlchemy adds `AND version = <loaded>` to every UPDATE and DELETE and bumps it, so a
    # write based on an outdated read matches no row instead of overwriting a newer one.
    version: Mapped[int] = mapped_column()

    __mapper_args__ = {"version_id_col": version}
