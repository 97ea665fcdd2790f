"""How items are read from requests and written to responses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from libs.web.text import Text
from libs.web.timestamp import Timestamp, format_timestamp
from services.api.items.models import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PRICE_PRECISION,
    PRICE_SCALE,
)

SORT_KEYS = ("name", "-name", "created_at", "-created_at")
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
PRICE_MAX = Decimal(10 ** (PRICE_PRECISION - PRICE_SCALE)) - Decimal(1).scaleb(-PRICE_SCALE)
# How the API writes a price, and how clients should: a decimal string, never a float.
PRICE_DOC = {
    "type": "string",
    "format": "decimal",
    "pattern": rf"^[0-9]{{1,{PRICE_PRECISION - PRICE_SCALE}}}(\.[0-9]{{1,{PRICE_SCALE}}})?$",
    "example": "12.50",
    "description": (
        f"A decimal string from 0 to {PRICE_MAX} with at most {PRICE_SCALE} decimal places; "
        "requests may send a JSON number instead."
    ),
}


def within_price_range(value: Decimal) -> None:
    """Refuse negative prices and prices too large to store."""
    # Not validate.Range: apispec would document its bounds as strings, which is invalid OpenAPI.
    if not 0 <= value <= PRICE_MAX:
        raise ValidationError(
            f"Must be greater than or equal to 0 and less than or equal to {PRICE_MAX}."
        )


class Price(fields.Decimal):
    """A price: a JSON number, or a string in plain decimal notation such as "12.50"."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        amount: Decimal = super()._deserialize(value, attr, data, **kwargs)
        # Decimal() also reads " 1 ", "1_000", "1e3" and non-ASCII digits: not what was meant.
        if isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value):
            raise ValidationError("Must be a plain decimal number such as 12.50.")
        return amount


def at_most_two_places(value: Decimal) -> None:
    """Refuse prices with more decimal places than are stored, instead of rounding them."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PRICE_SCALE:
        raise ValidationError(f"Must have at most {PRICE_SCALE} decimal places.")


class ItemSchema(Schema):
    """An item as clients send and receive it; server-set fields are read-only."""

    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=NAME_MAX_LENGTH))
    description = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=DESCRIPTION_MAX_LENGTH),
    )
    price = Price(
        required=True,
        as_string=True,
        places=None,
        validate=[within_price_range, at_most_two_places],
        metadata=PRICE_DOC,
    )
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)

    def _serialize(self, obj: Any, *, many: bool = False) -> Any:
        # What the fields above dump, without marshmallow's per-field dispatch: a page of 50
        # spent most of its time there. test_schemas checks both give the same output.
        if self.dump_fields.keys() != DUMPED_FIELDS:  # only= or exclude= was given
            return super()._serialize(obj, many=many)
        if many:
            return [dump_item(item) for item in obj]
        return dump_item(obj)


DUMPED_FIELDS = {"id", "name", "description", "price", "created_at", "updated_at"}


def dump_item(item: Any) -> dict[str, Any]:
    """An item (row mapping or ORM object) as ItemSchema's fields serialize it."""
    if not isinstance(item, Mapping):
        item = {name: getattr(item, name) for name in DUMPED_FIELDS}
    price, created_at, updated_at = item["price"], item["created_at"], item["updated_at"]
    return {
        "id": item["id"],
        "name": item["name"],
        "description": item["description"],
        "price": None if price is None else format(Decimal(price), "f"),
        "created_at": None if created_at is None else format_timestamp(created_at),
        "updated_at": None if updated_at is None else format_timestamp(updated_at),
    }


class ItemPatchSchema(ItemSchema):
    """A partial update: any subset of the writable fields (load it with partial=True)."""


class ItemQuerySchema(Schema):
    """How a list of items is sorted and filtered (page and page_size are separate)."""

    sort = fields.String(
        load_default="created_at",
        validate=validate.OneOf(SORT_KEYS),
        metadata={"description": "Sort key; a leading '-' sorts descending."},
    )
    name = Text(
        validate=validate.Length(min=1, max=NAME_MAX_LENGTH),
        metadata={"description": "Only items whose name contains this, ignoring case."},
    )
