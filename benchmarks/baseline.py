"""The baseline app: bare Flask handlers, one psycopg2 query each, a pool sized to the threads.

Served by gunicorn as `benchmarks.baseline:create_app()`, configured from the environment:
BENCH_DATABASE_URL, BENCH_POOL_SIZE (the gunicorn threads), BENCH_LIST_SORT (a key of
LIST_SORTS, the service's list order), BENCH_VERSIONED (1 when items have a `version` column,
which a create sets to 1), and BENCH_OWNER_COLUMN with BENCH_OWNER_ID: reads and
writes only that owner's items, as the authenticated service does (unset while items have no
owner); BENCH_WRITER_ID, when set, owns what creates add instead, as in the service's run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, abort, request
from psycopg2 import sql
from psycopg2.pool import ThreadedConnectionPool

PAGE_SIZE = 50
COLUMNS = ("id", "name", "description", "price", "created_at", "updated_at")
LIST_SORTS = {
    "id": "id",
    "-id": "id DESC",
    "created_at": "created_at, id",
    "-created_at": "created_at DESC, id DESC",
}


@dataclass(frozen=True)
class BaselineConfig:
    """Where the baseline reads from and how many connections each worker keeps."""

    database_url: str
    pool_size: int
    list_sort: str = "id"
    owner_column: str | None = None
    owner_id: int | None = None
    writer_id: int | None = None
    versioned: bool = False

    @classmethod
    def from_env(cls) -> BaselineConfig:
        """Read the BENCH_* variables."""
        owner, writer = os.environ.get("BENCH_OWNER_ID"), os.environ.get("BENCH_WRITER_ID")
        return cls(
            database_url=os.environ["BENCH_DATABASE_URL"],
            pool_size=int(os.environ["BENCH_POOL_SIZE"]),
            list_sort=os.environ.get("BENCH_LIST_SORT", "id"),
            owner_column=os.environ.get("BENCH_OWNER_COLUMN") or None,
            owner_id=int(owner) if owner else None,
            writer_id=int(writer) if writer else None,
            versioned=os.environ.get("BENCH_VERSIONED") == "1",
        )


def statements(config: BaselineConfig) -> dict[str, sql.Composed]:
    """The one statement each endpoint runs."""
    if config.list_sort not in LIST_SORTS:
        raise ValueError(f"BENCH_LIST_SORT must be one of {sorted(LIST_SORTS)}")
    columns = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
    owned = sql.SQL("")
    insert_columns = list(COLUMNS[1:]) + (["version"] if config.versioned else [])
    if (config.owner_column is None) != (config.owner_id is None):
        raise ValueError("BENCH_OWNER_COLUMN and BENCH_OWNER_ID come together")
    if config.owner_column is not None:
        owned = sql.SQL(" AND {} = {}").format(
            sql.Identifier(config.owner_column), sql.Literal(config.owner_id)
        )
        insert_columns.append(config.owner_column)
    return {
        "one": sql.SQL("SELECT {} FROM items WHERE id = %s{}").format(columns, owned),
        "list": sql.SQL("SELECT {} FROM items WHERE TRUE{} ORDER BY {} LIMIT {}").format(
            columns, owned, sql.SQL(LIST_SORTS[config.list_sort]), sql.Literal(PAGE_SIZE)
        ),
        "create": sql.SQL("INSERT INTO items ({}) VALUES ({}) RETURNING {}").format(
            sql.SQL(", ").join(map(sql.Identifier, insert_columns)),
            sql.SQL(", ").join(sql.Placeholder() * len(insert_columns)),
            columns,
        ),
    }


class Database:
    """A connection pool made in each worker process on first use (never shared over fork)."""

    def __init__(self, config: BaselineConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._pool: ThreadedConnectionPool | None = None
        self.queries: dict[str, str] = {}

    def _ready_pool(self) -> ThreadedConnectionPool:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool, self._pid = self._open(), os.getpid()
            return self._pool

    def _open(self) -> ThreadedConnectionPool:
        size = self.config.pool_size
        pool = ThreadedConnectionPool(size, size, self.config.database_url)
        connection = pool.getconn()
        self.queries = {
            name: statement.as_string(connection)
            for name, statement in statements(self.config).items()
        }
        pool.putconn(connection)
        return pool

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        """A cursor on a pooled connection in autocommit: one statement, one round trip."""
        pool = self._ready_pool()
        connection = pool.getconn()
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                yield cursor
        finally:
            pool.putconn(connection)

    def fetch(self, name: str, parameters: tuple[object, ...]) -> list[tuple[Any, ...]]:
        """Run statement `name` once and return its rows."""
        with self.cursor() as cursor:
            cursor.execute(self.queries[name], parameters)
            return list(cursor.fetchall())


def as_json(row: tuple[Any, ...]) -> dict[str, object]:
    """An item row in the service's JSON shape."""
    item_id, name, description, price, created_at, updated_at = row
    return {
        "id": item_id,
        "name": name,
        "description": description,
        "price": str(price),
        # The service's format: always with microseconds.
        "created_at": created_at.isoformat(timespec="microseconds"),
        "updated_at": updated_at.isoformat(timespec="microseconds"),
    }


def create_app(config: BaselineConfig | None = None) -> Flask:
    """The baseline app, configured from the environment when no config is given."""
    config = config or BaselineConfig.from_env()
    statements(config)  # refuse a bad configuration at start-up, not on the first request
    database = Database(config)
    app = Flask(__name__)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/items/<int:item_id>")
    def get_item(item_id: int) -> dict[str, object]:
        rows = database.fetch("one", (item_id,))
        if not rows:
            abort(404)
        return as_json(rows[0])

    @app.get("/items")
    def list_items() -> list[dict[str, object]]:
        return [as_json(row) for row in database.fetch("list", ())]

    @app.post("/items")
    def create_item() -> tuple[dict[str, object], int, dict[str, str]]:
        data = request.get_json()
        now = datetime.now(UTC)
        values: tuple[object, ...] = (
            data["name"],
            data.get("description"),
            data["price"],
            now,
            now,
        )
        if config.versioned:
            values += (1,)
        if config.owner_id is not None:
            values += (config.writer_id or config.owner_id,)
        item = as_json(database.fetch("create", values)[0])
        return item, 201, {"Location": f"/items/{item['id']}"}

    return app
