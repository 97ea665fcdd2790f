"""The benchmark's items: at least 10,000 rows, bulk inserted, spread over their owners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg2
from psycopg2 import sql
from psycopg2.extras import execute_values

ITEM_COLUMNS = ("name", "description", "price", "created_at", "updated_at")
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_OWNER_COLUMN = """
SELECT kcu.column_name
FROM information_schema.table_constraints AS tc
JOIN information_schema.key_column_usage AS kcu
  ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name
JOIN information_schema.constraint_column_usage AS ccu
  ON ccu.constraint_schema = tc.constraint_schema AND ccu.constraint_name = tc.constraint_name
WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = 'items' AND ccu.table_name = 'users'
"""


def has_version_column(cursor: Any) -> bool:
    """Whether items carry an optimistic-locking `version` (the API contract adds one)."""
    cursor.execute(
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_name = 'items' AND column_name = 'version'"
    )
    return bool(cursor.fetchall())


def owner_column(cursor: Any) -> str | None:
    """The items column that references users, or None while items have no owner."""
    cursor.execute(_OWNER_COLUMN)
    rows = cursor.fetchall()
    if len(rows) > 1:
        raise RuntimeError(f"items has several foreign keys to users: {rows}")
    return str(rows[0][0]) if rows else None


def seed_items(
    cursor: Any, count: int, owner_ids: list[int], column: str | None
) -> dict[int | None, list[int]]:
    """Bulk insert `count` items owned round-robin by `owner_ids`; return the ids per owner.

    With no owners (`column` None) every id is listed under the key None.
    """
    if bool(owner_ids) != bool(column):
        raise ValueError("owners and the owner column come together")
    versioned = has_version_column(cursor)
    columns = ITEM_COLUMNS + (("version",) if versioned else ()) + ((column,) if column else ())
    statement = sql.SQL("INSERT INTO items ({}) VALUES %s RETURNING id").format(
        sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    rows = item_rows(count, owner_ids, versioned)
    inserted = execute_values(cursor, statement.as_string(cursor), rows, page_size=1000, fetch=True)
    keys: list[int | None] = [*owner_ids] if owner_ids else [None]
    ids: dict[int | None, list[int]] = {owner: [] for owner in keys}
    for n, (item_id,) in enumerate(inserted):
        ids[owner_ids[n % len(owner_ids)] if owner_ids else None].append(item_id)
    return ids


def settle(database_url: str) -> None:
    """VACUUM (ANALYZE) the freshly seeded items, as autovacuum would have in production: the
    planner gets statistics, and the visibility map lets index-only scans (a page's total)
    skip the heap instead of checking each of the owner's rows there."""
    connection = psycopg2.connect(database_url)
    try:
        connection.autocommit = True  # VACUUM cannot run inside a transaction
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) items")
    finally:
        connection.close()


def item_rows(
    count: int, owner_ids: list[int], versioned: bool = False
) -> list[tuple[object, ...]]:
    """Deterministic item rows, created a second apart; then version 1 if `versioned`, then
    the owner's id if any."""
    rows: list[tuple[object, ...]] = []
    for n in range(count):
        created = _EPOCH + timedelta(seconds=n)
        row: tuple[object, ...] = (
            f"item {n}",
            f"Seeded item number {n} of the benchmark data set.",
            Decimal(n % 100_000).scaleb(-2),
            created,
            created,
        ) + ((1,) if versioned else ())
        rows.append((*row, owner_ids[n % len(owner_ids)]) if owner_ids else row)
    return rows
