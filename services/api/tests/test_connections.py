"""Pooled connections: reads without a transaction, writes in one, dead connections replaced."""

import time
from collections.abc import Iterator
from contextlib import ExitStack

import psycopg2
import pytest
from psycopg2.extensions import TRANSACTION_STATUS_IDLE, TRANSACTION_STATUS_INTRANS
from sqlalchemy import Engine, create_engine, func, select, text

from services.api.connections import SINGLE_STATEMENT, init_connections
from services.api.items.models import Item
from services.api.reads import read
from services.api.tests.factories import UserFactory

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


def test_a_write_rolled_back_leaves_nothing_behind(db):
    owner = UserFactory()
    db.session.add(Item(owner_id=owner.id, name="draft", price=1, version=1))
    db.session.flush()  # the INSERT has run...
    db.session.rollback()  # ...and is undone: it was inside a transaction, not autocommitted
    assert db.session.scalar(select(func.count()).select_from(Item)) == 0


def test_a_read_after_session_work_sees_it_on_the_same_connection(db):
    owner = UserFactory()
    db.session.add(Item(owner_id=owner.id, name="draft", price=1, version=1))
    db.session.flush()  # not committed: only the session's own connection can see it
    names = select(Item.name).where(Item.owner_id == owner.id)
    assert [row["name"] for row in read(names, {})] == ["draft"]
    assert db.engine.pool.checkedout() == 1


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
