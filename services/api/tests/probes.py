"""A test-only app: the API plus routes that fail on demand."""

from decimal import Decimal

from flask import Blueprint, Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from services.api.app import create_app
from services.api.extensions import db
from services.api.items.models import Item
from services.api.tests.factories import make_settings

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

    @probes.get("/limited")
    @limiter.limit("1 per minute")
    def limited():
        return {"ok": True}

    app.register_blueprint(probes)
    return app
