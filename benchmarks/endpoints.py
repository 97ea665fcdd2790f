"""The endpoints measured, each as the service (and its peer) serves it and as the baseline does."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

# The service's page of 50 in the list order the baseline copies (benchmarks.baseline LIST_SORTS).
DEFAULT_LIST_QUERY = "?page=1&page_size=50&sort=created_at"
DEFAULT_LIST_SORT = "created_at"
SCAFFOLDED_TARGET_RATIO = 0.90
CREATE_BODY = json.dumps(
    {"name": "benchmark item", "description": "Created by the benchmark.", "price": "9.99"}
)


@dataclass(frozen=True)
class Endpoint:
    """One operation, with its path on each server; `{id}` takes the ids of readable items."""

    name: str
    summary: str
    method: str
    service_path: str
    baseline_path: str
    body: str | None = None
    authenticated: bool = True
    # Goals, as figures in the results: the API's req/s over the bare handler's, and over the
    # peer's (whose p99 the API's should not exceed either).
    target_ratio: float | None = None
    peer_target_ratio: float | None = 1.0
    # Sent as an owner whose items are never read, so the rows it adds leave the reads' data
    # set (and the list's total) the same in every round.
    as_writer: bool = False
    # Also measured on the scaffolded service, whose req/s should be within 10% of the API's.
    scaffolded_target_ratio: float | None = None

    def paths(self, template: str, item_ids: Sequence[int]) -> list[str]:
        """The request paths, one per item id when the template names one."""
        if "{id}" not in template:
            return [template]
        if not item_ids:
            raise ValueError(f"{self.name} needs item ids")
        return [template.replace("{id}", str(item_id)) for item_id in item_ids]


def endpoints(list_query: str = DEFAULT_LIST_QUERY) -> dict[str, Endpoint]:
    """Every endpoint the benchmark knows, by name, in the order they are measured."""
    all_endpoints = [
        Endpoint(
            name="get_one",
            summary="get one item",
            method="GET",
            service_path="/api/v1/items/{id}",
            baseline_path="/items/{id}",
            target_ratio=0.80,
            scaffolded_target_ratio=SCAFFOLDED_TARGET_RATIO,
        ),
        Endpoint(
            name="list_50",
            summary="list a page of 50, sorted",
            method="GET",
            service_path=f"/api/v1/items{list_query}",
            baseline_path="/items",
            target_ratio=0.70,
            scaffolded_target_ratio=SCAFFOLDED_TARGET_RATIO,
        ),
        Endpoint(
            name="create",
            summary="create an item",
            method="POST",
            service_path="/api/v1/items",
            baseline_path="/items",
            body=CREATE_BODY,
            target_ratio=0.60,
            as_writer=True,
        ),
        Endpoint(
            name="health",
            summary="/health against a bare Flask handler (the framework ceiling)",
            method="GET",
            service_path="/health",
            baseline_path="/health",
            authenticated=False,
            peer_target_ratio=None,
        ),
    ]
    return {endpoint.name: endpoint for endpoint in all_endpoints}
