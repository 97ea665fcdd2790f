"""A pooled connection the server dropped while it sat idle is replaced, not handed out."""

import time

import pytest
from sqlalchemy import create_engine, exc, text

from services.api.pool_ping import ping_after_idle


def backend_pid(engine):
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def terminate(url, pid):
    admin = create_engine(url)
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        connection.commit()
    admin.dispose()


@pytest.fixture
def engine(database):
    engine = create_engine(database.url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def test_a_connection_dropped_while_idle_is_replaced(engine, database):
    ping_after_idle(engine, idle_seconds=0.05)
    first = backend_pid(engine)
    terminate(database.url, first)
    time.sleep(0.2)  # idle for longer than idle_seconds: the checkout pings it

    assert backend_pid(engine) != first


def test_a_connection_in_steady_use_is_not_pinged(engine, database):
    ping_after_idle(engine, idle_seconds=3600)
    terminate(database.url, backend_pid(engine))

    # No ping, so the dead connection is used and fails once; the pool then replaces it.
    with pytest.raises(exc.OperationalError):
        backend_pid(engine)
    assert backend_pid(engine) > 0
