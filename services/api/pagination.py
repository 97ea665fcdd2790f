"""Page links for paginated lists: RFC 8288 `Link` beside flask-smorest's `X-Pagination`."""

from __future__ import annotations

import json
import uuid
from typing import Any

import flask_smorest
from flask import request, url_for

LINK_HEADER_DOC = {
    "description": 'RFC 8288 links to the first, prev, next and last pages: <url>; rel="next"',
    "schema": {"type": "string"},
}
# X-Pagination holds JSON, which OpenAPI describes with `content`: a `schema` alone would
# promise the "simple" style (total,25,page,2), which no client could parse as JSON.
PAGINATION_HEADER_DOC = {
    "description": "Pagination metadata as JSON: the total and the page numbers.",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}
    },
}
# Page numbers in X-Pagination, and the link relation each becomes.
RELATIONS = {
    "first_page": "first",
    "previous_page": "prev",
    "next_page": "next",
    "last_page": "last",
}


def page_url(page: int | str) -> str:
    """The current request's URL with its `page` argument replaced."""
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict(flat=False)}
    values["page"] = page
    return url_for(str(request.endpoint), _external=True, **values)


def link_header(metadata: dict[str, Any]) -> str:
    """A Link header value for the pages `metadata` names."""
    pages = [(metadata[key], rel) for key, rel in RELATIONS.items() if key in metadata]
    # One URL, built with a placeholder page that nothing else in it can contain, serves every
    # link: url_for is the slow part.
    placeholder = uuid.uuid4().hex
    url = page_url(placeholder) if pages else ""
    return ", ".join(f'<{url.replace(placeholder, str(page))}>; rel="{rel}"' for page, rel in pages)


def page_metadata(page: int, page_size: int, total: int) -> dict[str, int]:
    """X-Pagination: the total, the page count, and the first, last, current, previous and
    next pages where they exist (flask-smorest's format, built without a schema per request).
    """
    if total == 0:
        return {"total": 0, "total_pages": 0}
    pages = (total + page_size - 1) // page_size
    metadata = {"total": total, "total_pages": pages, "first_page": 1, "last_page": pages}
    if page <= pages:
        metadata["page"] = page
        if page > 1:
            metadata["previous_page"] = page - 1
        if page < pages:
            metadata["next_page"] = page + 1
    return metadata


class PaginationBlueprint(flask_smorest.Blueprint):
    """A Blueprint whose paginated responses also carry an RFC 8288 `Link` header."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 20, "max_page_size": 100}

    def _set_pagination_metadata(
        self, page_params: Any, result: Any, headers: dict[str, str] | None
    ) -> tuple[Any, dict[str, str]]:
        metadata = page_metadata(page_params.page, page_params.page_size, page_params.item_count)
        headers = {} if headers is None else headers
        headers[self.PAGINATION_HEADER_NAME] = json.dumps(metadata)
        links = link_header(metadata)
        if links:
            headers["Link"] = links
        return result, headers

    def _document_pagination_metadata(self, spec: Any, resp_doc: dict[str, Any]) -> None:
        super()._document_pagination_metadata(spec, resp_doc)
        resp_doc["headers"][self.PAGINATION_HEADER_NAME] = PAGINATION_HEADER_DOC
        resp_doc["headers"]["Link"] = LINK_HEADER_DOC
