"""The items table."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from libs.db.columns import AMOUNT_PRECISION
from libs.db.models import Record, owner_key
from services.api.extensions import db

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
PRICE_SCALE = 2


# db.Model is built at run time, so mypy cannot see that it is a class.
class Item(Record, db.Model):  # type: ignore[name-defined]
    """An item, owned by the user who created it."""

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        # The list filters by owner and sorts by one of these, the id breaking ties; the
        # leading owner_id also serves lookups by owner.
        Index("ix_items_owner_id_name", "owner_id", "name", "id"),
        Index("ix_items_owner_id_created_at", "owner_id", "created_at", "id"),
    )

    owner_id: Mapped[int] = owner_key("users.id")
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
    price: Mapped[Decimal] = mapped_column(Numeric(AMOUNT_PRECISION, PRICE_SCALE))
