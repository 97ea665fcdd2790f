"""Text fields refuse what PostgreSQL cannot store: NUL and lone surrogates."""

import json

import pytest

from libs.testing.problems import assert_problem
from libs.web.tests.webapp import NOTES
from libs.web.text import NUL_MESSAGE, SURROGATE_MESSAGE


@pytest.mark.parametrize(
    ("name", "message"), [("a\x00b", NUL_MESSAGE), ("a\ud800b", SURROGATE_MESSAGE)]
)
def test_unstorable_text_is_a_422_field_error(client, name, message):
    # json.dumps escapes both, as a client would send them.
    response = client.post(NOTES, data=json.dumps({"name": name}), content_type="application/json")
    body = assert_problem(response, 422)
    assert body["errors"] == {"json": {"name": [message]}}
    assert client.get(NOTES).get_json() == []


def test_other_text_is_kept_as_sent(client):
    response = client.post(NOTES, json={"name": "Zoë ✓ 漢字"})
    assert response.status_code == 201
    assert response.get_json()["name"] == "Zoë ✓ 漢字"
