"""The seeded items and the baseline app, against a real PostgreSQL database.

The schema is written out here, with and without owners, so these tests hold both before and
after the service's migrations give items an owner; the smoke test covers the migrated schema.
"""

from collections.abc import Iterator
from types import SimpleNamespace

import psycopg2
import pytest

from benchmarks.baseline import COLUMNS, BaselineConfig, create_app
from benchmarks.seed import item_rows, owner_column, seed_items, settle
from libs.testing.postgres import database_on, postgres_database, postgres_server
from services.api.items.schemas import ItemSchema

ITEMS = """
CREATE TABLE items (
    id serial PRIMARY KEY,
    name varchar(200) NOT NULL,
    description varchar(2000),
    price numeric(12, 2) NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
)
"""


@pytest.fixture
def database_url() -> Iterator[str]:
    with postgres_database() as database:
        execute(database.url, ITEMS)
        yield database.url


@pytest.fixture
def private_database_url() -> Iterator[str]:
    """A database on a server of the test's own. VACUUM marks a page all-visible only when no
    snapshot it must respect predates the page's inserts (on a shared server, other sessions'
    can) and once their commit is on disk (hint bits), so commits here are synchronous."""
    with (
        postgres_server(autovacuum="off", synchronous_commit="on") as server,
        database_on(server.url) as database,
    ):
        execute(database.url, ITEMS)
        yield database.url


def execute(url, statement, parameters=()):
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        rows = cursor.fetchall() if cursor.description else []
    connection.close()
    return rows


def seed(url, count, owner_ids=(), column=None):
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        ids = seed_items(cursor, count, list(owner_ids), column)
    connection.close()
    return ids


def add_owners(url, count):
    """What the auth issue adds: users, and items that reference them."""
    execute(url, "CREATE TABLE users (id serial PRIMARY KEY)")
    execute(url, "ALTER TABLE items ADD COLUMN owner_id integer NOT NULL REFERENCES users (id)")
    rows = execute(
        url, "INSERT INTO users SELECT FROM generate_series(1, %s) RETURNING id", (count,)
    )
    return [row[0] for row in rows]


def detected_owner_column(url):
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        column = owner_column(cursor)
    connection.close()
    return column


def test_rows_are_deterministic_and_owned_round_robin():
    assert item_rows(3, []) == item_rows(3, [])
    assert [row[-1] for row in item_rows(5, [7, 9])] == [7, 9, 7, 9, 7]


def test_items_are_bulk_inserted_without_owners_while_items_have_none(database_url):
    assert detected_owner_column(database_url) is None
    ids = seed(database_url, 10_000)
    assert list(ids) == [None]
    assert len(set(ids[None])) == 10_000
    assert execute(database_url, "SELECT count(*) FROM items") == [(10_000,)]


def test_items_are_spread_over_their_owners_once_items_have_one(database_url):
    owners = add_owners(database_url, 3)
    assert detected_owner_column(database_url) == "owner_id"
    ids = seed(database_url, 300, owners, "owner_id")
    assert {owner: len(owned) for owner, owned in ids.items()} == dict.fromkeys(owners, 100)
    counted = execute(database_url, "SELECT owner_id, count(*) FROM items GROUP BY owner_id")
    assert dict(counted) == dict.fromkeys(owners, 100)


def test_the_baseline_answers_what_the_service_would(database_url):
    ids = seed(database_url, 120)[None]
    config = BaselineConfig(database_url, pool_size=2, list_sort="-created_at")
    client = create_app(config).test_client()
    (row,) = execute(
        database_url,
        "SELECT id, name, description, price, created_at, updated_at FROM items WHERE id = %s",
        (ids[5],),
    )
    expected = ItemSchema().dump(SimpleNamespace(**dict(zip(COLUMNS, row, strict=True))))
    body = client.get(f"/items/{ids[5]}").get_json()
    assert body == {key: expected[key] for key in body}
    assert client.get("/items/999999").status_code == 404
    page = client.get("/items").get_json()
    assert [item["id"] for item in page] == sorted(ids, reverse=True)[:50]
    created = client.post("/items", json={"name": "new", "price": "1.50"})
    assert created.status_code == 201
    assert created.get_json()["price"] == "1.50"
    assert client.get(created.headers["Location"]).get_json()["name"] == "new"
    assert client.get("/health").get_json() == {"status": "ok"}


def test_the_baseline_reads_and_writes_only_its_owners_items(database_url):
    owners = add_owners(database_url, 2)
    ids = seed(database_url, 200, owners, "owner_id")
    config = BaselineConfig(
        database_url, 2, "created_at", owner_column="owner_id", owner_id=owners[0]
    )
    client = create_app(config).test_client()
    assert client.get(f"/items/{ids[owners[0]][0]}").status_code == 200
    assert client.get(f"/items/{ids[owners[1]][0]}").status_code == 404
    assert [item["id"] for item in client.get("/items").get_json()] == ids[owners[0]][:50]
    created = client.post("/items", json={"name": "mine", "price": "2"}).get_json()
    owner = execute(database_url, "SELECT owner_id FROM items WHERE id = %s", (created["id"],))
    assert owner == [(owners[0],)]


def test_the_baseline_adds_created_items_to_the_writer_when_one_is_set(database_url):
    owners = add_owners(database_url, 3)
    seed(database_url, 30, owners, "owner_id")
    config = BaselineConfig(
        database_url,
        2,
        "created_at",
        owner_column="owner_id",
        owner_id=owners[0],
        writer_id=owners[2],
    )
    created = create_app(config).test_client().post("/items", json={"name": "w", "price": "2"})
    owner = execute(database_url, "SELECT owner_id FROM items WHERE id = %s", (created.json["id"],))
    assert owner == [(owners[2],)]


def test_settling_leaves_every_page_of_the_seeded_items_all_visible(private_database_url):
    url = private_database_url
    seed(url, 3000)
    assert execute(url, "SELECT relallvisible FROM pg_class WHERE relname = 'items'") == [(0,)]
    settle(url)
    [(pages, all_visible)] = execute(
        url, "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'items'"
    )
    assert pages > 0
    assert all_visible == pages
