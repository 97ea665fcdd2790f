"""The Blueprint every resource uses: flask-smorest's, with bearer auth, page links, safe JSON."""

from __future__ import annotations

from functools import cache
from typing import Any

import flask
import marshmallow
from flask import request
from flask_smorest.exceptions import NotModified

from libs.web.json_body import JSONBodyParser
from services.api.auth.bearer import AuthBlueprint
from services.api.pagination import PaginationBlueprint


class ArgumentsParser(JSONBodyParser):
    """The JSON body parser, with one instance of each schema class it is given."""

    def _get_schema(self, argmap: Any, req: flask.Request) -> marshmallow.Schema:
        # flask-smorest hands the pagination parameters over as a schema class, which webargs
        # would instantiate on every request; a schema keeps no state between loads.
        if isinstance(argmap, type) and issubclass(argmap, marshmallow.Schema):
            return _instance(argmap)
        return super()._get_schema(argmap, req)


@cache
def _instance(schema_class: type[marshmallow.Schema]) -> marshmallow.Schema:
    return schema_class()


class Blueprint(AuthBlueprint, PaginationBlueprint):
    """A flask-smorest Blueprint with `auth_required`, `Link` headers and ETags on 304."""

    ARGUMENTS_PARSER = PAGINATION_ARGUMENTS_PARSER = ArgumentsParser()

    def _check_not_modified(self, etag: str) -> None:
        # RFC 9110 (15.4.5): a 304 carries the ETag that a 200 would have had.
        if request.method in self.METHODS_CHECKING_NOT_MODIFIED and etag in request.if_none_match:
            not_modified = NotModified()
            not_modified.data = {"headers": {"ETag": f'"{etag}"'}}
            raise not_modified
