"""Timestamps as the API writes them: RFC 3339 in UTC, always with microseconds.

One fixed width (`2026-01-02T03:04:05.000000+00:00`), so that a timestamp PostgreSQL formats
(see `UTC_TIMESTAMP_FORMAT`) and one Python formats are the same text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import fields

# PostgreSQL's to_char pattern for the same text, applied to `column AT TIME ZONE 'UTC'`.
UTC_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'


def format_timestamp(value: datetime) -> str:
    """`value`, an aware datetime, as the API writes it."""
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")


class Timestamp(fields.AwareDateTime):
    """An aware datetime field that dumps with `format_timestamp`."""

    def _serialize(
        self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return None if value is None else format_timestamp(value)
