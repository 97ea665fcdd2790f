"""Bodies past the limit get 413, with or without a length; bodies of undeclared types get 415."""

import io

import pytest

from libs.testing.problems import assert_problem
from libs.web.tests.webapp import NOTES, create_app

LIMIT = 64


@pytest.fixture
def small_client():
    return create_app(max_content_length=LIMIT).test_client()


def test_a_body_within_the_limit_is_read(small_client):
    response = small_client.post(NOTES, json={"name": "x" * 20})
    assert response.status_code == 201


def test_a_body_over_the_limit_is_413_and_not_stored(small_client):
    large = '{"name": "' + "x" * LIMIT + '"}'
    body = assert_problem(
        small_client.post(NOTES, data=large, content_type="application/json"), 413
    )
    assert str(LIMIT) in body["detail"]
    assert small_client.get(NOTES).get_json() == []


def test_a_chunked_body_without_length_is_held_to_the_limit(small_client):
    large = '{"name": "' + "x" * LIMIT + '"}'
    response = small_client.post(
        NOTES,
        input_stream=io.BytesIO(large.encode()),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_problem(response, 413)


def test_a_chunked_body_within_the_limit_is_read_whole(small_client):
    response = small_client.post(
        NOTES,
        input_stream=io.BytesIO(b'{"name": "chunked"}'),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "chunked"


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/x-www-form-urlencoded", "name=Lamp"),
        ("text/plain", '{"name": "Lamp"}'),
        (None, '{"name": "Lamp"}'),
    ],
)
def test_a_body_that_is_not_json_is_415_and_not_stored(client, content_type, data):
    body = assert_problem(client.post(NOTES, data=data, content_type=content_type), 415)
    assert body["detail"] == "The request body must be application/json."
    assert client.get(NOTES).get_json() == []


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/merge-patch+json"]
)
def test_json_with_parameters_or_a_json_suffix_is_accepted(client, content_type):
    response = client.post(NOTES, data='{"name": "Lamp"}', content_type=content_type)
    assert response.status_code == 201


def test_operations_without_a_body_take_any_type(client):
    response = client.get(NOTES, data="ignored", content_type="text/plain")
    assert response.status_code == 200


def test_the_rules_hold_on_every_request_to_a_route_not_only_the_first(client):
    for _ in range(2):
        assert_problem(client.post(NOTES, data="name=Lamp", content_type="text/plain"), 415)
        assert client.post(NOTES, json={"name": "Lamp"}).status_code == 201
        assert client.get(NOTES, data="ignored", content_type="text/plain").status_code == 200
