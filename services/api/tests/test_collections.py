"""Listing items: pages with X-Pagination and Link headers, sorting and a name filter."""

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from libs.db.columns import utcnow
from services.api.tests.factories import ItemFactory, UserFactory

URL = "/api/v1/items"
LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


@pytest.fixture
def client(auth_client):
    return auth_client


def make_items(user, names):
    """Items with the given names, created a minute apart in that order."""
    start = utcnow() - timedelta(days=1)
    return [
        ItemFactory(owner_id=user.id, name=name, created_at=start + timedelta(minutes=n))
        for n, name in enumerate(names)
    ]


def pagination(response):
    return json.loads(response.headers["X-Pagination"])


def links(response):
    """{rel: (path, query)} from the Link header."""
    found = {}
    for url, rel in LINK.findall(response.headers.get("Link", "")):
        parts = urlsplit(url)
        found[rel] = (parts.path, {key: value[0] for key, value in parse_qs(parts.query).items()})
    return found


def names(response):
    assert response.status_code == 200, response.get_json()
    return [item["name"] for item in response.get_json()]


def test_the_first_page_has_twenty_items_by_default(client, user):
    make_items(user, [f"n{i:02}" for i in range(25)])
    response = client.get(URL)
    assert names(response) == [f"n{i:02}" for i in range(20)]
    assert pagination(response) == {
        "total": 25,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 1,
        "next_page": 2,
    }


def test_a_middle_page_links_to_first_prev_next_and_last(client, user):
    make_items(user, [f"n{i:02}" for i in range(25)])
    response = client.get(URL, query_string={"page": 2, "page_size": 10, "sort": "-name"})
    assert names(response) == [f"n{i:02}" for i in range(14, 4, -1)]
    assert pagination(response) == {
        "total": 25,
        "total_pages": 3,
        "first_page": 1,
        "last_page": 3,
        "page": 2,
        "previous_page": 1,
        "next_page": 3,
    }
    found = links(response)
    assert {rel: query["page"] for rel, (_, query) in found.items()} == {
        "first": "1",
        "prev": "1",
        "next": "3",
        "last": "3",
    }
    for path, query in found.values():
        assert path == URL
        assert (query["page_size"], query["sort"]) == ("10", "-name")


def test_following_next_reaches_every_item_once(client, user):
    made = make_items(user, ["same"] * 7)
    seen, path, query = [], URL, {"page_size": 3, "sort": "name"}
    for _ in range(5):
        response = client.get(path, query_string=query)
        seen += [item["id"] for item in response.get_json()]
        if "next" not in links(response):
            break
        path, query = links(response)["next"]
    assert seen == sorted(item.id for item in made)


def test_the_last_page_has_no_next(client, user):
    make_items(user, ["a", "b", "c"])
    response = client.get(URL, query_string={"page": 2, "page_size": 2})
    assert names(response) == ["c"]
    assert set(links(response)) == {"first", "prev", "last"}


def test_a_page_past_the_end_is_empty_but_still_counts(client, user):
    make_items(user, ["a", "b", "c"])
    response = client.get(URL, query_string={"page": 9, "page_size": 2})
    assert names(response) == []
    assert pagination(response)["total"] == 3
    assert pagination(response)["last_page"] == 2


def test_a_page_beyond_any_database_offset_is_past_the_end_too(client, user):
    make_items(user, ["a"])
    # (page - 1) * page_size overflows PostgreSQL's bigint OFFSET: that answered 500.
    response = client.get(URL, query_string={"page": 10**18, "page_size": 20})
    assert response.status_code == 200
    assert names(response) == []
    assert pagination(response)["total"] == 1


def test_no_items_means_no_pages(client, user):
    response = client.get(URL)
    assert names(response) == []
    assert pagination(response) == {"total": 0, "total_pages": 0}
    assert "Link" not in response.headers


@pytest.mark.parametrize(
    "query",
    [{"page_size": 101}, {"page_size": 0}, {"page": 0}, {"page": "x"}],
)
def test_out_of_range_pages_are_422(client, query):
    assert client.get(URL, query_string=query).status_code == 422


def test_a_hundred_per_page_is_allowed(client, user):
    make_items(user, ["a"] * 101)
    assert len(names(client.get(URL, query_string={"page_size": 100}))) == 100


def test_a_page_costs_one_query(client, user, statements):
    # The total comes from a subquery of the page's statement, not a second COUNT query.
    make_items(user, ["a", "b", "c"])
    response = client.get(URL, query_string={"page_size": 2})
    assert pagination(response)["total"] == 3
    # A PREPARE is sent once per connection, not per request.
    items_queries = [s for s in statements if "FROM items" in s and not s.startswith("PREPARE")]
    assert len(items_queries) == 1, statements


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["apple", "banana", "cherry"]),
        ("-name", ["cherry", "banana", "apple"]),
        ("created_at", ["banana", "cherry", "apple"]),
        ("-created_at", ["apple", "cherry", "banana"]),
    ],
)
def test_sorting(client, user, sort, expected):
    make_items(user, ["banana", "cherry", "apple"])
    assert names(client.get(URL, query_string={"sort": sort})) == expected


def test_the_default_order_is_oldest_first(client, user):
    make_items(user, ["banana", "cherry", "apple"])
    assert names(client.get(URL)) == ["banana", "cherry", "apple"]


def test_a_name_filter_with_a_nul_character_is_422(client):
    response = client.get(URL, query_string={"name": "a\x00"})
    assert response.status_code == 422


@pytest.mark.parametrize("sort", ["price", "id", "-", "name,created_at", "NAME"])
def test_unknown_sort_keys_are_422(client, sort):
    response = client.get(URL, query_string={"sort": sort})
    assert response.status_code == 422


def test_the_name_filter_matches_substrings_ignoring_case(client, user):
    make_items(user, ["Desk Lamp", "LAMPSHADE", "Chair", "lamp"])
    response = client.get(URL, query_string={"name": "lAm"})
    assert names(response) == ["Desk Lamp", "LAMPSHADE", "lamp"]
    assert pagination(response)["total"] == 3


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("%", ["100% wool"]), ("_", ["a_b"]), ("/", ["a/b", "a//b"]), ("//", ["a//b"]), ("/_", [])],
)
def test_like_wildcards_in_the_filter_are_literal(client, user, pattern, expected):
    make_items(user, ["100% wool", "a_b", "a/b", "a//b", "plain"])
    assert names(client.get(URL, query_string={"name": pattern})) == expected


def test_the_total_counts_only_your_matching_items(client, user):
    make_items(user, ["lamp", "chair"])
    make_items(UserFactory(), ["lamp", "lamp"])
    response = client.get(URL, query_string={"name": "lamp"})
    assert pagination(response)["total"] == 1


def test_the_spec_documents_the_list_parameters_and_headers(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"][URL]["get"]
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert parameters >= {"page", "page_size", "sort", "name"}
    assert set(operation["responses"]["200"]["headers"]) >= {"X-Pagination", "Link"}


def test_the_spec_says_x_pagination_holds_json(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"][URL]["get"]
    header = operation["responses"]["200"]["headers"]["X-Pagination"]
    # A bare `schema` would mean OpenAPI's "simple" style (total,25,page,2), not JSON.
    assert "schema" not in header
    assert header["content"]["application/json"]["schema"]["$ref"].endswith("/PaginationMetadata")
