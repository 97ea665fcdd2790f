"""Reading and writing a user's items; nobody reaches another user's items.

Reads are one prepared statement each in autocommit (`reads.read`), so no BEGIN or ROLLBACK
round trip surrounds them: an item comes back as a plain mapping (no ORM identity map or
change tracking: it is only serialized), a page as JSON text (`pages`). Writes run in a
transaction: a create is one INSERT ... RETURNING; updates and deletes load ORM objects, whose
version column SQLAlchemy checks and bumps.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NoReturn

from flask import current_app
from flask_smorest import abort
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from services.api.auth.bearer import current_user
from services.api.columns import utcnow
from services.api.extensions import db
from services.api.items import pages
from services.api.items.models import PRICE_SCALE, Item
from services.api.items.schemas import ItemSchema
from services.api.reads import read

CHANGED_MEANWHILE = "The item changed since you read it; fetch it again."
# PostgreSQL takes OFFSET as a bigint; a page further than that is past the end of any table.
MAX_OFFSET = 2**63 - 1
# Item ids are PostgreSQL integers: a larger id names no item, and would not fit the prepared
# read's integer parameter.
MAX_ID = 2**31 - 1
ITEMS = Item.__table__
CENT = Decimal(1).scaleb(-PRICE_SCALE)


def _as_stored(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with the price at the column's scale, as the database returns it (3 -> 3.00)."""
    if data.get("price") is not None:
        return {**data, "price": Decimal(data["price"]).quantize(CENT)}
    return data


def _contains(text: str) -> str:
    """An ILIKE pattern matching names that contain `text`, with its % and _ taken literally."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


# Statements are built once, with bound parameters: building one and computing its cache key
# took longer than running it.
ONE_OWNED = select(ITEMS).where(
    ITEMS.c.id == bindparam("item_id"), ITEMS.c.owner_id == bindparam("owner_id")
)
# The column defaults (created_at, updated_at) apply; the version the ORM would start at is set.
INSERT = insert(ITEMS).returning(*ITEMS.c)
FIRST_VERSION = 1
ONE_OWNED_FOR_UPDATE = select(Item).where(
    Item.id == bindparam("item_id"), Item.owner_id == bindparam("owner_id")
)


def list_page(
    owner_id: int, *, sort: str, name: str | None, offset: int, limit: int
) -> tuple[str, int]:
    """One page of the owner's items as a JSON array, and how many there are in all."""
    filtered = name is not None
    parameters: dict[str, Any] = {
        "owner_id": owner_id,
        "offset": min(offset, MAX_OFFSET),
        "limit": limit,
    }
    if name is not None:
        parameters["pattern"] = _contains(name)
    if db.engine.dialect.name == "postgresql":
        [page] = read(pages.json_page(sort, filtered), parameters)
        items, total = page["items"], page["total"]
    else:
        rows = read(pages.rows_page(sort, filtered), parameters)
        items = current_app.json.dumps(ItemSchema(many=True).dump(rows))
        [counted] = read(pages.count(filtered), parameters)
        total = counted["total"]
    if not total:
        current_user()  # no item proved the owner exists: 401 if the account is gone
    return items, total


def get_owned_or_404(owner_id: int, item_id: int) -> Mapping[str, Any]:
    """The owner's item `item_id` as a row; another user's item is as missing as none at all."""
    rows = read(ONE_OWNED, {"item_id": item_id, "owner_id": owner_id}) if item_id <= MAX_ID else []
    if not rows:
        _missing(item_id)
    return rows[0]


def get_owned_for_update_or_404(owner_id: int, item_id: int) -> Item:
    """The owner's item `item_id` as an ORM object, to update or delete."""
    parameters = {"item_id": item_id, "owner_id": owner_id}
    item: Item | None = db.session.scalar(ONE_OWNED_FOR_UPDATE, parameters)
    if item is None:
        _missing(item_id)
    return item


def _missing(item_id: int) -> NoReturn:
    current_user()  # 401 rather than 404 when the token's user is gone
    abort(404, message=f"Item {item_id} not found.")
    raise AssertionError("unreachable: abort raises")


def create(owner_id: int, data: dict[str, Any]) -> Mapping[str, Any]:
    """Store a new item owned by `owner_id`; 401 if that user no longer exists.

    One INSERT ... RETURNING rather than an ORM flush: there is no version to check, and the
    row it returns is what the response shows.
    """
    values = {**_as_stored(data), "owner_id": owner_id, "version": FIRST_VERSION}
    try:
        item = dict(db.session.execute(INSERT, values).mappings().one())
        db.session.commit()
    except IntegrityError:
        # The owner foreign key: the only constraint the validated data can break.
        db.session.rollback()
        current_user()
        raise
    return item


def update(item: Item, data: dict[str, Any]) -> Item:
    """Write `data` over `item`; 412 if someone else changed it after it was read."""
    for field, value in _as_stored(data).items():
        setattr(item, field, value)
    # Always write, so every update is checked against, and bumps, the version.
    item.updated_at = utcnow()
    _commit_or_412(item)
    return item


def delete(item: Item) -> None:
    """Delete `item`; 412 if someone else changed it after it was read."""
    db.session.delete(item)
    _commit_or_412(item)


def _commit_keeping(item: Item) -> None:
    """Commit without expiring `item`: what was just written is what the response shows, so
    reading it back would be a wasted query (every column is set by Python, none by the server).
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _commit_or_412(item: Item) -> None:
    try:
        _commit_keeping(item)
    except StaleDataError:
        db.session.rollback()
        abort(412, message=CHANGED_MEANWHILE)
