"""The /api/v1/items endpoints: each user's own items, paginated, with ETags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, current_app, url_for
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from services.api.auth.bearer import current_user_id
from services.api.blueprint import Blueprint
from services.api.items import service
from services.api.items.models import Item
from services.api.items.schemas import ItemPatchSchema, ItemQuerySchema, ItemSchema

blp = Blueprint("items", __name__, url_prefix="/api/v1/items", description="Items.")

item_patch_schema = ItemPatchSchema(partial=True)


def etag_data(item: Item | Mapping[str, Any]) -> dict[str, int]:
    """What an item's ETag is computed from: any change bumps its version."""
    if isinstance(item, Item):
        return {"id": item.id, "version": item.version}
    return {"id": item["id"], "version": item["version"]}


@blp.route("")
class Items(MethodView):
    """The caller's items."""

    @blp.auth_required
    @blp.arguments(ItemQuerySchema, location="query")
    @blp.response(200, ItemSchema(many=True))
    @blp.paginate()
    def get(self, query: dict[str, Any], pagination_parameters: PaginationParameters) -> Response:
        """List your items"""
        # The page comes as the JSON ItemSchema(many=True) documents, ready to send.
        items, pagination_parameters.item_count = service.list_page(
            current_user_id(),
            sort=query["sort"],
            name=query.get("name"),
            offset=pagination_parameters.first_item,
            limit=pagination_parameters.page_size,
        )
        return current_app.response_class(items, mimetype="application/json")

    @blp.auth_required
    @blp.etag
    @blp.arguments(ItemSchema)
    @blp.response(201, ItemSchema, headers={"Location": {"schema": {"type": "string"}}})
    def post(self, data: dict[str, Any]) -> tuple[Mapping[str, Any], dict[str, str]]:
        """Create an item"""
        item = service.create(current_user_id(), data)
        blp.set_etag(etag_data(item))
        return item, {"Location": url_for("items.ItemById", item_id=item["id"])}


@blp.route("/<int:item_id>")
class ItemById(MethodView):
    """One of the caller's items; PUT, PATCH and DELETE need its current ETag in If-Match."""

    @blp.auth_required
    @blp.etag
    @blp.response(200, ItemSchema)
    def get(self, item_id: int) -> Mapping[str, Any]:
        """Get one of your items"""
        item = service.get_owned_or_404(current_user_id(), item_id)
        blp.set_etag(etag_data(item))
        return item

    @blp.auth_required
    @blp.etag
    @blp.arguments(ItemSchema)
    @blp.response(200, ItemSchema)
    def put(self, data: dict[str, Any], item_id: int) -> Item:
        """Replace one of your items"""
        return _update(item_id, data)

    @blp.auth_required
    @blp.etag
    @blp.arguments(item_patch_schema)
    @blp.response(200, ItemSchema)
    def patch(self, data: dict[str, Any], item_id: int) -> Item:
        """Update some fields of one of your items"""
        return _update(item_id, data)

    @blp.auth_required
    @blp.etag
    @blp.response(204)
    def delete(self, item_id: int) -> None:
        """Delete one of your items"""
        item = service.get_owned_for_update_or_404(current_user_id(), item_id)
        blp.check_etag(etag_data(item))
        service.delete(item)


def _update(item_id: int, data: dict[str, Any]) -> Item:
    item = service.get_owned_for_update_or_404(current_user_id(), item_id)
    blp.check_etag(etag_data(item))
    service.update(item, data)
    blp.set_etag(etag_data(item))
    return item
