"""A scaffolded service, run beside the API: it trusts the API's tokens and nothing else.

Against real PostgreSQL (one database each): a token the API issued opens the new service,
which hides another user's record (404), pages with headers and refuses a stale If-Match (412).
"""

import json
import sys
from collections.abc import Iterator
from datetime import date
from importlib import import_module

import pytest

from libs.testing.apps import migrated
from libs.testing.postgres import postgres_database
from libs.testing.tokens import TestTokens
from services.api.app import create_app as create_api
from services.api.tests.factories import make_settings
from tools.scaffold.cli import template_context
from tools.scaffold.fields import parse_fields
from tools.scaffold.names import derive_names
from tools.scaffold.render import render_files

FIELDS = ["name:string:120", "total:decimal:2", "due:date", "note:text:optional"]
ORDER = {"name": "spare parts", "total": "19.90", "due": "2026-03-01", "note": None}
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def orders_package(tmp_path_factory) -> Iterator[object]:
    """services.orders as `new-service orders --resource order` writes it, importable."""
    root = tmp_path_factory.mktemp("scaffolded")
    context = template_context(
        derive_names("orders", "order"), 0, parse_fields(FIELDS), None, date(2026, 1, 1)
    )
    for path, text in render_files(context, "services/__service__").items():
        target = root / str(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))  # `services` is a namespace package: both halves import
    try:
        yield import_module("services.orders.app")
    finally:
        sys.path.remove(str(root))


@pytest.fixture(scope="module")
def api():
    with postgres_database() as database:
        yield migrated(create_api(make_settings(database.url))).test_client()


@pytest.fixture(scope="module")
def orders(orders_package, api):
    public_keys = api.get("/.well-known/jwks.json").get_data(as_text=True)
    settings_module = import_module("services.orders.settings")
    with postgres_database() as database:
        settings = settings_module.OrdersSettings(
            app_env="test", database_url=database.url, auth_public_keys=public_keys
        )
        yield migrated(orders_package.create_app(settings)).test_client()


def token_from(api, email):
    """Register `email` with the API and sign in: the API's own access token."""
    assert api.post("/api/v1/users", json={"email": email, "password": PASSWORD}).status_code == 201
    response = api.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def test_an_api_token_opens_the_scaffolded_service_for_its_user_only(api, orders):
    ann, bob = token_from(api, "ann@example.com"), token_from(api, "bob@example.com")
    created = orders.post("/api/v1/orders", json=ORDER, headers=ann)
    assert created.status_code == 201, created.get_json()
    assert {key: created.get_json()[key] for key in ORDER} == ORDER
    path, etag = created.headers["Location"], created.headers["ETag"]

    assert orders.get(path, headers=bob).status_code == 404
    assert orders.get(path, headers=ann).get_json() == created.get_json()

    for n in range(2):
        orders.post("/api/v1/orders", json={**ORDER, "name": f"more {n}"}, headers=ann)
    page = orders.get("/api/v1/orders?page_size=2&sort=name", headers=ann)
    assert [order["name"] for order in page.get_json()] == ["more 0", "more 1"]
    assert json.loads(page.headers["X-Pagination"])["total"] == 3
    assert 'rel="next"' in page.headers["Link"]
    assert (
        json.loads(orders.get("/api/v1/orders", headers=bob).headers["X-Pagination"])["total"] == 0
    )

    changed = orders.patch(path, json={"note": "urgent"}, headers={**ann, "If-Match": etag})
    assert changed.status_code == 200
    stale = orders.patch(path, json={"note": "late"}, headers={**ann, "If-Match": etag})
    assert stale.status_code == 412
    assert orders.get(path, headers=ann).get_json()["note"] == "urgent"


def test_the_scaffolded_service_refuses_tokens_it_has_no_key_for(orders):
    unknown = TestTokens().bearer(1)  # signed as the API signs, with a key nobody published
    response = orders.get("/api/v1/orders", headers=unknown)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
