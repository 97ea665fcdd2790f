"""Every error is one application/problem+json shape, with its headers, against PostgreSQL."""

import io
import logging
import socket
from http import HTTPStatus

import pytest
from sqlalchemy import select

from libs.testing.problems import assert_problem
from services.api.app import create_app
from services.api.items.models import Item
from services.api.tests.factories import ItemFactory, bearer_for, make_settings
from services.api.tests.probes import SECRET_DETAIL

URL = "/api/v1/items"
VALID = {"name": "Lamp", "price": "19.90"}
MIB = 1024 * 1024


def test_malformed_json_is_400(auth_client):
    response = auth_client.post(URL, data='{"name": "Lamp",', content_type="application/json")
    body = assert_problem(response, 400)
    assert body["detail"] == "The request body is not valid JSON."
    assert body["errors"] == {"json": ["Invalid JSON body."]}


def test_unknown_item_is_404_naming_the_request(auth_client):
    body = assert_problem(auth_client.get(f"{URL}/424242"), 404)
    assert body["detail"] == "Item 424242 not found."
    assert body["instance"] == f"{URL}/424242"


def test_unknown_url_is_404(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_405_with_allow(client):
    response = client.delete(URL)
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_invalid_fields_are_422_by_location_and_field(auth_client):
    body = assert_problem(auth_client.post(URL, json={"name": "", "price": "abc", "id": 3}), 422)
    assert set(body["errors"]) == {"json"}
    assert set(body["errors"]["json"]) == {"name", "price", "id"}
    assert body["errors"]["json"]["id"] == ["Unknown field."]


def test_body_over_the_default_limit_is_413(auth_client, db):
    oversized = '{"name": "Lamp", "price": "1", "description": "' + "x" * MIB + '"}'
    response = auth_client.post(URL, data=oversized, content_type="application/json")
    assert_problem(response, 413)
    assert db.session.scalar(select(Item).limit(1)) is None


def test_limit_is_configurable_and_applies_to_bodies_without_length(database, user):
    app = create_app(make_settings(database.url, max_content_length=64))
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer_for(app, user.id)["Authorization"]
    small = '{"name": "Lamp", "price": "1"}'
    assert client.post(URL, data=small, content_type="application/json").status_code == 201
    large = '{"name": "' + "x" * 80 + '", "price": "1"}'
    assert_problem(client.post(URL, data=large, content_type="application/json"), 413)
    # A chunked body has no Content-Length; the limit holds while it is read.
    chunked = client.post(
        URL,
        input_stream=io.BytesIO(large.encode()),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_problem(chunked, 413)


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/x-www-form-urlencoded", "name=Lamp&price=1"),
        ("text/plain", '{"name": "Lamp", "price": "1"}'),
        (None, '{"name": "Lamp", "price": "1"}'),
    ],
)
def test_a_body_that_is_not_json_is_415(auth_client, db, content_type, data):
    body = assert_problem(auth_client.post(URL, data=data, content_type=content_type), 415)
    assert "application/json" in body["detail"]
    assert db.session.scalar(select(Item).limit(1)) is None


def test_a_partial_update_without_a_json_body_is_415_not_a_silent_success(auth_client, user):
    item = ItemFactory(name="Lamp", owner_id=user.id)
    # Owner, token and current ETag: everything a PATCH needs to succeed, but a JSON body.
    if_match = {"If-Match": auth_client.get(f"{URL}/{item.id}").headers["ETag"]}
    assert_problem(auth_client.patch(f"{URL}/{item.id}", data="name=Chair", headers=if_match), 415)
    assert_problem(auth_client.patch(f"{URL}/{item.id}", headers=if_match), 415)
    after = auth_client.get(f"{URL}/{item.id}")
    assert after.get_json()["name"] == "Lamp"
    assert after.headers["ETag"] == if_match["If-Match"]


def test_json_with_a_charset_is_accepted(auth_client):
    response = auth_client.post(
        URL, data='{"name": "Lamp", "price": "1"}', content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 201


def test_flask_limiter_429_is_a_problem_with_retry_after(probe_client):
    assert probe_client.get("/probe/limited").status_code == 200
    response = probe_client.get("/probe/limited")
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0


def test_unique_violation_is_409_without_sql(probe_auth_client, user):
    item = ItemFactory(name="Original", owner_id=user.id)
    response = probe_auth_client.post(f"/probe/duplicate/{item.id}")
    body = assert_problem(response, 409)
    assert body["detail"] == "A resource with the same unique value already exists."
    assert "INSERT" not in response.get_data(as_text=True)
    assert "pk_items" not in response.get_data(as_text=True)
    # The failed transaction was rolled back: the same worker serves the next request.
    assert probe_auth_client.get(f"{URL}/{item.id}").get_json()["name"] == "Original"


def test_unexpected_error_is_500_logged_with_traceback_and_not_leaked(probe_client, caplog):
    with caplog.at_level(logging.ERROR, logger="api.errors"):
        response = probe_client.get("/probe/fail")
    body = assert_problem(response, 500)
    assert body["detail"] == "The server could not complete the request."
    text = response.get_data(as_text=True)
    assert SECRET_DETAIL not in text
    assert "Traceback" not in text
    (record,) = (r for r in caplog.records if r.name == "api.errors")
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == SECRET_DETAIL


def unreachable_client(settings):
    """A client of an app on `settings`, sending a token that app signed: only the database fails.

    Authentication looks the user up, so the database is needed before the route itself runs.
    """
    app = create_app(settings)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer_for(app, 1)["Authorization"]
    return client


def test_unreachable_database_is_503(database):
    # Port 1 on loopback refuses connections at once.
    client = unreachable_client(make_settings("postgresql://nobody@127.0.0.1:1/none"))
    body = assert_problem(client.get(URL), 503)
    assert body["detail"] == "The database is unavailable; try again shortly."
    assert "127.0.0.1" not in client.get(URL).get_data(as_text=True)


def test_silent_database_is_503_once_the_connect_timeout_passes(database):
    # A socket that completes the handshake and then never answers, like a hung server.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        settings = make_settings(f"postgresql://nobody@127.0.0.1:{port}/none", db_connect_timeout=2)
        assert_problem(unreachable_client(settings).get(URL), 503)


def test_exhausted_pool_is_503_once_the_pool_timeout_passes(database, db, user):
    app = create_app(
        make_settings(database.url, db_pool_size=1, worker_threads=1, db_pool_timeout=0.2)
    )
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer_for(app, user.id)["Authorization"]
    assert client.get(URL).status_code == 200
    with app.app_context():
        held = db.engine.connect()
        try:
            assert_problem(client.get(URL), 503)
        finally:
            held.close()
        assert client.get(URL).status_code == 200
        db.engine.dispose()


def test_every_error_response_in_the_spec_is_a_problem(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    responses = spec["components"]["responses"]
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for name, response in responses.items():
        if name == "DEFAULT_ERROR" or HTTPStatus[name] >= 400:
            assert response["content"] == {"application/problem+json": problem}, name
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            assert {"default", "500"} <= codes, (path, method)
            if "requestBody" in operation:
                assert {"400", "413", "415", "422"} <= codes, (path, method)
            if "{" in path:
                assert "404" in codes, (path, method)
            for code, response in operation["responses"].items():
                if code != "default" and int(code) < 400:
                    continue
                if "$ref" in response:
                    assert response["$ref"].startswith("#/components/responses/"), (path, code)
                else:
                    assert response["content"] == {"application/problem+json": problem}
    assert set(spec["components"]["schemas"]["Problem"]["properties"]) == {
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "request_id",
        "errors",
        "checks",
    }
