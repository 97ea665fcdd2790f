"""Reads: one statement, one round trip, as a server-side prepared statement.

psycopg2 sends every statement as text, so PostgreSQL parsed and planned the same few reads
on every request (planning a page of items took longer than running it). Each read is
prepared once per pooled connection (`PREPARE`), then run with `EXECUTE`. The statement is
compiled once, and run on a plain psycopg2 cursor: SQLAlchemy's per-statement machinery
(execution context, result object, row proxies) cost more than the round trip. psycopg2
returns what SQLAlchemy's PostgreSQL types would (int, str, Decimal for NUMERIC, aware
datetimes for timestamptz: none of them has a result processor there).

Prepared statements belong to a server session: they suit a direct connection or a session
pooler, not a transaction-pooling proxy such as PgBouncer in transaction mode.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from typing import Any

import psycopg2
import psycopg2.errors
from sqlalchemy import Dialect, Engine, Select
from sqlalchemy.exc import DBAPIError

from services.api.connections import SINGLE_STATEMENT
from services.api.extensions import db

# Where a pooled connection's record keeps the names it has prepared; SQLAlchemy empties it
# when the connection is replaced, so a new server session prepares them again.
PREPARED_KEY = "prepared_reads"
_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")


@dataclass(frozen=True)
class PreparedRead:
    """A read's PREPARE and EXECUTE statements, and the names of its result columns."""

    name: str
    prepare: str
    execute: str
    columns: tuple[str, ...]


def read(statement: Select[Any], parameters: dict[str, Any]) -> list[Mapping[str, Any]]:
    """The rows of one read-only statement, run on its own: no transaction around it."""
    if db.session.registry.has() and db.session().in_transaction():
        # The request holds a connection already; with one pooled connection per thread, a
        # second one could wait until the pool times out.
        return [dict(row) for row in db.session.execute(statement, parameters).mappings()]
    engine = db.engine
    if engine.dialect.driver != "psycopg2":  # the embedded SQLite of local development
        with engine.connect().execution_options(**{SINGLE_STATEMENT: True}) as connection:
            return [dict(row) for row in connection.execute(statement, parameters).mappings()]
    return read_on(engine, statement, parameters)


def read_on(
    engine: Engine, statement: Select[Any], parameters: dict[str, Any]
) -> list[Mapping[str, Any]]:
    """The rows of `statement`, prepared and run on one of `engine`'s pooled connections."""
    prepared = prepare(statement, engine.dialect)
    return [
        dict(zip(prepared.columns, row, strict=False))
        for row in _fetch_all(engine, prepared, parameters)
    ]


@cache
def prepare(statement: Select[Any], dialect: Dialect) -> PreparedRead:
    """`statement` as PREPARE and EXECUTE statements, named after its SQL."""
    sql = statement.compile(dialect=dialect).string
    if "POSTCOMPILE" in sql:  # expanding IN lists and the like need SQLAlchemy at run time
        raise ValueError(f"not a preparable read: {sql}")
    names: list[str] = []

    def positional(match: re.Match[str]) -> str:
        if match.group(1) is None:  # psycopg2's escaped percent sign
            return "%"
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    body = _PLACEHOLDER.sub(positional, sql)
    name = "read_" + hashlib.sha256(sql.encode()).hexdigest()[:16]
    arguments = f" ({', '.join(f'%({n})s' for n in names)})" if names else ""
    return PreparedRead(
        name=name,
        prepare=f"PREPARE {name} AS {body}",
        execute=f"EXECUTE {name}{arguments}",
        columns=tuple(statement.selected_columns.keys()),
    )


def _fetch_all(engine: Engine, prepared: PreparedRead, parameters: dict[str, Any]) -> Sequence[Any]:
    """Run `prepared` on a pooled connection; psycopg2's errors become SQLAlchemy's, as on
    any other path, and a connection the error shows dead leaves the pool."""
    try:
        connection = engine.raw_connection()
    except psycopg2.Error as error:
        raise DBAPIError.instance(None, None, error, psycopg2.Error) from error
    try:
        with closing(connection.cursor()) as cursor:
            _execute(cursor, connection.info.setdefault(PREPARED_KEY, set()), prepared, parameters)
            return cursor.fetchall()
    except psycopg2.Error as error:
        gone = engine.dialect.is_disconnect(error, connection.dbapi_connection, None)
        if gone:
            connection.invalidate(error)
        raise DBAPIError.instance(
            prepared.execute, parameters, error, psycopg2.Error, connection_invalidated=gone
        ) from error
    finally:
        connection.close()


def _execute(
    cursor: Any, prepared_names: set[str], prepared: PreparedRead, parameters: dict[str, Any]
) -> None:
    if prepared.name not in prepared_names:
        cursor.execute(prepared.prepare)
        prepared_names.add(prepared.name)
    try:
        cursor.execute(prepared.execute, parameters)
    except psycopg2.errors.FeatureNotSupported:
        # "cached plan must not change result type": a migration changed a column's type
        # since this connection prepared the read. Prepare it afresh, once.
        cursor.execute(f"DEALLOCATE {prepared.name}")
        cursor.execute(prepared.prepare)
        cursor.execute(prepared.execute, parameters)
