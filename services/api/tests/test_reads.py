"""Reads run as server-side prepared statements, prepared once per pooled connection."""

import time
from collections.abc import Iterator

import psycopg2
import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    literal_column,
    select,
)
from sqlalchemy.exc import OperationalError, ProgrammingError

from services.api.connections import init_connections
from services.api.reads import prepare, read_on

PROBES = Table(
    "reads_probes",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("owner", Integer),
    Column("name", String(20)),
)
OWNED = select(PROBES).where(PROBES.c.owner == bindparam("owner")).order_by(PROBES.c.id)


@pytest.fixture
def engine(database) -> Iterator[Engine]:
    """One pooled connection, so that every read of a test shares its server session."""
    engine = create_engine(database.url, pool_size=1, max_overflow=0, pool_timeout=5)
    init_connections(engine)
    PROBES.create(engine)
    with engine.begin() as connection:
        connection.execute(PROBES.insert(), [{"owner": 1, "name": "a"}, {"owner": 1, "name": "b"}])
        connection.execute(PROBES.insert(), {"owner": 2, "name": "c"})
    yield engine
    engine.dispose()
    PROBES.drop(create_engine(database.url))


def prepared_statements(engine):
    """What the pooled connection's server session has prepared: name -> executions."""
    connection = engine.raw_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, generic_plans + custom_plans FROM pg_prepared_statements")
            return dict(cursor.fetchall())
    finally:
        connection.close()


def test_a_read_is_prepared_once_then_only_executed(engine):
    first = read_on(engine, OWNED, {"owner": 1})
    second = read_on(engine, OWNED, {"owner": 2})
    assert [row["name"] for row in first] == ["a", "b"]
    assert [dict(row) for row in second] == [{"id": 3, "owner": 2, "name": "c"}]
    assert prepared_statements(engine) == {prepare(OWNED, engine.dialect).name: 2}


def test_a_parameter_used_twice_is_one_positional_parameter(engine):
    twice = select(PROBES.c.name).where(
        PROBES.c.owner == bindparam("owner"), PROBES.c.id > bindparam("owner")
    )
    prepared = prepare(twice, engine.dialect)
    assert "$1" in prepared.prepare and "$2" not in prepared.prepare
    assert prepared.execute.endswith("(%(owner)s)")
    assert read_on(engine, twice, {"owner": 2}) == [{"name": "c"}]


def test_a_literal_percent_sign_survives_preparing(engine):
    percent = select(literal_column("'100%'").label("share"))
    assert read_on(engine, percent, {}) == [{"share": "100%"}]


def test_a_read_prepared_before_a_column_type_change_is_prepared_again(engine, database):
    read_on(engine, OWNED, {"owner": 1})
    with psycopg2.connect(database.url) as connection, connection.cursor() as cursor:
        cursor.execute("ALTER TABLE reads_probes ALTER COLUMN name TYPE text")
    connection.close()
    # Without preparing again: "cached plan must not change result type".
    assert [row["name"] for row in read_on(engine, OWNED, {"owner": 1})] == ["a", "b"]


def test_a_replaced_connection_prepares_its_reads_again(engine, database):
    [pooled] = read_on(engine, select(literal_column("pg_backend_pid()").label("pid")), {})
    read_on(engine, OWNED, {"owner": 1})
    with psycopg2.connect(database.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (pooled["pid"],))
        assert cursor.fetchall() == [(True,)]
    connection.close()
    deadline = time.monotonic() + 5
    while True:  # the terminated session's socket closes a moment later
        try:
            rows = read_on(engine, OWNED, {"owner": 2})
            break
        except OperationalError:
            assert time.monotonic() < deadline, "the pool kept a dead connection"
    assert [row["name"] for row in rows] == ["c"]


def test_database_errors_are_sqlalchemys_as_everywhere_else(engine):
    missing = select(literal_column("nope")).select_from(PROBES)
    with pytest.raises(ProgrammingError, match="nope"):
        read_on(engine, missing, {})
    assert read_on(engine, OWNED, {"owner": 2})  # the connection is still usable
