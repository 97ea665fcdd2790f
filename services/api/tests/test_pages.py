"""A page of items is the JSON ItemSchema dumps, whether PostgreSQL builds it or Python does."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from services.api.items.schemas import ItemSchema
from services.api.tests.factories import ItemFactory, bearer_for, migrated_sqlite_app

URL = "/api/v1/items"
# What JSON must escape or keep: quotes, backslashes, control characters, non-ASCII text,
# no description, an empty one, and prices at both ends of the range.
ODD_ITEMS = [
    {"name": 'quote " backslash \\ slash /', "description": None, "price": Decimal("0.00")},
    {"name": "naïve café ☕ 𝄞", "description": "line\nbreak\ttab\x01", "price": Decimal("3.10")},
    {"name": "</script>", "description": "", "price": Decimal("9999999999.99")},
]
# A timestamp on a whole second: isoformat() would leave out its microseconds.
WHOLE_SECOND = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def listed(client, **query):
    response = client.get(URL, query_string={"page_size": 100, **query})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def test_postgresql_builds_each_item_as_itemschema_dumps_it(auth_client, user):
    made = [ItemFactory(owner_id=user.id, **fields) for fields in ODD_ITEMS]
    made.append(
        ItemFactory(
            owner_id=user.id, name="whole", created_at=WHOLE_SECOND, updated_at=WHOLE_SECOND
        )
    )
    page = listed(auth_client, sort="name")
    expected = sorted((ItemSchema().dump(item) for item in made), key=lambda item: item["name"])
    assert page == expected
    assert expected[-1]["created_at"] == "2026-01-02T03:04:05.000000+00:00"
    for item in page:  # and as the item's own endpoint shows it
        assert auth_client.get(f"{URL}/{item['id']}").get_json() == item


@pytest.mark.parametrize("sort", ["name", "-name", "created_at", "-created_at"])
def test_postgresql_keeps_the_page_in_its_sort_order(auth_client, user, sort):
    for n, name in enumerate(["b", "c", "a"]):
        ItemFactory(owner_id=user.id, name=name, created_at=WHOLE_SECOND.replace(second=n))
    names = [item["name"] for item in listed(auth_client, sort=sort)]
    expected = {"name": "abc", "-name": "cba", "created_at": "bca", "-created_at": "acb"}[sort]
    assert names == list(expected)


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_sqlite_pages_are_the_same_json(tmp_path):
    app = migrated_sqlite_app(tmp_path)
    client = app.test_client()
    registered = client.post(
        "/api/v1/users", json={"email": "dev@example.com", "password": "correct horse battery"}
    )
    client.environ_base["HTTP_AUTHORIZATION"] = bearer_for(app, registered.json["id"])[
        "Authorization"
    ]
    for fields in ODD_ITEMS:
        body = {**fields, "price": str(fields["price"])}
        assert client.post(URL, json=body).status_code == 201
    page = listed(client, sort="-created_at")
    assert [item["name"] for item in page] == [item["name"] for item in reversed(ODD_ITEMS)]
    for item in page:
        assert client.get(f"{URL}/{item['id']}").get_json() == item
    assert json.loads(client.get(URL).headers["X-Pagination"])["total"] == len(ODD_ITEMS)
