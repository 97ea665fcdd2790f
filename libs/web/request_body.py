"""Refuse request bodies a service cannot take: too large (413) or of an undocumented type (415).

The OpenAPI spec is the contract: an operation with a request body accepts the content types
its spec declares (any `+json` type where it declares application/json), and nothing else.
Without this, webargs would read a form or text body as "no JSON" and answer 422 or, for a
partial update, succeed without changing anything.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any, NoReturn

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec.plugins import FlaskPlugin
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType
from werkzeug.wsgi import get_content_length

from libs.web.request_context import current_request

JSON = "application/json"
_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
BodyTypes = dict[tuple[str, str], tuple[frozenset[str], bool]]


def declared_body_types(api: Api) -> BodyTypes:
    """(OpenAPI path, method) -> (accepted content types, whether a body is required)."""
    declared: BodyTypes = {}
    for path, item in api.spec.to_dict().get("paths", {}).items():
        for method, operation in item.items():
            body = operation.get("requestBody") if method in _HTTP_METHODS else None
            if body:
                types = frozenset(body.get("content", {}))
                declared[(path, method)] = (types, bool(body.get("required", False)))
    return declared


def accepts(types: frozenset[str], mimetype: str) -> bool:
    """Whether a body of `mimetype` is one of `types`."""
    is_json = mimetype == JSON or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )
    return mimetype in types or (JSON in types and is_json)


def _is_chunked(environ: dict[str, Any]) -> bool:
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def _too_large(limit: int) -> NoReturn:
    raise RequestEntityTooLarge(f"The request body is larger than the limit of {limit} bytes.")


def _check_size(environ: dict[str, Any], length: int | None, limit: int) -> None:
    if length is not None:
        if length > limit:
            _too_large(limit)
    elif _is_chunked(environ) and environ.get("wsgi.input_terminated"):
        _buffer_unsized_body(environ, limit)


def _buffer_unsized_body(environ: dict[str, Any], limit: int) -> None:
    """Read a body without Content-Length up to the limit, and refuse it if it goes past.

    werkzeug would otherwise cut such a body at the limit without an error, and the
    truncated JSON would get 400 instead of 413.
    """
    stream = environ["wsgi.input"]
    body = bytearray()
    while len(body) <= limit:
        chunk = stream.read(limit + 1 - len(body))
        if not chunk:
            break
        body.extend(chunk)
    if len(body) > limit:
        _too_large(limit)
    environ["wsgi.input"] = io.BytesIO(bytes(body))


def body_check(api: Api, limit: int) -> Callable[[], None]:
    """A before-request hook: 413 past `limit` bytes, 415 for a type `api` does not declare."""

    @functools.cache
    def declared() -> BodyTypes:
        return declared_body_types(api)  # on first use, when every blueprint is registered

    @functools.cache  # once per route: the spec's path of a rule is a regex substitution
    def body_of(rule: str, method: str) -> tuple[frozenset[str], bool] | None:
        return declared().get((FlaskPlugin.flaskpath2openapi(rule), method.lower()))

    def check() -> None:
        req = current_request()
        # Request.content_length reads EnvironHeaders, which raise (and catch) on each miss.
        length = get_content_length(req.environ)
        _check_size(req.environ, length, limit)
        rule = req.url_rule
        body = body_of(rule.rule, req.method) if rule is not None else None
        if body is None:
            return
        types, required = body
        has_body = bool(length) or _is_chunked(req.environ)
        if (required or has_body) and not accepts(types, req.mimetype):
            raise UnsupportedMediaType(f"The request body must be {' or '.join(sorted(types))}.")

    return check


def init_request_body_rules(app: Flask, api: Api, max_content_length: int) -> None:
    """Limit bodies of `app` to `max_content_length` bytes and to the types `api` documents."""
    app.config["MAX_CONTENT_LENGTH"] = max_content_length
    app.before_request(body_check(api, max_content_length))
