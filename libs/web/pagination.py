"""Pages of a list: `page` and `page_size` arguments, the X-Pagination and RFC 8288 Link headers."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from marshmallow import Schema, fields, validate

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# PostgreSQL takes OFFSET as a bigint; a page further than that is past the end of any table.
MAX_OFFSET = 2**63 - 1

LINK_HEADER_DOC = {
    "description": 'RFC 8288 links to the first, prev, next and last pages: <url>; rel="next"',
    "schema": {"type": "string"},
}
# X-Pagination holds JSON, which OpenAPI describes with `content`: a `schema` alone would
# promise the "simple" style (total,25,page,2), which no client could parse as JSON. The
# schema is the one flask-smorest registers for its own pagination header.
PAGINATION_HEADER_DOC = {
    "description": "Pagination metadata as JSON: the total and the page numbers.",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}
    },
}
PAGE_HEADERS_DOC = {"X-Pagination": PAGINATION_HEADER_DOC, "Link": LINK_HEADER_DOC}
# Page numbers in X-Pagination, and the link relation each becomes.
RELATIONS = {
    "first_page": "first",
    "previous_page": "prev",
    "next_page": "next",
    "last_page": "last",
}


class PageQuerySchema(Schema):
    """Which page of a list to return; a resource's query schema adds its sort and filters."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )


@dataclass(frozen=True)
class Page:
    """One page of a list and how many there are in all."""

    items: list[Any]
    total: int
    page: int
    page_size: int

    def headers(self) -> dict[str, str]:
        """X-Pagination, and Link where there are pages to link to."""
        metadata = page_metadata(self.page, self.page_size, self.total)
        headers = {"X-Pagination": json.dumps(metadata)}
        links = link_header(metadata)
        if links:
            headers["Link"] = links
        return headers


def offset(page: int, page_size: int) -> int:
    """How many items come before `page`."""
    return min((page - 1) * page_size, MAX_OFFSET)


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
    next pages where they exist."""
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
