"""Column types and defaults shared by every table of every service."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware, even from SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# A timestamp column: PostgreSQL's timestamptz comes back aware already, so only SQLite needs
# UTCDateTime's fix-up, which would cost a Python call for every value read.
Timestamp = DateTime(timezone=True).with_variant(UTCDateTime(), "sqlite")

# Digits of a NUMERIC amount column, before and after the point together.
AMOUNT_PRECISION = 12
