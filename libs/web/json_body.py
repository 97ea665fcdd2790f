"""Reading JSON request bodies: anything json cannot parse is a 400, never a 500."""

from __future__ import annotations

import json
from typing import Any

import flask
from webargs.flaskparser import FlaskParser


class JSONBodyParser(FlaskParser):
    """webargs' Flask parser, answering 400 for JSON too deep or with too long a number.

    json.loads raises RecursionError for deeply nested arrays or objects, and ValueError for
    an integer past Python's digit limit; webargs only expects JSONDecodeError, so both
    escaped as 500s.
    """

    def _raw_load_json(self, req: flask.Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise  # webargs' own handling: 400, or no body at all
        except (RecursionError, ValueError) as error:
            decode_error = json.JSONDecodeError(str(error), "", 0)
            return self._handle_invalid_json_error(decode_error, req)
