"""ETags of versioned records: conditional GETs (304), writes that must name the version (428, 412).

A record's ETag is made of its id and version (`libs.db.models.Record`), so any write changes it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import request
from flask_smorest import abort

CHANGED_MEANWHILE = "The record changed since you read it; fetch it again."
# What a view needs to document when it sends or checks ETags; the names are flask-smorest's
# lazily registered components.
READ_DOC = {"parameters": ["IF_NONE_MATCH"], "responses": {"304": "NOT_MODIFIED"}}
WRITE_DOC = {
    "parameters": ["IF_MATCH"],
    "responses": {"412": "PRECONDITION_FAILED", "428": "PRECONDITION_REQUIRED"},
}
ETAG_HEADER_DOC = {"ETag": "ETAG"}


def etag_of(record: Any) -> str:
    """The entity tag of a versioned record (unquoted)."""
    return hashlib.sha256(f"{record.id}:{record.version}".encode()).hexdigest()[:32]


def require_current(record: Any) -> None:
    """Refuse a write whose If-Match is missing (428) or names another version (412)."""
    if not request.if_match:
        abort(428, message="This request needs an If-Match header with the record's ETag.")
    if not request.if_match.contains(etag_of(record)):  # `*` matches any current version
        abort(412, message=CHANGED_MEANWHILE)


def not_modified(record: Any) -> bool:
    """Whether a GET's If-None-Match already names the record's current version."""
    return request.method in ("GET", "HEAD") and request.if_none_match.contains(etag_of(record))
