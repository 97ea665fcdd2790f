"""The harness hands out real, private PostgreSQL databases."""

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from libs.testing.postgres import (
    PostgresUnavailable,
    database_on,
    find_server_binaries,
    postgres_database,
    postgres_server,
    throwaway_server,
)


def query(url, statement):
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()[0]


@pytest.fixture(scope="module")
def server():
    with throwaway_server() as url:
        yield url


def test_databases_are_private_empty_and_dropped_afterwards(server):
    with database_on(server) as first, database_on(server) as second:
        names = {make_url(first.url).database, make_url(second.url).database}
        assert len(names) == 2
        assert first.server_version[0].isdigit()
        assert query(first.url, "SELECT current_database()") in names
        assert query(first.url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
        existing = query(server, "SELECT array_agg(datname::text) FROM pg_database")
        assert names <= set(existing)
    remaining = query(server, "SELECT array_agg(datname::text) FROM pg_database")
    assert names.isdisjoint(remaining)


def test_test_database_url_is_used_when_set(server, monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", server)
    with postgres_database() as database:
        assert make_url(database.url).port == make_url(server).port


def test_throwaway_server_is_used_otherwise_and_stopped_afterwards(monkeypatch):
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    with postgres_database() as database:
        assert query(database.url, "SELECT 1") == 1
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(database.url, connect_timeout=2)


def test_a_server_can_be_stopped_and_started_again_with_its_data():
    with postgres_server(synchronous_commit="on") as server:
        with psycopg2.connect(server.url) as connection, connection.cursor() as cursor:
            cursor.execute("CREATE TABLE kept (value int); INSERT INTO kept VALUES (42)")
        assert query(server.url, "SHOW synchronous_commit") == "on"

        server.stop()
        with pytest.raises(psycopg2.OperationalError):
            psycopg2.connect(server.url, connect_timeout=2)

        server.start()
        assert query(server.url, "SELECT value FROM kept") == 42
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(server.url, connect_timeout=2)


def test_missing_binaries_say_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr("libs.testing.tools.glob.glob", lambda pattern: [])
    with pytest.raises(PostgresUnavailable, match="apt-get install postgresql"):
        find_server_binaries()
