"""How items are read from requests and written to responses."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from libs.web.fields import Amount
from libs.web.pagination import PageQuerySchema
from libs.web.text import Text
from libs.web.timestamp import Timestamp
from services.api.items.models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, PRICE_SCALE
from services.api.items.service import items


class ItemSchema(Schema):
    """An item as clients see it; server-set fields are read-only."""

    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=NAME_MAX_LENGTH))
    description = Text(
        load_default=None, allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX_LENGTH)
    )
    price = Amount(required=True, scale=PRICE_SCALE)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)


class ItemPatchSchema(ItemSchema):
    """A partial update: any subset of the writable fields (load it with partial=True)."""


class ItemQuerySchema(PageQuerySchema):
    """Which page of the list, in which order, filtered how."""

    sort = fields.String(
        load_default="created_at",
        validate=validate.OneOf(items.sort_keys),
        metadata={"description": "Sort key; a leading '-' sorts descending."},
    )
    name = Text(
        validate=validate.Length(min=1, max=NAME_MAX_LENGTH),
        metadata={"description": "Name contains this, ignoring case."},
    )
