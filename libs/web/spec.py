"""The OpenAPI side of the error contract: the problem schema on every error response."""

from __future__ import annotations

import copy
from http import HTTPStatus
from typing import Any

from apispec import BasePlugin
from flask import Flask
from flask_smorest import Api
from marshmallow import Schema, fields

from libs.web.problems import PROBLEM_CONTENT_TYPE

# Errors every operation can answer; the rest depend on what the operation takes.
_ANY_OPERATION = (HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.SERVICE_UNAVAILABLE)
_WITH_BODY = (
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    HTTPStatus.UNPROCESSABLE_ENTITY,
)
_WITH_PATH_PARAMETERS = (HTTPStatus.NOT_FOUND,)
_PROBLEM_CONTENT = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


class ProblemSchema(Schema):
    """An RFC 9457 problem document, the body of every error response."""

    type = fields.String(
        metadata={"description": "URI of the problem type; `about:blank` means see `status`."}
    )
    title = fields.String(metadata={"description": "The HTTP status phrase."})
    status = fields.Integer(metadata={"description": "The HTTP status code."})
    detail = fields.String(metadata={"description": "What went wrong, for a human."})
    instance = fields.String(metadata={"description": "The path of the request that failed."})
    request_id = fields.String(
        metadata={"description": "The request's X-Request-ID, also in every log line of it."}
    )
    checks = fields.Dict(
        metadata={"description": "/health and /ready only: each check's status and reason."}
    )
    errors = fields.Dict(
        metadata={
            "description": "Field errors by location then field, e.g. "
            '`{"json": {"name": ["Missing data for required field."]}}`.'
        }
    )


class ErrorResponsesPlugin(BasePlugin):
    """Documents on every operation the errors it can answer, each with the problem schema."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            statuses = list(_ANY_OPERATION)
            if "requestBody" in operation:
                statuses.extend(_WITH_BODY)
            if path and "{" in path:
                statuses.extend(_WITH_PATH_PARAMETERS)
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                # An error documented by its description and headers only (`alt_response`).
                if _is_error(code) and isinstance(response, dict) and "content" not in response:
                    response["content"] = copy.deepcopy(_PROBLEM_CONTENT)
            documented = {str(code) for code in responses}
            for status in statuses:
                if str(status.value) not in documented:
                    responses[status.value] = status.name


def _is_error(code: int | str) -> bool:
    return str(code) == "default" or int(code) >= HTTPStatus.BAD_REQUEST


class ProblemApi(Api):
    """flask-smorest's Api, documenting every error as a problem document.

    Errors are rendered by `libs.web.errors`, whose handlers, registered after the Api's,
    replace flask-smorest's own.
    """

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Flask) -> None:
        super().__init__(app, spec_kwargs={"extra_plugins": [ErrorResponsesPlugin()]})
        # flask-smorest registers a response per status; errors are application/problem+json.
        for response in self.spec.components.responses_lazy.values():
            content = response.get("content", {})
            if self.DEFAULT_RESPONSE_CONTENT_TYPE in content:
                content[PROBLEM_CONTENT_TYPE] = content.pop(self.DEFAULT_RESPONSE_CONTENT_TYPE)
