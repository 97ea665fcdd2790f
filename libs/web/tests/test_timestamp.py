"""Timestamps: RFC 3339 in UTC, always with microseconds."""

from datetime import UTC, datetime, timedelta, timezone

from libs.web.timestamp import Timestamp, format_timestamp


def test_whole_seconds_keep_their_microseconds():
    assert format_timestamp(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == (
        "2026-01-02T03:04:05.000000+00:00"
    )


def test_other_offsets_are_written_in_utc():
    tokyo = timezone(timedelta(hours=9))
    value = datetime(2026, 1, 2, 12, 0, 0, 120, tzinfo=tokyo)
    assert format_timestamp(value) == "2026-01-02T03:00:00.000120+00:00"


def test_the_field_dumps_with_it_and_keeps_none():
    field = Timestamp()
    value = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert field.serialize("at", {"at": value}) == "2026-01-02T03:04:05.000006+00:00"
    assert field.serialize("at", {"at": None}) is None
