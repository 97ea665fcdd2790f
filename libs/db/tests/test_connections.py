"""Pooled connections: reads without a transaction, writes in one, dead connections replaced."""

import time
from collections.abc import Iterator
from contextlib import ExitStack

import psycopg2
import pytest
from psycopg2.extensions import TRANSACTION_STATUS_IDLE, TRANSACTION_STATUS_INTRANS
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

from libs.db.connections import SINGLE_STATEMENT, init_connections, read_in_autocommit

POOL_SIZE = 3


@pytest.fixture
def engine(database) -> Iterator[Engine]:
    """An engine of its own, so that killing its connections disturbs no other test."""
    engine = create_engine(database.url, pool_size=POOL_SIZE, max_overflow=0, pool_timeout=5)
    init_connections(engine)
    yield engine
    engine.dispose()


def transaction_status(connection):
    """Whether the server holds a transaction open on `connection` (psycopg2's constants)."""
    return connection.connection.dbapi_connection.info.transaction_status


def test_a_single_statement_read_leaves_no_transaction_to_end(engine):
    with ExitStack() as stack:  # every pooled connection has been in a transaction before
        for _ in range(POOL_SIZE):
            stack.enter_context(engine.begin()).scalar(select(1))
    with engine.connect().execution_options(**{SINGLE_STATEMENT: True}) as connection:
        assert connection.scalar(select(1)) == 1
        # No BEGIN was sent, so no COMMIT or ROLLBACK round trip is owed either.
        assert transaction_status(connection) == TRANSACTION_STATUS_IDLE


def test_any_other_statement_runs_in_a_transaction(engine):
    with engine.connect() as connection:
        connection.scalar(select(1))
        assert transaction_status(connection) == TRANSACTION_STATUS_INTRANS


def test_a_session_told_to_read_in_autocommit_sends_no_begin(engine):
    with Session(engine) as session:
        read_in_autocommit(session)
        assert session.scalar(select(1)) == 1
        assert transaction_status(session.connection()) == TRANSACTION_STATUS_IDLE


def test_a_session_that_has_begun_keeps_its_transaction(engine):
    with Session(engine) as session:
        session.execute(text("SELECT 1"))
        read_in_autocommit(session)  # too late: the reads must see the session's own work
        assert transaction_status(session.connection()) == TRANSACTION_STATUS_INTRANS


def test_connections_the_server_closed_are_replaced_before_use(engine, database):
    with ExitStack() as stack:
        connections = [stack.enter_context(engine.connect()) for _ in range(POOL_SIZE)]
        pids = {connection.scalar(text("SELECT pg_backend_pid()")) for connection in connections}
    with psycopg2.connect(database.url, connect_timeout=5) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", (list(pids),))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (list(pids),)
            )
            if cursor.fetchone() == (0,):
                break
            time.sleep(0.05)
    admin.close()

    # Every pooled connection is dead; each checkout must hand out a live one instead.
    with ExitStack() as stack:
        connections = [stack.enter_context(engine.connect()) for _ in range(POOL_SIZE)]
        new_pids = {
            connection.scalar(text("SELECT pg_backend_pid()")) for connection in connections
        }
    assert len(new_pids) == POOL_SIZE
    assert not new_pids & pids
