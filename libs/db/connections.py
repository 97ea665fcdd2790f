"""PostgreSQL connections: one round trip for a read, a real transaction for everything else.

Pooled psycopg2 connections idle in autocommit. A SQLAlchemy transaction turns autocommit off
before its first statement, so psycopg2 sends BEGIN and the transaction's COMMIT or ROLLBACK
are real, unless its connection carries the SINGLE_STATEMENT execution option: then the
statement runs on its own, with no BEGIN, COMMIT or ROLLBACK around it. Switching psycopg2's
autocommit sends nothing to the server (SQLAlchemy's AUTOCOMMIT isolation level would send a
SET each way, and its pre-ping a SELECT 1 on every checkout).
"""

from __future__ import annotations

import select
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session

SINGLE_STATEMENT = "single_statement"


def init_connections(engine: Engine) -> None:
    """Make `engine`'s PostgreSQL connections behave as the module docstring says."""
    event.listen(engine, "connect", _idle_in_autocommit)
    event.listen(engine, "checkout", _refuse_if_closed_by_server)
    event.listen(engine, "begin", _begin)
    event.listen(engine, "checkin", _idle_in_autocommit)


def read_in_autocommit(session: Session) -> None:
    """Run `session`'s next statements on their own, without a transaction: for reads only.

    A no-op once the session has begun; on SQLite (no `init_connections`) the option is unused.
    """
    if not session.in_transaction():
        session.connection(execution_options={SINGLE_STATEMENT: True})


def _idle_in_autocommit(dbapi_connection: Any, connection_record: object) -> None:
    # None or closed: the pool invalidated the connection on its way back.
    if dbapi_connection is not None and not dbapi_connection.closed:
        dbapi_connection.autocommit = True


def _begin(connection: Connection) -> None:
    if not connection.get_execution_options().get(SINGLE_STATEMENT):
        dbapi_connection: Any = connection.connection.dbapi_connection
        dbapi_connection.autocommit = False


def _refuse_if_closed_by_server(
    dbapi_connection: Any, connection_record: object, connection_proxy: object
) -> None:
    """Replace a pooled connection the server has closed, without a round trip.

    An idle connection has nothing to read, unless its server went away (a restart, a
    failover, an idle timeout): a closing server sends a last FATAL message and closes the
    socket. Raising DisconnectionError makes the pool connect afresh and hand that out instead.
    """
    if dbapi_connection.closed:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection")
