"""Text that PostgreSQL can store and compare, and that can be hashed: valid UTF-8, no NUL."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields

NUL_MESSAGE = "Must not contain NUL (U+0000) characters."
SURROGATE_MESSAGE = "Must be valid Unicode: a lone surrogate (\\ud800-\\udfff) is not."


def storable(text: str) -> None:
    """Refuse text that UTF-8 cannot encode or PostgreSQL text cannot hold.

    JSON may escape lone surrogates ("\\ud800"), which UTF-8 cannot encode, and NUL, which
    PostgreSQL text cannot hold; either made psycopg2 or the password hasher raise (a 500).
    """
    if "\x00" in text:
        raise ValidationError(NUL_MESSAGE)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(SURROGATE_MESSAGE) from None


class Text(fields.String):
    """A string field whose values are `storable`."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        storable(text)
        return text
