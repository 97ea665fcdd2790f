"""Timestamps come back timezone-aware in UTC, from PostgreSQL and from SQLite alike."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from libs.db.columns import Timestamp


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_a_timestamp_reads_back_aware_in_utc(database, backend):
    engine = create_engine(database.url if backend == "postgresql" else "sqlite://")
    stamps = Table(
        "stamps", MetaData(), Column("id", Integer, primary_key=True), Column("at", Timestamp)
    )
    written = datetime(2026, 3, 4, 5, 6, 7, 8, tzinfo=UTC)
    try:
        with engine.begin() as connection:
            stamps.create(connection)
            connection.execute(insert(stamps).values(at=written))
            read = connection.scalar(select(stamps.c.at))
            stamps.drop(connection)
    finally:
        engine.dispose()
    assert read == written
    assert read.utcoffset() is not None and read.utcoffset().total_seconds() == 0
