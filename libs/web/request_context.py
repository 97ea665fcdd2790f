"""Per-request id and timing: the X-Request-ID header and libs/logging's request id.

Kept in the WSGI environ, which belongs to one request, rather than in `flask.g`, which
belongs to an app context that a test client may share between requests. An authentication
layer may put the caller's id in `flask.g.user_id` (the access log reports it); it is cleared
when each request starts.

The hooks look the request up once (`current_request`) rather than through `flask.request` on
every attribute: each proxied access costs about as much as the attribute's whole use.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, Request, Response, g, has_request_context, request

from libs.logging import reset_request_id, set_request_id

if TYPE_CHECKING:
    from werkzeug.local import LocalProxy

REQUEST_ID_HEADER = "X-Request-ID"
# Where the WSGI server puts the header: read there, not through EnvironHeaders, which raise
# (and catch) an exception for a missing header.
_REQUEST_ID_ENVIRON = "HTTP_X_REQUEST_ID"
# Long enough for UUIDs and trace ids, short and plain enough to be safe in logs and headers.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
UNMATCHED_ROUTE = "<unmatched>"
_ID_KEY = "libs.web.request_id"
_STARTED_KEY = "libs.web.started"
_CONTEXT_KEY = "libs.web.log_context"


def incoming_request_id(value: str | None) -> str:
    """The client's request id when it is valid, otherwise a new one."""
    if value and _VALID_REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


def current_request() -> Request:
    """The request being handled, looked up once instead of on each `flask.request.<name>`."""
    return cast("LocalProxy[Request]", request)._get_current_object()


def request_id(environ: dict[str, Any]) -> str:
    """The id of the request of `environ`, taken from its header or made on first use."""
    value: str | None = environ.get(_ID_KEY)
    if value is None:
        value = environ[_ID_KEY] = incoming_request_id(environ.get(_REQUEST_ID_ENVIRON))
    return value


def current_request_id() -> str | None:
    """The id of the request being handled, or None outside a request."""
    if not has_request_context():
        return None
    return request_id(current_request().environ)


def route_template(req: Request) -> str:
    """The matched URL rule (`/api/v1/items/<int:item_id>`), never the raw path."""
    rule = req.url_rule
    return rule.rule if rule is not None else UNMATCHED_ROUTE


def elapsed_seconds(environ: dict[str, Any]) -> float:
    """Time since the request of `environ` started."""
    now = time.perf_counter()
    return now - float(environ.get(_STARTED_KEY, now))


def _start() -> None:
    # The auth layer sets g.user_id for this request; none may linger from an earlier one.
    g.pop("user_id", None)
    environ = current_request().environ
    environ[_STARTED_KEY] = time.perf_counter()
    environ[_CONTEXT_KEY] = set_request_id(request_id(environ))


def _echo(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id(current_request().environ)
    return response


def _reset(_: BaseException | None) -> None:
    token = current_request().environ.pop(_CONTEXT_KEY, None)
    if token is not None:
        reset_request_id(token)


def init_request_context(app: Flask) -> None:
    """Give every request of `app` an id and a start time; call before other request hooks."""
    app.before_request(_start)
    app.after_request(_echo)
    app.teardown_request(_reset)
