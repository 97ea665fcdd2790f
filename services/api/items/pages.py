"""The statements that read a page of a user's items.

On PostgreSQL one statement returns the page already as JSON text, with the total: the
database formats the 50 rows of a page faster than Python builds, dumps and encodes them.
The JSON is what ItemSchema dumps (test_pages compares the two item by item). The embedded
SQLite of local development reads the rows, which ItemSchema dumps.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, bindparam, cast, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql.expression import ColumnClause

from libs.web.timestamp import UTC_TIMESTAMP_FORMAT
from services.api.items.models import Item

ITEMS = Item.__table__
# Each sort key: the column and whether it descends; the id breaks ties the same way, so that
# pages never overlap or skip an item.
SORTS = {
    "name": ("name", False),
    "-name": ("name", True),
    "created_at": ("created_at", False),
    "-created_at": ("created_at", True),
}


def _ordering(columns: Any, sort: str) -> tuple[ColumnElement[Any], ...]:
    key, descending = SORTS[sort]
    return tuple(
        column.desc() if descending else column.asc() for column in (columns[key], columns.id)
    )


def _owned_by(filtered: bool) -> list[ColumnElement[bool]]:
    conditions = [ITEMS.c.owner_id == bindparam("owner_id")]
    if filtered:
        conditions.append(ITEMS.c.name.ilike(bindparam("pattern"), escape="/"))
    return conditions


def _constant(text: str) -> ColumnClause[Any]:
    """A string constant written into the SQL, not a parameter a prepared read would need."""
    return literal_column("'" + text.replace("'", "''") + "'")


def _timestamp(column: Any) -> ColumnElement[str]:
    return func.to_char(func.timezone(_constant("UTC"), column), _constant(UTC_TIMESTAMP_FORMAT))


def _item_json(columns: Any) -> ColumnElement[Any]:
    """An item as a JSON object, its keys in the order Flask's JSON provider sorts them."""
    return func.json_build_object(
        _constant("created_at"), _timestamp(columns.created_at),
        _constant("description"), columns.description,
        _constant("id"), columns.id,
        _constant("name"), columns.name,
        _constant("price"), cast(columns.price, Text),
        _constant("updated_at"), _timestamp(columns.updated_at),
    )  # fmt: skip


@cache
def json_page(sort: str, filtered: bool) -> Select[Any]:
    """PostgreSQL: one row, `items` (the page as a JSON array, as text) and `total`.

    The total is an uncorrelated subquery, which PostgreSQL runs once and, without a name
    filter, answers from the owner's index entries alone.
    """
    owned = _owned_by(filtered)
    page = (
        select(ITEMS)
        .where(*owned)
        .order_by(*_ordering(ITEMS.c, sort))
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
        .subquery("page")
    )
    items = func.json_agg(aggregate_order_by(_item_json(page.c), *_ordering(page.c, sort)))
    return select(
        # Text, not json: psycopg2 would parse json into Python objects.
        cast(func.coalesce(items, literal_column("'[]'::json")), Text).label("items"),
        select(func.count()).where(*owned).scalar_subquery().label("total"),
    ).select_from(page)


@cache
def rows_page(sort: str, filtered: bool) -> Select[Any]:
    """Any other database: the page's rows."""
    return (
        select(ITEMS)
        .where(*_owned_by(filtered))
        .order_by(*_ordering(ITEMS.c, sort))
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


@cache
def count(filtered: bool) -> Select[Any]:
    """Any other database: how many items the owner has (that match the filter)."""
    return select(func.count().label("total")).where(*_owned_by(filtered))
