"""Each items request runs a fixed, small number of SQL statements: no N+1, no extra lookups."""

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from services.api.extensions import db as sqlalchemy_db
from services.api.tests.factories import ItemFactory

URL = "/api/v1/items"


def counted(statements, request):
    """The response to `request()` and the first word of each statement it sent, leaving out
    the PREPARE a connection sends once for each read (test_reads checks it is only once).

    The session is closed first, so that nothing the test set up is answered from its
    identity map as it would never be in a server's fresh per-request session.
    """
    sqlalchemy_db.session.remove()
    statements.clear()
    response = request()
    verbs = [statement.split()[0] for statement in statements]
    return response, [verb for verb in verbs if verb != "PREPARE"]


def test_get_one_is_one_select(auth_client, user, statements):
    item_id = ItemFactory(owner_id=user.id).id
    response, sent = counted(statements, lambda: auth_client.get(f"{URL}/{item_id}"))
    assert response.status_code == 200
    assert sent == ["SELECT"]


def test_a_page_of_50_is_one_select_whatever_the_page_size(auth_client, user, statements):
    ItemFactory.create_batch(60, owner_id=user.id)
    response, sent = counted(
        statements, lambda: auth_client.get(f"{URL}?page=1&page_size=50&sort=-name")
    )
    assert response.status_code == 200
    assert len(response.get_json()) == 50
    assert sent == ["SELECT"]


def test_create_is_one_insert(auth_client, statements):
    body = {"name": "Lamp", "price": "19.90"}
    response, sent = counted(statements, lambda: auth_client.post(URL, json=body))
    assert response.status_code == 201
    assert sent == ["INSERT"]


def test_create_stores_the_row_without_the_orms_unit_of_work(auth_client, statements):
    """A new record has no version to check; the profile of a create found a third of its time
    in the ORM's flush (docs/performance.md), so the kit inserts it with Core instead."""
    flushes = []

    def count(session, context, instances):
        flushes.append(session)

    event.listen(Session, "before_flush", count)
    try:
        response, sent = counted(
            statements, lambda: auth_client.post(URL, json={"name": "Lamp", "price": "19.9"})
        )
    finally:
        event.remove(Session, "before_flush", count)
    assert response.status_code == 201
    assert sent == ["INSERT"]
    assert flushes == []
    read = auth_client.get(response.headers["Location"])
    assert read.get_json() == response.get_json()
    assert read.headers["ETag"] == response.headers["ETag"]


@pytest.mark.parametrize("method", ["put", "patch"])
def test_an_update_reads_then_writes_once(auth_client, user, statements, method):
    item_id = ItemFactory(owner_id=user.id).id
    etag = auth_client.get(f"{URL}/{item_id}").headers["ETag"]
    body = {"name": "Desk lamp", "price": "21.00"}
    response, sent = counted(
        statements,
        lambda: getattr(auth_client, method)(
            f"{URL}/{item_id}", json=body, headers={"If-Match": etag}
        ),
    )
    assert response.status_code == 200
    assert response.get_json()["name"] == "Desk lamp"
    assert sent == ["SELECT", "UPDATE"]


def test_delete_reads_then_deletes_once(auth_client, user, statements):
    item_id = ItemFactory(owner_id=user.id).id
    etag = auth_client.get(f"{URL}/{item_id}").headers["ETag"]
    response, sent = counted(
        statements,
        lambda: auth_client.delete(f"{URL}/{item_id}", headers={"If-Match": etag}),
    )
    assert response.status_code == 204
    assert sent == ["SELECT", "DELETE"]


def test_a_missing_item_also_checks_the_user_still_exists(auth_client, statements, user):
    response, sent = counted(statements, lambda: auth_client.get(f"{URL}/999999"))
    assert response.status_code == 404
    assert sent == ["SELECT", "SELECT"]
