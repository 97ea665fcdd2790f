"""Fixtures: an empty database on a real PostgreSQL server, private to this test process."""

from collections.abc import Iterator

import pytest

from libs.testing.postgres import TestDatabase, postgres_database


@pytest.fixture(scope="session")
def database() -> Iterator[TestDatabase]:
    """An empty database on a real PostgreSQL server."""
    with postgres_database() as database:
        yield database
