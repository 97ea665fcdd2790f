"""The peer answers the benchmark's requests as the API does: same status codes, bodies and
headers (pagination, Link, ETag, Location, the Bearer challenge), on one real database."""

import json
import os
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
import requests

from benchmarks.endpoints import CREATE_BODY, DEFAULT_LIST_QUERY
from benchmarks.keys import RunKey
from benchmarks.options import Options, default_config
from benchmarks.servers import (
    PEER,
    SERVICE,
    SERVICE_APP,
    Concurrency,
    Server,
    gunicorn,
    uvicorn,
)
from benchmarks.stack import (
    Seeded,
    benchmark_database,
    concurrency_environment,
    migrate,
    peer_environment,
    seed,
    service_environment,
)

PEER_PEX = Path("benchmarks.peers.fastapi/peer.pex")
ITEMS = "/api/v1/items"
# Both build absolute links from the Host header: the same one makes them comparable.
SAME_REQUEST = {"Host": "items.test", "X-Request-ID": "parity-1", "Accept": "application/json"}
COMPARED_HEADERS = ("X-Pagination", "Link", "ETag", "Location", "WWW-Authenticate")


@dataclass
class Running:
    """The API and the peer on one seeded database."""

    api: Server
    peer: Server
    seeded: Seeded
    others_ids: list[int]  # items of an owner whose tokens the requests never carry
    key: RunKey


@pytest.fixture(scope="module")
def servers():
    """The API and the peer, started once for the module."""
    options = Options(items=120, users=2, duration_s=1, timeout_s=1)
    concurrency = Concurrency(workers=1, threads=2)
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="peer-")))
        database = stack.enter_context(benchmark_database(os.environ.get("TEST_DATABASE_URL")))
        migrate(database.url)
        key = RunKey.generate()
        env = {
            **service_environment(database.url, options, work, key),
            **concurrency_environment(options, concurrency),
        }
        api = stack.enter_context(
            gunicorn(SERVICE, SERVICE_APP, concurrency, default_config(), env, work)
        )
        seeded = seed(api, database.url, options)
        with psycopg2.connect(database.url) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT id FROM items WHERE owner_id = %s", (seeded.writer_id,))
            others = [row[0] for row in cursor.fetchall()]
        connection.close()
        peer = stack.enter_context(
            uvicorn(PEER, PEER_PEX, 1, peer_environment(database.url, key), work)
        )
        yield Running(api, peer, seeded, others, key)


def send(server, token, method, path, headers=None, body=None):
    request_headers = {**SAME_REQUEST, **(headers or {})}
    if token is not None:
        request_headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        request_headers["Content-Type"] = "application/json"
    return requests.request(
        method, server.base_url + path, headers=request_headers, data=body, timeout=30
    )


def exchange(servers, method, path, *, token=True, **kwargs):
    """The same request, with the same token (by default the API's own), to both."""
    if token is True:
        token = servers.seeded.tokens.current()
    return (
        send(servers.api, token, method, path, **kwargs),
        send(servers.peer, token, method, path, **kwargs),
    )


def assert_same(api, peer):
    assert peer.status_code == api.status_code, (api.text, peer.text)
    assert peer.headers["Content-Type"] == api.headers["Content-Type"]
    assert peer.json() == api.json()
    for name in COMPARED_HEADERS:
        assert peer.headers.get(name) == api.headers.get(name), name
    if "X-Pagination" in api.headers:  # the same JSON, whatever its spacing
        assert json.loads(peer.headers["X-Pagination"]) == json.loads(api.headers["X-Pagination"])


def test_one_item_is_the_same_document_with_the_same_etag(servers):
    item_id = servers.seeded.readable_ids[3]
    api, peer = exchange(servers, "GET", f"{ITEMS}/{item_id}")
    assert api.status_code == 200 and api.headers["ETag"]
    assert_same(api, peer)


@pytest.mark.parametrize(
    "query",
    [
        DEFAULT_LIST_QUERY,  # the benchmark's page of 50
        "?page=2&page_size=50&sort=created_at",  # the last page of the owner's 60
        "?sort=-created_at&page_size=7&page=3",
        "?page=9&page_size=50",  # past the end: no items, first and last links only
        "?sort=name&name=item%201",
        "",
    ],
)
def test_pages_are_the_same_items_and_pagination_headers(servers, query):
    api, peer = exchange(servers, "GET", ITEMS + query)
    assert api.status_code == 200 and "X-Pagination" in api.headers
    assert_same(api, peer)


@pytest.mark.parametrize("kind", ["another owner's", "missing", "too large for an id"])
def test_items_the_caller_cannot_see_are_the_same_404(servers, kind):
    item_id = {
        "another owner's": servers.others_ids[0],
        "missing": 2**31 - 1,
        "too large for an id": 2**31,
    }
    api, peer = exchange(servers, "GET", f"{ITEMS}/{item_id[kind]}")
    assert api.status_code == 404
    assert_same(api, peer)


@pytest.mark.parametrize("token", [None, "not-a-token", "a.b.c"])
def test_requests_without_a_valid_token_get_the_same_401_challenge(servers, token):
    for path in (f"{ITEMS}/{servers.seeded.readable_ids[0]}", ITEMS + DEFAULT_LIST_QUERY):
        api, peer = exchange(servers, "GET", path, token=token)
        assert api.status_code == 401 and api.headers["WWW-Authenticate"]
        assert_same(api, peer)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"{ITEMS}/1", None),
        ("GET", ITEMS + DEFAULT_LIST_QUERY, None),
        ("POST", ITEMS, CREATE_BODY),
    ],
)
def test_a_token_for_a_user_that_no_longer_exists_gets_the_same_401(servers, method, path, body):
    api, peer = exchange(servers, method, path, token=servers.key.mint(2**31 - 1), body=body)
    assert api.status_code == 401
    assert_same(api, peer)


def test_creates_answer_alike_and_each_created_item_reads_the_same_from_both(servers):
    api, peer = exchange(servers, "POST", ITEMS, body=CREATE_BODY)
    assert api.status_code == peer.status_code == 201
    assert peer.headers["Content-Type"] == api.headers["Content-Type"]
    created = {"api": api, "peer": peer}
    for response in created.values():
        body = response.json()
        assert response.headers["Location"] == f"{ITEMS}/{body['id']}"
        assert body["created_at"] == body["updated_at"]
        assert {k: body[k] for k in ("name", "description", "price")} == json.loads(CREATE_BODY)
    assert set(peer.json()) == set(api.json())
    for response in created.values():
        # Read back from both servers: each shows the other's new item as it was answered.
        reads = exchange(servers, "GET", response.headers["Location"])
        for read in reads:
            assert read.status_code == 200
            assert read.json() == response.json()
            assert read.headers["ETag"] == response.headers["ETag"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "price": "1.00"},
        {"name": "x", "price": "1e3"},
        {"name": "x", "price": "1.005"},
        {"name": "x", "price": "-1"},
        {"name": "x", "price": "10000000000"},  # more than numeric(12, 2) holds
        {"name": "x", "price": "1.00", "id": 7},
        {"price": "1.00"},
    ],
)
def test_invalid_creates_are_the_same_422_problem(servers, body):
    api, peer = exchange(servers, "POST", ITEMS, body=json.dumps(body))
    assert api.status_code == peer.status_code == 422
    # Each framework words its messages its own way; the fields named are the same.
    api_body, peer_body = api.json(), peer.json()
    assert set(peer_body["errors"]["json"]) == set(api_body["errors"]["json"])
    del api_body["errors"], peer_body["errors"]
    assert peer_body == api_body
