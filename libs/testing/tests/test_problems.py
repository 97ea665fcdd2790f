"""assert_problem accepts the documented problem shape and nothing else."""

import json

import pytest
from flask import Flask, Response

from libs.testing.problems import assert_problem

PROBLEM = {
    "type": "about:blank",
    "title": "Not Found",
    "status": 404,
    "detail": "No such note.",
    "instance": "/notes/1",
    "request_id": "req-1",
}


def respond(body, mimetype="application/problem+json", status=404, request_id="req-1"):
    app = Flask(__name__)

    @app.get("/")
    def answer():
        return Response(json.dumps(body), status, {"X-Request-ID": request_id}, mimetype=mimetype)

    return app.test_client().get("/")


def test_a_problem_in_the_documented_shape_passes_and_gives_its_body():
    assert assert_problem(respond(PROBLEM), 404) == PROBLEM


@pytest.mark.parametrize(
    ("response", "status"),
    [
        (respond(PROBLEM), 400),
        (respond(PROBLEM, mimetype="application/json"), 404),
        (respond({**PROBLEM, "title": "Gone"}), 404),
        (respond({key: value for key, value in PROBLEM.items() if key != "instance"}), 404),
        (respond(PROBLEM, request_id="another"), 404),
    ],
    ids=["other-status", "plain-json", "wrong-title", "no-instance", "other-request-id"],
)
def test_anything_else_fails(response, status):
    with pytest.raises(AssertionError):
        assert_problem(response, status)
