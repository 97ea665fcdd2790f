"""ServiceApp runs hooks and views as Flask does, remembering which ones are coroutines."""

from dataclasses import dataclass

import pytest
from flask import Flask, g
from flask.views import MethodView

from libs.web.application import ServiceApp


@dataclass
class Unhashable:
    """A callable hook that cannot be a dict key (a dataclass with __eq__ has no __hash__)."""

    def __call__(self):
        g.hooked = True


def build(app_class):
    app = app_class(__name__)
    app.before_request(Unhashable())

    @app.get("/plain")
    def plain():
        return {"hooked": g.hooked}

    @app.get("/coroutine")
    async def coroutine():
        return {}

    return app


@pytest.mark.parametrize("path", ["/plain", "/coroutine"])
def test_each_request_is_answered_as_flask_answers_it(path):
    service, flask = build(ServiceApp).test_client(), build(Flask).test_client()
    for _ in range(2):  # the second time from what the first one remembered
        ours, theirs = service.get(path), flask.get(path)
        assert (ours.status_code, ours.get_json()) == (theirs.status_code, theirs.get_json())


def test_a_coroutine_view_gets_flasks_async_handling(caplog):
    response = build(ServiceApp).test_client().get("/coroutine")
    assert response.status_code == 500
    assert "Install Flask with the 'async' extra" in caplog.text


def test_class_based_views_leave_nothing_behind_per_request():
    # MethodView makes an instance, and so new bound methods, for every request.
    app = ServiceApp(__name__)

    class Thing(MethodView):
        def get(self):
            return {}

    app.add_url_rule("/thing", view_func=Thing.as_view("thing"))
    client = app.test_client()
    client.get("/thing")
    remembered = len(app._is_coroutine)
    for _ in range(20):
        assert client.get("/thing").status_code == 200
    assert len(app._is_coroutine) == remembered
