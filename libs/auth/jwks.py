"""The public keys a service's tokens verify with, served at /.well-known/jwks.json."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from libs.auth.keys import jwks

blp = Blueprint("jwks", __name__, url_prefix="/.well-known")

EXTENSION_KEY = "public_keys"
# Verifiers may cache the set; a rotation adds the new key well before it signs anything.
MAX_AGE_SECONDS = 300


@blp.get("/jwks.json")
def key_set() -> Response:
    """The JWKS document of every key this service's tokens may be signed with."""
    response = jsonify(jwks(current_app.extensions[EXTENSION_KEY]))
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    return response
