"""Items belong to their creator; other users cannot tell they exist."""

import pytest

from services.api.extensions import db as sqlalchemy_db
from services.api.items.models import Item
from services.api.tests.factories import ItemFactory, UserFactory, bearer
from services.api.users.models import User

URL = "/api/v1/items"
WRITES = {
    "put": {"name": "Taken", "price": "0.00"},
    "patch": {"name": "Taken"},
    "delete": None,
}


def bearer_of(item):
    return bearer(sqlalchemy_db.session.get(User, item.owner_id))


def without_request_id(response):
    return {key: value for key, value in response.get_json().items() if key != "request_id"}


@pytest.fixture
def strangers_item(db):
    return ItemFactory(owner_id=UserFactory().id, name="Not yours")


def test_a_created_item_belongs_to_its_creator(auth_client, user, db):
    item_id = auth_client.post(URL, json={"name": "Mine", "price": "1.00"}).get_json()["id"]
    assert db.session.get(Item, item_id).owner_id == user.id


def test_the_list_shows_only_your_items(auth_client, user, strangers_item):
    ItemFactory(owner_id=user.id, name="Yours")
    names = [item["name"] for item in auth_client.get(URL).get_json()]
    assert names == ["Yours"]


def test_someone_elses_item_looks_exactly_like_a_missing_one(client, auth_headers, strangers_item):
    # The same id, asked for while it exists (someone else's) and after its owner deleted it.
    path = f"{URL}/{strangers_item.id}"
    while_it_exists = client.get(path, headers=auth_headers)
    owner = bearer_of(strangers_item)
    etag = client.get(path, headers=owner).headers["ETag"]
    assert client.delete(path, headers={**owner, "If-Match": etag}).status_code == 204
    after_deletion = client.get(path, headers=auth_headers)
    assert while_it_exists.status_code == after_deletion.status_code == 404
    assert "ETag" not in while_it_exists.headers
    assert without_request_id(while_it_exists) == without_request_id(after_deletion)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_nobody_changes_or_deletes_someone_elses_item(client, auth_headers, strangers_item, method):
    owner = bearer_of(strangers_item)
    etag = client.get(f"{URL}/{strangers_item.id}", headers=owner).headers["ETag"]
    response = client.open(
        f"{URL}/{strangers_item.id}",
        method=method.upper(),
        json=WRITES[method],
        headers={**auth_headers, "If-Match": etag},
    )
    assert response.status_code == 404
    sqlalchemy_db.session.expire_all()
    stored = sqlalchemy_db.session.get(Item, strangers_item.id)
    assert (stored.name, stored.version) == ("Not yours", 1)


def test_the_owner_cannot_be_reassigned(auth_client, user, db):
    created = auth_client.post(URL, json={"name": "Mine", "price": "1.00"})
    other = UserFactory()
    response = auth_client.patch(
        created.headers["Location"],
        json={"owner_id": other.id},
        headers={"If-Match": created.headers["ETag"]},
    )
    assert response.status_code == 422
    assert db.session.get(Item, created.get_json()["id"]).owner_id == user.id
