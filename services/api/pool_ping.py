"""Ping pooled connections that sat idle, instead of every connection at every checkout.

SQLAlchemy's `pool_pre_ping` sends `SELECT 1` on each checkout: under load that is an extra
round trip (and, with psycopg2, a transaction to roll back) on every request. A connection in
steady use has just proved it works; one that sat idle may have been dropped by the server,
a restart or a failover, and is the one worth checking before it is handed out.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event, exc

_CHECKED_IN_AT = "services.api.checked_in_at"


def ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Check a connection idle for longer than `idle_seconds`; replace it if it is dead."""

    def on_checkin(dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    def on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at <= idle_seconds:
            return  # new, or in use a moment ago
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_connection.rollback()
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out another (SQLAlchemy's contract).
            raise exc.DisconnectionError(str(error)) from error

    event.listen(engine, "checkin", on_checkin)
    event.listen(engine, "checkout", on_checkout)
