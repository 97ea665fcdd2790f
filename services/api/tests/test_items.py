"""The /api/v1/items endpoints against PostgreSQL, as an authenticated user."""

import re
from decimal import Decimal

import pytest

from services.api.items.models import Item
from services.api.tests.factories import ItemFactory

URL = "/api/v1/items"
VALID = {"name": "Lamp", "description": "A desk lamp", "price": "19.90"}


@pytest.fixture
def client(auth_client):
    return auth_client


def create(client, **fields):
    response = client.post(URL, json={**VALID, **fields})
    assert response.status_code == 201, response.get_json()
    return response


def if_match(response):
    return {"If-Match": response.headers["ETag"]}


def field_errors(response):
    assert response.status_code == 422
    return response.get_json()["errors"]["json"]


def test_create_returns_the_item_and_its_location(client, db):
    response = create(client)
    body = response.get_json()
    assert body["name"] == "Lamp"
    assert body["description"] == "A desk lamp"
    assert body["price"] == "19.90"
    assert body["created_at"] == body["updated_at"]
    assert body["created_at"].endswith("+00:00")
    assert response.headers["Location"].endswith(f"{URL}/{body['id']}")
    stored = db.session.get(Item, body["id"])
    assert stored.price == Decimal("19.90")


def test_location_points_at_the_created_item(client):
    location = create(client).headers["Location"]
    assert client.get(location).get_json()["name"] == "Lamp"


def test_description_is_optional(client):
    body = client.post(URL, json={"name": "Cup", "price": 3}).get_json()
    assert body["description"] is None
    assert body["price"] == "3.00"


def test_list_returns_items_in_creation_order(client, user):
    ItemFactory.create_batch(3, owner_id=user.id)
    names = [item["name"] for item in client.get(URL).get_json()]
    assert len(names) == 3
    assert names == sorted(names, key=lambda name: int(name.split()[1]))


def test_list_of_nothing_is_empty(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.get_json() == []


def test_get_one(client, user):
    item = ItemFactory(name="Chair", price=Decimal("49.00"), owner_id=user.id)
    body = client.get(f"{URL}/{item.id}").get_json()
    assert (body["id"], body["name"], body["price"]) == (item.id, "Chair", "49.00")


def test_put_replaces_every_writable_field(client):
    created = create(client)
    item_id = created.get_json()["id"]
    response = client.put(
        f"{URL}/{item_id}", json={"name": "Lamp 2", "price": "5.00"}, headers=if_match(created)
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["price"], body["description"]) == ("Lamp 2", "5.00", None)
    assert body["updated_at"] > body["created_at"]


def test_put_requires_the_required_fields(client):
    created = create(client)
    item_id = created.get_json()["id"]
    response = client.put(
        f"{URL}/{item_id}", json={"name": "Only a name"}, headers=if_match(created)
    )
    errors = field_errors(response)
    assert errors == {"price": ["Missing data for required field."]}


def test_patch_changes_only_the_given_fields(client):
    created = create(client)
    item_id = created.get_json()["id"]
    body = client.patch(f"{URL}/{item_id}", json={"price": "1.50"}, headers=if_match(created))
    body = body.get_json()
    assert (body["name"], body["description"], body["price"]) == ("Lamp", "A desk lamp", "1.50")


def test_patch_validates_what_it_is_given(client):
    created = create(client)
    item_id = created.get_json()["id"]
    errors = field_errors(
        client.patch(f"{URL}/{item_id}", json={"name": ""}, headers=if_match(created))
    )
    assert "name" in errors
    assert client.get(f"{URL}/{item_id}").get_json()["name"] == "Lamp"


def test_delete_removes_the_item(client, db):
    created = create(client)
    item_id = created.get_json()["id"]
    response = client.delete(f"{URL}/{item_id}", headers=if_match(created))
    assert response.status_code == 204
    assert response.data == b""
    assert db.session.get(Item, item_id) is None
    assert client.get(f"{URL}/{item_id}").status_code == 404


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize("item_id", [999999, 2**31, 10**30])  # past PostgreSQL's integer too
def test_unknown_id_is_404(client, method, item_id):
    response = getattr(client, method)(f"{URL}/{item_id}", json=VALID, headers={"If-Match": "*"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Length must be between 1 and 200."),
        ({"name": "x" * 201}, "name", "Length must be between 1 and 200."),
        ({"name": None}, "name", "Field may not be null."),
        ({"name": 12}, "name", "Not a valid string."),
        ({"description": "x" * 2001}, "description", "Longer than maximum length 2000."),
        ({"price": "-0.01"}, "price", "Must be greater than or equal to 0"),
        ({"price": "1.234"}, "price", "Must have at most 2 decimal places."),
        ({"price": "abc"}, "price", "Not a valid number."),
        ({"price": "NaN"}, "price", "Special numeric values (nan or infinity) are not permitted."),
        ({"price": "10000000000"}, "price", "less than or equal to"),
        # PostgreSQL text cannot hold NUL; without the check psycopg2 raised and the API said 500.
        ({"name": "a\x00b"}, "name", "Must not contain NUL"),
        ({"description": "\x00"}, "description", "Must not contain NUL"),
    ],
)
def test_invalid_fields_are_422_with_the_field_error(client, db, fields, field, message):
    errors = field_errors(client.post(URL, json={**VALID, **fields}))
    assert field in errors
    assert any(message in text for text in errors[field])
    assert db.session.query(Item).count() == 0


def test_missing_required_fields_are_listed(client):
    errors = field_errors(client.post(URL, json={}))
    assert errors == {
        "name": ["Missing data for required field."],
        "price": ["Missing data for required field."],
    }


@pytest.mark.parametrize(
    "field", ["id", "created_at", "updated_at", "owner", "owner_id", "version"]
)
def test_server_set_and_unknown_fields_are_refused(client, field):
    errors = field_errors(client.post(URL, json={**VALID, field: 1}))
    assert errors == {field: ["Unknown field."]}


def test_boundaries_are_accepted(client):
    body = create(client, name="x" * 200, description="d" * 2000, price="9999999999.99").get_json()
    assert len(body["name"]) == 200
    assert body["price"] == "9999999999.99"


def test_openapi_spec_documents_every_operation(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert set(spec["paths"][URL]) >= {"get", "post"}
    assert set(spec["paths"][URL + "/{item_id}"]) >= {"get", "put", "patch", "delete"}
    assert spec["paths"][URL]["post"]["summary"] == "Create an item"


def test_the_spec_documents_price_as_the_decimal_string_responses_carry(client):
    price = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Item"]
    price = price["properties"]["price"]
    # Numbers as strings ("9999999999.99") are invalid OpenAPI bounds, and responses hold strings.
    assert (price["type"], price["format"]) == ("string", "decimal")
    assert not {"minimum", "maximum"} & price.keys()
    assert re.fullmatch(price["pattern"], "9999999999.99")
    assert not re.fullmatch(price["pattern"], "1.234")
