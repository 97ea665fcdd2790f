"""Pages: `page` and `page_size` parameters, X-Pagination and RFC 8288 Link headers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query, Request, Response

# Page numbers in X-Pagination, and the link relation each becomes.
RELATIONS = {
    "first_page": "first",
    "previous_page": "prev",
    "next_page": "next",
    "last_page": "last",
}


@dataclass(frozen=True)
class Page:
    """The page a request asks for."""

    page: int
    page_size: int

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.page - 1) * self.page_size


def page_parameters(
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page:
    """The page and page size of the query string (20 items by default, at most 100)."""
    return Page(page, page_size)


PageDep = Annotated[Page, Depends(page_parameters)]


def metadata(page: Page, total: int) -> dict[str, int]:
    """The total, the page count, and the neighbouring pages that exist."""
    if total == 0:
        return {"total": 0, "total_pages": 0}
    pages = -(-total // page.page_size)
    result = {"total": total, "total_pages": pages, "first_page": 1, "last_page": pages}
    if page.page <= pages:
        result["page"] = page.page
        if page.page > 1:
            result["previous_page"] = page.page - 1
        if page.page < pages:
            result["next_page"] = page.page + 1
    return result


def page_url(request: Request, number: int) -> str:
    """The request's URL with `page` set to `number`, its other parameters in their order."""
    pairs = [(k, str(number) if k == "page" else v) for k, v in request.query_params.multi_items()]
    if "page" not in request.query_params:
        pairs.append(("page", str(number)))
    return str(request.url.replace(query=urlencode(pairs)))


def set_page_headers(request: Request, response: Response, page: Page, total: int) -> None:
    """Add X-Pagination, and Link when there are pages to link to."""
    values = metadata(page, total)
    response.headers["X-Pagination"] = json.dumps(values)
    links = [
        f'<{page_url(request, values[key])}>; rel="{rel}"'
        for key, rel in RELATIONS.items()
        if key in values
    ]
    if links:
        response.headers["Link"] = ", ".join(links)
