"""Reading and writing a user's items; nobody reaches another user's items."""

from __future__ import annotations

from typing import Any

from flask_smorest import abort
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm.exc import StaleDataError

from services.api.columns import utcnow
from services.api.extensions import db
from services.api.items.models import Item
from services.api.users.models import User

# Each sort key, with the id as tie-breaker so that pages never overlap or skip an item.
ORDERINGS: dict[str, tuple[ColumnElement[Any], ...]] = {
    "name": (Item.name.asc(), Item.id.asc()),
    "-name": (Item.name.desc(), Item.id.desc()),
    "created_at": (Item.created_at.asc(), Item.id.asc()),
    "-created_at": (Item.created_at.desc(), Item.id.desc()),
}
CHANGED_MEANWHILE = "The item changed since you read it; fetch it again."
# PostgreSQL takes OFFSET as a bigint; a page further than that is past the end of any table.
MAX_OFFSET = 2**63 - 1


def _owned_by(owner: User, name: str | None) -> Select[tuple[Item]]:
    statement = select(Item).where(Item.owner_id == owner.id)
    if name is not None:
        statement = statement.where(Item.name.icontains(name, autoescape=True))
    return statement


def list_page(
    owner: User, *, sort: str, name: str | None, offset: int, limit: int
) -> tuple[list[Item], int]:
    """One page of the owner's items, and how many there are in all."""
    # The total rides along on every row (a window over the filtered set), so a page costs one
    # query; only a page past the end, which has no rows to carry it, needs a count.
    statement = (
        _owned_by(owner, name)
        .add_columns(func.count().over().label("total"))
        .order_by(*ORDERINGS[sort])
        .offset(offset)
        .limit(limit)
    )
    rows = db.session.execute(statement).all() if offset <= MAX_OFFSET else []
    if rows:
        return [row.Item for row in rows], rows[0].total
    if offset == 0:
        return [], 0
    count = select(func.count()).select_from(_owned_by(owner, name).subquery())
    return [], db.session.scalar(count) or 0


def get_owned_or_404(owner: User, item_id: int) -> Item:
    """The owner's item `item_id`; another user's item is as missing as one that never existed."""
    statement = select(Item).where(Item.id == item_id, Item.owner_id == owner.id)
    return db.session.scalar(statement) or abort(404, message=f"Item {item_id} not found.")


def create(owner: User, data: dict[str, Any]) -> Item:
    """Store a new item owned by `owner`."""
    item = Item(**data, owner_id=owner.id)
    db.session.add(item)
    db.session.commit()
    return item


def update(item: Item, data: dict[str, Any]) -> Item:
    """Write `data` over `item`; 412 if someone else changed it after it was read."""
    for field, value in data.items():
        setattr(item, field, value)
    # Always write, so every update is checked against, and bumps, the version.
    item.updated_at = utcnow()
    _commit_or_412()
    return item


def delete(item: Item) -> None:
    """Delete `item`; 412 if someone else changed it after it was read."""
    db.session.delete(item)
    _commit_or_412()


def _commit_or_412() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        abort(412, message=CHANGED_MEANWHILE)
