"""Fixtures: a migrated PostgreSQL database per test process, an app, a client, factories."""

from collections.abc import Iterator

import psycopg2.extensions
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from libs.testing.apps import emptied_afterwards, migrated
from libs.testing.postgres import TestDatabase, postgres_database
from services.api.app import create_app
from services.api.extensions import db as sqlalchemy_db
from services.api.tests.factories import UserFactory, bearer, bearer_for, make_settings
from services.api.tests.probes import make_probe_app


@pytest.fixture(scope="session")
def database(request: pytest.FixtureRequest) -> Iterator[TestDatabase]:
    """An empty database on a real PostgreSQL server, private to this test process."""
    with postgres_database() as database:
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"PostgreSQL server {database.server_version}")
        yield database


@pytest.fixture(scope="session")
def app(database: TestDatabase) -> Flask:
    """The API on the test database, migrated to head."""
    return migrated(create_app(make_settings(database.url)))


@pytest.fixture
def db(app: Flask) -> Iterator[object]:
    """The SQLAlchemy handle inside an app context; every table is emptied afterwards."""
    with emptied_afterwards(app, sqlalchemy_db) as db:
        yield db


@pytest.fixture
def client(app: Flask, db: object) -> FlaskClient:
    """A test client on a clean database."""
    return app.test_client()


@pytest.fixture
def user(db: object) -> object:
    """A registered user (password: factories.PASSWORD)."""
    return UserFactory()


@pytest.fixture
def auth_headers(user: object) -> dict[str, str]:
    """Authorization headers with a valid access token for `user`."""
    return bearer(user)


@pytest.fixture
def auth_client(app: Flask, auth_headers: dict[str, str]) -> FlaskClient:
    """A test client that sends `user`'s bearer token with every request."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = auth_headers["Authorization"]
    return client


@pytest.fixture(scope="session")
def probe_app(app: Flask, database: TestDatabase) -> Flask:
    """The API with test-only failing routes, on the same migrated database."""
    return make_probe_app(database.url)


@pytest.fixture
def probe_client(probe_app: Flask, db: object) -> FlaskClient:
    """A test client of the probe app on a clean database."""
    return probe_app.test_client()


@pytest.fixture
def probe_auth_client(probe_app: Flask, user: object) -> FlaskClient:
    """A probe app client that sends `user`'s bearer token."""
    client = probe_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer_for(probe_app, user.id)["Authorization"]  # type: ignore[attr-defined]
    return client


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL of every statement the app sends while the test runs, whichever way it goes:
    through SQLAlchemy or as a prepared read (listed as the statement the EXECUTE runs; the
    PREPARE each connection sends once is listed too, as itself).
    """
    sent: list[str] = []
    prepared: dict[str, str] = {}

    class RecordingCursor(psycopg2.extensions.cursor):
        def execute(self, query: str, vars: object = None) -> None:  # psycopg2's name
            words = query.split(maxsplit=3)
            if words[0] == "PREPARE":  # PREPARE name AS statement
                prepared[words[1]] = words[3]
            sent.append(prepared[words[1]] if words[0] == "EXECUTE" else query)
            super().execute(query, vars)

    def record_on(dbapi_connection: psycopg2.extensions.connection, record: object) -> None:
        dbapi_connection.cursor_factory = RecordingCursor

    with app.app_context():
        engine = sqlalchemy_db.engine
    engine.dispose()  # so that every connection the test uses is made with the recorder
    event.listen(engine, "connect", record_on)
    yield sent
    event.remove(engine, "connect", record_on)
    engine.dispose()
