"""A test-only app (the API plus routes that fail on demand) and the problem-document check."""

import logging
from decimal import Decimal
from http import HTTPStatus

from flask import Blueprint, Flask, Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import abort
from flask_smorest.exceptions import NotModified
from sqlalchemy import select

from services.api.app import create_app
from services.api.extensions import db
from services.api.items.models import Item
from services.api.tests.factories import make_settings

# Headers each status carries when an auth, ETag or rate-limit layer raises it.
ABORT_HEADERS = {
    401: {"WWW-Authenticate": 'Bearer error="invalid_token"'},
    429: {"Retry-After": "30"},
}
SECRET_DETAIL = "SELECT password_hash FROM users -- internal"


def make_probe_app(database_url: str, **overrides: object) -> Flask:
    """The API on `database_url` with extra routes under /probe."""
    app = create_app(make_settings(database_url, **overrides))
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", headers_enabled=True)
    probes = Blueprint("probes", __name__, url_prefix="/probe")

    @probes.get("/fail")
    def fail():
        raise RuntimeError(SECRET_DETAIL)

    @probes.post("/duplicate/<int:item_id>")
    def duplicate(item_id):
        # Only the id clashes: the owner is the original's, so no other constraint fails first.
        owner_id = db.session.scalar(select(Item.owner_id).where(Item.id == item_id))
        db.session.add(Item(id=item_id, owner_id=owner_id, name="copy", price=Decimal("1.00")))
        db.session.commit()
        return {}

    @probes.get("/abort/<int:status>")
    def abort_with(status):
        abort(status, message=f"probe {status}", headers=ABORT_HEADERS.get(status, {}))

    @probes.get("/log")
    def log():
        logging.getLogger("probe").warning("inside the request")
        return {"ok": True}

    @probes.get("/limited")
    @limiter.limit("1 per minute")
    def limited():
        return {"ok": True}

    @probes.get("/not-modified")
    def not_modified():
        raise NotModified

    @probes.get("/etag")
    def etag():
        response = Response("{}", mimetype="application/json")
        response.set_etag("v1")
        return response

    app.register_blueprint(probes)
    return app


def assert_problem(response, status):
    """Check `response` is an RFC 9457 problem for `status`; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail", "instance", "request_id"} <= set(body)
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["title"] == HTTPStatus(status).phrase
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body
