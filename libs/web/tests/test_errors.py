"""Every error is one application/problem+json shape, with its headers."""

import logging

import pytest
from sqlalchemy import create_engine, text

from libs.testing.postgres import postgres_database
from libs.testing.problems import assert_problem
from libs.web.tests.webapp import NOTES, SECRET_DETAIL, create_app


def test_unknown_url_is_404_naming_the_path(client):
    body = assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert body["instance"] == "/api/v1/nothing-here"
    assert "errors" not in body


def test_an_abort_keeps_its_message(client):
    body = assert_problem(client.get(f"{NOTES}/5"), 404)
    assert body["detail"] == "Note 5 not found."


def test_wrong_method_is_405_with_allow(client):
    response = client.delete(NOTES)
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_invalid_fields_are_422_by_location_and_field_and_nothing_is_stored(client):
    response = client.post(NOTES, json={"name": "", "id": 3, "colour": "red"})
    body = assert_problem(response, 422)
    assert body["detail"] == "The request has invalid fields; see errors."
    assert set(body["errors"]) == {"json"}
    assert set(body["errors"]["json"]) == {"name", "id", "colour"}
    assert body["errors"]["json"]["colour"] == ["Unknown field."]
    assert client.get(NOTES).get_json() == []


def test_malformed_json_is_400(client):
    response = client.post(NOTES, data='{"name": "a",', content_type="application/json")
    body = assert_problem(response, 400)
    assert body["detail"] == "The request body is not valid JSON."
    assert body["errors"] == {"json": ["Invalid JSON body."]}


@pytest.mark.parametrize("status", [401, 403, 409, 412, 428, 429])
def test_aborts_from_other_layers_keep_their_message_and_headers(client, status):
    response = client.get(f"/probe/abort/{status}")
    body = assert_problem(response, status)
    assert body["detail"] == f"probe {status}"
    if status == 401:
        assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    if status == 429:
        assert response.headers["Retry-After"] == "30"


def test_not_modified_stays_an_empty_304(client):
    response = client.get("/probe/not-modified")
    assert response.status_code == 304
    assert response.data == b""
    assert response.mimetype != "application/problem+json"


def test_unexpected_error_is_500_logged_with_traceback_and_not_leaked(client, caplog):
    with caplog.at_level(logging.ERROR, logger="notes.errors"):
        response = client.get("/probe/fail")
    body = assert_problem(response, 500)
    assert body["detail"] == "The server could not complete the request."
    text_ = response.get_data(as_text=True)
    assert SECRET_DETAIL not in text_
    assert "Traceback" not in text_
    (record,) = (r for r in caplog.records if r.name == "notes.errors")
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == SECRET_DETAIL


@pytest.fixture(scope="module")
def database_url():
    """A database on a real PostgreSQL server, with one table whose key must be unique."""
    with postgres_database() as database:
        engine = create_engine(database.url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE uniques (name text PRIMARY KEY)"))
        engine.dispose()
        yield database.url


def test_unique_violation_is_409_without_sql_and_rolled_back(database_url):
    engine = create_engine(database_url)
    app = create_app(engine)
    client = app.test_client()
    # One app context for both requests, so only the handler's rollback ends the failed
    # transaction (no teardown removes the session in between).
    with app.app_context():
        response = client.post("/probe/duplicate")
        body = assert_problem(response, 409)
        assert body["detail"] == "A resource with the same unique value already exists."
        assert "INSERT" not in response.get_data(as_text=True)
        assert "uniques" not in response.get_data(as_text=True)
        assert client.get("/probe/database").get_json() == {"one": 1}
    engine.dispose()


def test_unreachable_database_is_503_without_its_address(caplog):
    # Port 1 on loopback refuses connections at once.
    engine = create_engine("postgresql://nobody@127.0.0.1:1/none")
    client = create_app(engine).test_client()
    with caplog.at_level(logging.WARNING, logger="notes.errors"):
        response = client.get("/probe/database")
    body = assert_problem(response, 503)
    assert body["detail"] == "The database is unavailable; try again shortly."
    assert "127.0.0.1" not in response.get_data(as_text=True)
    assert [r.levelname for r in caplog.records if r.name == "notes.errors"] == ["WARNING"]
