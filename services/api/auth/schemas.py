"""The token request and response bodies."""

from __future__ import annotations

from marshmallow import Schema, fields

from libs.web.text import Text


class CredentialsSchema(Schema):
    """An e-mail address and password to exchange for a token."""

    email = Text(required=True)
    password = Text(required=True, load_only=True)


class TokenSchema(Schema):
    """An access token, in the shape of an OAuth 2 token response (RFC 6749, 5.1)."""

    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds it stays valid."})
