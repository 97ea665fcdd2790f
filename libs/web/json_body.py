"""Reading JSON request bodies: anything json cannot parse is a 400, never a 500."""

from __future__ import annotations

from typing import Any

import flask
import marshmallow as ma
from webargs.flaskparser import FlaskParser, abort


class JSONBodyParser(FlaskParser):
    """webargs' Flask parser, answering 400 for JSON too deep or with too long a number.

    json.loads raises RecursionError for deeply nested arrays or objects, and ValueError for
    an integer past Python's digit limit; webargs only expects JSONDecodeError, so both
    escaped as 500s.
    """

    def load_json(self, req: flask.Request, schema: ma.Schema) -> Any:
        try:
            return super().load_json(req, schema)
        except (RecursionError, ValueError) as error:
            # What webargs answers for any other unreadable JSON body.
            abort(400, exc=error, messages={"json": ["Invalid JSON body."]})
