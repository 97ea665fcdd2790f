"""ETags: conditional GETs, and writes that must name the version they change."""

import pytest
from flask import g
from sqlalchemy import text

from services.api.extensions import db as sqlalchemy_db
from services.api.items.models import Item
from services.api.items.service import items

URL = "/api/v1/items"
WRITES = {
    "put": {"name": "New", "price": "2.00"},
    "patch": {"name": "New"},
    "delete": None,
}
WIN = {"put": 200, "patch": 200, "delete": 204}
LOSE = {"put": 412, "patch": 412, "delete": 404}


@pytest.fixture
def client(auth_client):
    return auth_client


@pytest.fixture
def created(client):
    response = client.post(URL, json={"name": "Lamp", "price": "1.00"})
    assert response.status_code == 201
    return response


def write(client, method, path, etag=None):
    headers = {} if etag is None else {"If-Match": etag}
    return client.open(path, method=method.upper(), json=WRITES[method], headers=headers)


def test_created_and_fetched_items_carry_the_same_etag(client, created):
    etag = created.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert client.get(created.headers["Location"]).headers["ETag"] == etag


def test_a_matching_if_none_match_gets_304_with_the_etag(client, created):
    etag = created.headers["ETag"]
    response = client.get(created.headers["Location"], headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag


def test_a_stale_if_none_match_gets_the_item(client, created):
    response = client.get(created.headers["Location"], headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200
    assert response.get_json()["name"] == "Lamp"


def test_every_update_changes_the_etag(client, created):
    path, etag = created.headers["Location"], created.headers["ETag"]
    updated = write(client, "patch", path, etag)
    assert updated.status_code == 200
    assert updated.headers["ETag"] != etag
    assert client.get(path).headers["ETag"] == updated.headers["ETag"]
    again = client.patch(path, json={"name": "New"}, headers={"If-Match": updated.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] not in (etag, updated.headers["ETag"])


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_without_if_match_is_428(client, created, method):
    response = write(client, method, created.headers["Location"])
    assert response.status_code == 428
    assert client.get(created.headers["Location"]).get_json()["name"] == "Lamp"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_with_a_stale_etag_is_412(client, created, method):
    path = created.headers["Location"]
    assert write(client, "patch", path, created.headers["ETag"]).status_code == 200
    response = write(client, method, path, created.headers["ETag"])
    assert response.status_code == 412
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_of_two_writers_from_one_version_exactly_one_wins(app, client, created, method):
    # The loser of two deletes finds nothing left: 404. A real race gets 412 (test below).
    path, etag = created.headers["Location"], created.headers["ETag"]
    other_client = app.test_client()
    other_client.environ_base.update(client.environ_base)
    first = write(client, method, path, etag)
    second = write(other_client, method, path, etag)
    assert [first.status_code, second.status_code] == [WIN[method], LOSE[method]]


@pytest.mark.parametrize("method", ["update", "delete"])
def test_the_database_refuses_a_write_based_on_an_outdated_read(app, db, created, method):
    # A concurrent request commits between this one's read and its write: the checks in Python
    # have passed, so only the version in the UPDATE/DELETE's WHERE clause can stop it.
    item_id = created.get_json()["id"]
    item = db.session.get(Item, item_id)  # this request's read, kept in its session
    with db.engine.begin() as other_request:
        other_request.execute(
            text("UPDATE items SET name = 'Theirs', version = version + 1 WHERE id = :id"),
            {"id": item_id},
        )
    request = app.test_request_context(headers={"If-Match": created.headers["ETag"]})
    with request, pytest.raises(Exception) as refused:  # an HTTPException, checked below
        g.user_id = item.owner_id
        if method == "update":
            items.update(item_id, {"name": "Mine"})
        else:
            items.delete(item_id)
    assert refused.value.code == 412
    sqlalchemy_db.session.expire_all()
    assert sqlalchemy_db.session.get(Item, item_id).name == "Theirs"


def test_the_spec_documents_the_conditional_headers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = spec["paths"][URL + "/{item_id}"]
    for method in ("put", "patch", "delete"):
        parameters = [
            spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]["name"]
            for parameter in operations[method]["parameters"]
        ]
        assert "If-Match" in parameters
        assert {"412", "428"} <= set(operations[method]["responses"])
    assert "304" in operations["get"]["responses"]
    assert "ETag" in operations["get"]["responses"]["200"]["headers"]
