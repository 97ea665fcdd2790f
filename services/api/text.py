"""String fields for text that PostgreSQL stores or compares."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields

NUL_MESSAGE = "Must not contain NUL (U+0000) characters."


class Text(fields.String):
    """A string that refuses NUL, which PostgreSQL text cannot hold (psycopg2 would raise)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError(NUL_MESSAGE)
        return text
