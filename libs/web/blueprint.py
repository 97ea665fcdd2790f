"""The Blueprint every resource uses: flask-smorest's, with bearer auth, pages and ETags.

Each piece is a decorator a view uses in one line:
`auth_required` (libs.auth.bearer), `paginated` for a list, `versioned` for one record.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response
from marshmallow import Schema

from libs.auth.bearer import AuthBlueprint
from libs.web.etags import ETAG_HEADER_DOC, READ_DOC, WRITE_DOC, etag_of, not_modified
from libs.web.json_body import JSONBodyParser
from libs.web.pagination import PAGE_HEADERS_DOC, Page

View = Callable[..., Any]


def _with_etag(view: View) -> View:
    """`view`'s record with its ETag, or 304 when the client has that version already."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = view(*args, **kwargs)
        record, headers = result if isinstance(result, tuple) else (result, {})
        if record is None:
            return result
        etag = etag_of(record)
        if not_modified(record):
            # RFC 9110 (15.4.5): a 304 carries the ETag that a 200 would have had.
            return Response(status=304, headers={"ETag": f'"{etag}"'})
        return record, {**headers, "ETag": f'"{etag}"'}

    return wrapper


class Blueprint(AuthBlueprint):
    """A flask-smorest Blueprint whose arguments parser answers 400 for any unreadable JSON."""

    ARGUMENTS_PARSER = JSONBodyParser()

    def paginated(self, schema: type[Schema]) -> Callable[[View], View]:
        """The view returns a `Page`: its items go out as a list, with X-Pagination and Link."""

        def decorator(view: View) -> View:
            @wraps(view)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                page: Page = view(*args, **kwargs)
                return page.items, page.headers()

            return self.response(200, schema(many=True), headers=PAGE_HEADERS_DOC)(wrapper)  # type: ignore[no-any-return]

        return decorator

    def versioned(
        self, status: int, schema: type[Schema] | None = None, **kwargs: Any
    ) -> Callable[[View], View]:
        """`response` for one versioned record: its ETag goes out, a GET may get 304, and the
        writes are documented as needing If-Match (the record's `Records` checks it)."""

        def decorator(view: View) -> View:
            method = view.__name__
            doc = READ_DOC if method == "get" else WRITE_DOC if method != "post" else {}
            if schema is not None:
                kwargs.setdefault("headers", {}).update(ETAG_HEADER_DOC)
            responded = self.response(status, schema, **kwargs)(_with_etag(view))
            return self.doc(**doc)(responded) if doc else responded  # type: ignore[no-any-return]

        return decorator
