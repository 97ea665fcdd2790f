"""A small service wired with every part of libs/web, for the library's tests and for gunicorn."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Blueprint, Flask, Response, current_app
from flask.views import MethodView
from flask_smorest import abort
from flask_smorest.exceptions import NotModified
from marshmallow import Schema, fields, validate
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker

from libs.web.access_log import init_access_log
from libs.web.blueprint import Blueprint as ResourceBlueprint
from libs.web.errors import register_errorhandlers
from libs.web.metrics import init_metrics
from libs.web.request_body import init_request_body_rules
from libs.web.request_context import init_request_context
from libs.web.security import init_security
from libs.web.spec import ProblemApi
from libs.web.text import Text

SERVICE = "notes"
NOTES = "/api/v1/notes"
NAME_MAX_LENGTH = 20
VERSION, COMMIT = "1.2.3", "abc123"
# Headers each status carries when an auth, ETag or rate-limit layer raises it.
ABORT_HEADERS = {
    401: {"WWW-Authenticate": 'Bearer error="invalid_token"'},
    429: {"Retry-After": "30"},
}
SECRET_DETAIL = "SELECT password_hash FROM users -- internal"
STORE_KEY = "notes"


class NoteSchema(Schema):
    """A note: a short name."""

    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=NAME_MAX_LENGTH))


notes = ResourceBlueprint("notes", __name__, url_prefix=NOTES, description="Notes.")


@notes.route("")
class Notes(MethodView):
    """The notes, kept in the app's memory."""

    @notes.response(200, NoteSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """List notes"""
        stored: list[dict[str, Any]] = current_app.extensions[STORE_KEY]
        return stored

    @notes.arguments(NoteSchema)
    @notes.response(201, NoteSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a note"""
        stored: list[dict[str, Any]] = current_app.extensions[STORE_KEY]
        note = {"id": len(stored) + 1, **data}
        stored.append(note)
        return note


@notes.route("/<int:note_id>")
class NoteById(MethodView):
    """One note."""

    @notes.response(200, NoteSchema)
    def get(self, note_id: int) -> dict[str, Any]:
        """Get a note"""
        stored: list[dict[str, Any]] = current_app.extensions[STORE_KEY]
        if not 0 < note_id <= len(stored):
            abort(404, message=f"Note {note_id} not found.")
        return stored[note_id - 1]


def probes(session: scoped_session[Any] | None) -> Blueprint:
    """Routes that fail, log or touch the database on demand."""
    blueprint = Blueprint("probes", __name__, url_prefix="/probe")

    @blueprint.get("/fail")
    def fail() -> Response:
        raise RuntimeError(SECRET_DETAIL)

    @blueprint.get("/abort/<int:status>")
    def abort_with(status: int) -> Response:
        abort(status, message=f"probe {status}", headers=ABORT_HEADERS.get(status, {}))
        raise AssertionError("unreachable: abort raises")

    @blueprint.get("/not-modified")
    def not_modified() -> Response:
        raise NotModified

    @blueprint.get("/etag")
    def etag() -> Response:
        response = Response("{}", mimetype="application/json")
        response.set_etag("v1")
        return response

    @blueprint.get("/log")
    def log() -> dict[str, bool]:
        logging.getLogger("probe").warning("inside the request")
        return {"ok": True}

    if session is not None:

        @blueprint.get("/database")
        def database() -> dict[str, int]:
            return {"one": session.execute(text("SELECT 1")).scalar_one()}

        @blueprint.post("/duplicate")
        def duplicate() -> dict[str, bool]:
            for _ in range(2):
                session.execute(text("INSERT INTO uniques (name) VALUES ('same')"))
            session.commit()
            return {"ok": True}

    return blueprint


def create_app(
    engine: Engine | None = None,
    *,
    cors_origins: tuple[str, ...] = (),
    max_content_length: int = 1024,
) -> Flask:
    """The service, in the order a service's app factory wires libs/web."""
    app = Flask(__name__)
    app.config.update(
        API_TITLE="Notes",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.extensions[STORE_KEY] = []
    session = scoped_session(sessionmaker(engine)) if engine is not None else None
    init_request_context(app)
    api = ProblemApi(app)
    init_request_body_rules(app, api, max_content_length)
    init_security(app, cors_origins)
    init_metrics(app, service=SERVICE, version=VERSION, commit=COMMIT, engine=engine)
    init_access_log(app, f"{SERVICE}.access")
    api.register_blueprint(notes)
    app.register_blueprint(probes(session))
    if session is not None:
        app.teardown_appcontext(lambda _: session.remove())
    register_errorhandlers(
        app,
        logger_name=f"{SERVICE}.errors",
        rollback=session.rollback if session is not None else lambda: None,
    )
    return app


def from_environment() -> Flask:
    """The service on the database DATABASE_URL names: gunicorn's `webapp:from_environment()`."""
    return create_app(create_engine(os.environ["DATABASE_URL"], pool_size=2, max_overflow=0))
