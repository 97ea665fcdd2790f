"""The /api/v1/items endpoints."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from services.api.extensions import db
from services.api.items.models import Item
from services.api.items.schemas import ItemPatchSchema, ItemSchema

blp = Blueprint("items", __name__, url_prefix="/api/v1/items", description="Items.")

item_schema = ItemSchema()
item_patch_schema = ItemPatchSchema(partial=True)


def get_item_or_404(item_id: int) -> Item:
    """The item with `item_id`, or a 404 response."""
    return db.session.get(Item, item_id) or abort(404, message=f"Item {item_id} not found.")


@blp.route("")
class Items(MethodView):
    """The collection of items."""

    @blp.response(200, ItemSchema(many=True))
    def get(self) -> list[Item]:
        """List items"""
        return list(db.session.scalars(select(Item).order_by(Item.id)))

    @blp.arguments(ItemSchema)
    @blp.response(201, ItemSchema, headers={"Location": {"schema": {"type": "string"}}})
    def post(self, data: dict[str, Any]) -> tuple[Item, dict[str, str]]:
        """Create an item"""
        item = Item(**data)
        db.session.add(item)
        db.session.commit()
        return item, {"Location": url_for("items.ItemById", item_id=item.id)}


@blp.route("/<int:item_id>")
class ItemById(MethodView):
    """One item."""

    @blp.response(200, ItemSchema)
    def get(self, item_id: int) -> Item:
        """Get an item"""
        return get_item_or_404(item_id)

    @blp.arguments(ItemSchema)
    @blp.response(200, ItemSchema)
    def put(self, data: dict[str, Any], item_id: int) -> Item:
        """Replace an item"""
        return _update(get_item_or_404(item_id), data)

    @blp.arguments(item_patch_schema)
    @blp.response(200, ItemSchema)
    def patch(self, data: dict[str, Any], item_id: int) -> Item:
        """Update some fields of an item"""
        return _update(get_item_or_404(item_id), data)

    @blp.response(204)
    def delete(self, item_id: int) -> None:
        """Delete an item"""
        db.session.delete(get_item_or_404(item_id))
        db.session.commit()


def _update(item: Item, data: dict[str, Any]) -> Item:
    for field, value in data.items():
        setattr(item, field, value)
    db.session.commit()
    return item
