"""JSON bodies that Python's json module cannot parse are a 400, never a 500."""

import pytest

from libs.testing.problems import assert_problem
from libs.web.tests.webapp import NOTES, create_app


@pytest.fixture
def client():
    return create_app(max_content_length=1024 * 1024).test_client()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="arrays-nested-100000-deep"),
        pytest.param('{"a":' * 50_000 + "1" + "}" * 50_000, id="objects-nested-50000-deep"),
        pytest.param('{"name": ' + "9" * 5000 + "}", id="integer-of-5000-digits"),
    ],
)
def test_json_that_python_cannot_parse_is_400(client, body):
    response = client.post(NOTES, data=body, content_type="application/json")
    problem = assert_problem(response, 400)
    assert problem["errors"] == {"json": ["Invalid JSON body."]}
    assert client.get(NOTES).get_json() == []
