"""Fixtures of the reliability suites: a migrated PostgreSQL database, the service's settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.auth.keys import signing_key_pem
from libs.db.setup import upgrade_to_head
from libs.testing.postgres import postgres_database
from services.api.app import create_app
from services.api.tests.factories import make_settings
from tests.reliability.figures import write_figures


def migrate(database_url: str) -> None:
    """Bring the database at `database_url` to the migrations' head."""
    upgrade_to_head(create_app(make_settings(database_url)))


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated database on a real PostgreSQL server, private to this test process."""
    with postgres_database() as database:
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"PostgreSQL server {database.server_version}")
        migrate(database.url)
        yield database.url


@pytest.fixture(scope="session")
def secret_key() -> str:
    """The signing key (PEM) the service under test uses, so the suites can forge tokens."""
    return signing_key_pem(Ed25519PrivateKey.generate())


def service_environment(database_url: str, secret_key: str, **settings: str) -> dict[str, str]:
    """The API's environment in production mode, with generous rate limits unless overridden."""
    return {
        "APP_ENV": "production",
        "DATABASE_URL": database_url,
        "AUTH_SIGNING_KEY": secret_key,
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_TOKEN": "100000/minute",
        "RATE_LIMIT_REGISTER": "100000/minute",
        **{name.upper(): value for name, value in settings.items()},
    }


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """Figures a suite records; written to extra-output/ when the module's tests are done."""
    recorded: dict[str, Any] = {}
    yield recorded
    suite = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    path = write_figures(suite, recorded)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"{suite} figures ({path}): {recorded}")
