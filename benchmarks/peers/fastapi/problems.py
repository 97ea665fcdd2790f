"""Errors as the API writes them: RFC 9457 problem documents, with the request's id."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
INVALID_FIELDS = "The request has invalid fields; see errors."
# The API names where an invalid field was as webargs does: a JSON body is "json".
LOCATIONS = {"body": "json"}


def request_id(request: Request) -> str:
    """The client's X-Request-ID when it is plain enough to echo, otherwise a new one."""
    value = request.headers.get(REQUEST_ID_HEADER, "")
    return value if VALID_REQUEST_ID.match(value) else uuid.uuid4().hex


def problem(
    request: Request,
    status: int,
    detail: str,
    errors: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An application/problem+json response for `request`."""
    identifier = request_id(request)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": identifier,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(
        body,
        status_code=status,
        headers={**(headers or {}), REQUEST_ID_HEADER: identifier},
        media_type=PROBLEM_CONTENT_TYPE,
    )


async def http_exception(request: Request, error: Exception) -> JSONResponse:
    """HTTPException (401, 404...) with its headers."""
    assert isinstance(error, HTTPException)  # noqa: S101  # registered for that class only
    return problem(request, error.status_code, str(error.detail), headers=error.headers)


async def validation_error(request: Request, error: Exception) -> JSONResponse:
    """Invalid query or body: 422 with Pydantic's messages by location, then field."""
    assert isinstance(error, RequestValidationError)  # noqa: S101  # registered for that only
    errors: dict[str, dict[str, list[str]]] = {}
    for failure in error.errors():
        where, *field = (str(part) for part in failure["loc"])
        fields = errors.setdefault(LOCATIONS.get(where, where), {})
        fields.setdefault(".".join(field) or where, []).append(str(failure["msg"]))
    return problem(request, HTTPStatus.UNPROCESSABLE_ENTITY, INVALID_FIELDS, errors)


def register_problem_handlers(app: FastAPI) -> None:
    """Render HTTP and validation errors as problem documents."""
    app.add_exception_handler(HTTPException, http_exception)
    app.add_exception_handler(RequestValidationError, validation_error)
