"""The tables the API's migrations made, and the items as the API reads and writes them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, PlainSerializer
from sqlmodel import DateTime, Field, SQLModel

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000
# The price column is numeric(12, 2): up to 9999999999.99.
PRICE_DIGITS = 12
PRICE_PLACES = 2
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def plain_decimal(value: object) -> object:
    """Refuse price strings that Decimal() reads but nobody means ("1e3", " 1 ", "1_000")."""
    if isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value):
        raise ValueError("Must be a plain decimal number such as 12.50.")
    return value


def storable(value: object) -> object:
    """Refuse text PostgreSQL cannot hold (NUL) or UTF-8 cannot encode (lone surrogates)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("Must not contain NUL (U+0000) characters.")
        value.encode("utf-8")
    return value


# The API's wire formats: a price as a plain decimal string, a timestamp in UTC with microseconds.
Price = Annotated[
    Decimal,
    BeforeValidator(plain_decimal),
    PlainSerializer(lambda value: format(value, "f"), return_type=str),
]
Timestamp = Annotated[
    datetime,
    PlainSerializer(
        lambda value: value.astimezone(UTC).isoformat(timespec="microseconds"), return_type=str
    ),
]
Name = Annotated[str, BeforeValidator(storable)]


class User(SQLModel, table=True):
    """Someone who owns items (registered through the API; the peer only reads them)."""

    __tablename__ = "users"

    id: int = Field(primary_key=True)
    email: str


class ItemBase(SQLModel):
    """The fields a client sends."""

    name: Name = Field(min_length=1, max_length=NAME_MAX_LENGTH)
    description: Name | None = Field(default=None, max_length=DESCRIPTION_MAX_LENGTH)
    price: Price = Field(ge=0, max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES)


class ItemCreate(ItemBase):
    """A new item; fields the server sets are refused, as the API refuses them."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


class Item(ItemBase, table=True):
    """An item row."""

    __tablename__ = "items"

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    version: int = 1


class ItemPublic(ItemBase):
    """An item as responses show it."""

    id: int
    created_at: Timestamp
    updated_at: Timestamp
