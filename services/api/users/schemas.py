"""How users are read from requests and written to responses; the password only goes in."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from libs.web.text import Text, storable
from libs.web.timestamp import Timestamp
from services.api.users.models import EMAIL_MAX_LENGTH

PASSWORD_MIN_LENGTH = 12
# Generous for passphrases, yet bounded so nobody makes the server hash megabytes.
PASSWORD_MAX_LENGTH = 128


class UserSchema(Schema):
    """A user as they register and as the API shows them."""

    id = fields.Integer(dump_only=True)
    email = fields.Email(required=True, validate=[validate.Length(max=EMAIL_MAX_LENGTH), storable])
    password = Text(
        required=True,
        load_only=True,
        validate=validate.Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH),
        metadata={"description": f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters."},
    )
    created_at = Timestamp(dump_only=True)
