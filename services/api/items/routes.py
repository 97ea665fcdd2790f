"""The /api/v1/items endpoints: paginated, owner-scoped, with ETags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import url_for
from flask.views import MethodView

from libs.web.blueprint import Blueprint
from libs.web.pagination import Page
from services.api.items.models import Item
from services.api.items.schemas import ItemPatchSchema, ItemQuerySchema, ItemSchema
from services.api.items.service import items

blp = Blueprint("items", __name__, url_prefix="/api/v1/items", description="Items.")

LOCATION_HEADER = {"Location": {"schema": {"type": "string"}}}


@blp.route("")
class Items(MethodView):
    """The caller's items."""

    @blp.auth_required
    @blp.arguments(ItemQuerySchema(), location="query")
    @blp.paginated(ItemSchema)
    def get(self, query: dict[str, Any]) -> Page:
        """List your items"""
        return items.page(query)

    @blp.auth_required
    @blp.arguments(ItemSchema())
    @blp.versioned(201, ItemSchema, headers=LOCATION_HEADER)
    def post(self, data: dict[str, Any]) -> tuple[Mapping[str, Any], dict[str, str]]:
        """Create an item"""
        item = items.create(data)
        location = url_for("items.ItemById", item_id=item["id"])
        return item, {"Location": location}


@blp.route("/<int:item_id>")
class ItemById(MethodView):
    """One of the caller's items; writes need its current ETag in If-Match."""

    @blp.auth_required
    @blp.versioned(200, ItemSchema)
    def get(self, item_id: int) -> Mapping[str, Any]:
        """Get one of your items"""
        return items.get_or_404(item_id)

    @blp.auth_required
    @blp.arguments(ItemSchema())
    @blp.versioned(200, ItemSchema)
    def put(self, data: dict[str, Any], item_id: int) -> Item:
        """Replace one of your items"""
        return items.update(item_id, data)

    @blp.auth_required
    @blp.arguments(ItemPatchSchema(partial=True))
    @blp.versioned(200, ItemSchema)
    def patch(self, data: dict[str, Any], item_id: int) -> Item:
        """Update some fields of one of your items"""
        return items.update(item_id, data)

    @blp.auth_required
    @blp.versioned(204)
    def delete(self, item_id: int) -> None:
        """Delete one of your items"""
        items.delete(item_id)
