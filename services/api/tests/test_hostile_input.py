"""Input that once made the API answer 500 (found by the reliability suites) is a 4xx now."""

import json

import pytest

from services.api.items.models import Item
from services.api.tests.factories import PASSWORD

ITEMS = "/api/v1/items"
TOKEN = "/api/v1/auth/token"
USERS = "/api/v1/users"
SURROGATE = "\ud800"


def post_raw(client, url, body):
    return client.post(url, data=body, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="arrays-nested-100000-deep"),
        pytest.param('{"a":' * 50_000 + "1" + "}" * 50_000, id="objects-nested-50000-deep"),
        pytest.param('{"name": "a", "price": ' + "9" * 5000 + "}", id="integer-of-5000-digits"),
    ],
)
def test_json_that_python_cannot_parse_is_400(auth_client, db, body):
    response = post_raw(auth_client, ITEMS, body)
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"json": ["Invalid JSON body."]}
    assert db.session.query(Item).count() == 0


@pytest.mark.parametrize("field", ["name", "description"])
def test_a_lone_surrogate_in_item_text_is_a_422_field_error(auth_client, db, field):
    body = {"name": "Lamp", "price": "1.00", field: f"a{SURROGATE}b"}
    response = post_raw(auth_client, ITEMS, json.dumps(body))
    assert response.status_code == 422
    assert "lone surrogate" in response.get_json()["errors"]["json"][field][0]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (TOKEN, {"email": f"{SURROGATE}@example.com", "password": PASSWORD}, "email"),
        (TOKEN, {"email": "ann@example.com", "password": SURROGATE * 12}, "password"),
        (USERS, {"email": "ann@example.com", "password": SURROGATE * 12}, "password"),
        (USERS, {"email": f"ann@{SURROGATE}.example.com", "password": PASSWORD}, "email"),
    ],
)
def test_a_lone_surrogate_in_credentials_is_422(client, db, url, body, field):
    response = post_raw(client, url, json.dumps(body))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


@pytest.mark.parametrize("price", [" 1 ", "1_000", "1e3", "+1", ".5", "1.", "\u0661\u0662"])
def test_prices_in_anything_but_plain_decimal_notation_are_422(auth_client, db, price):
    response = auth_client.post(ITEMS, json={"name": "Lamp", "price": price})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["price"] == [
        "Must be a plain decimal number such as 12.50."
    ]


@pytest.mark.parametrize(("price", "stored"), [("12.50", "12.50"), (3, "3.00"), (0.5, "0.50")])
def test_plain_decimal_strings_and_json_numbers_are_prices(auth_client, db, price, stored):
    response = auth_client.post(ITEMS, json={"name": "Lamp", "price": price})
    assert response.status_code == 201
    assert response.get_json()["price"] == stored
