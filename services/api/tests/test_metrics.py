"""/metrics in one process: requests and latency by route, pool use, build info."""

import platform

from libs.testing.metrics import scrape, value
from services.api.app import create_app
from services.api.extensions import db
from services.api.tests.factories import make_settings

ITEM_ROUTE = "/api/v1/items/<int:item_id>"


def test_requests_are_counted_by_method_route_template_and_status(auth_client):
    before = scrape(auth_client)
    for item_id in (1, 2, 3):
        auth_client.get(f"/api/v1/items/{item_id}")
    after = scrape(auth_client)
    labels = {"method": "GET", "route": ITEM_ROUTE, "status": "404"}
    assert (
        value(after, "http_requests_total", **labels)
        - value(before, "http_requests_total", **labels)
        == 3
    )
    count = "http_request_duration_seconds_count"
    assert value(after, count, **labels) - value(before, count, **labels) == 3
    slowest = {**labels, "le": "+Inf"}
    assert value(after, "http_request_duration_seconds_bucket", **slowest) >= 3
    assert not any("/api/v1/items/1" in str(key) for key in after)


def test_pool_gauge_follows_checked_out_connections(database):
    app = create_app(make_settings(database.url))
    client = app.test_client()
    with app.app_context():
        idle = value(scrape(client), "db_pool_connections_in_use")
        first, second = db.engine.connect(), db.engine.connect()
        assert value(scrape(client), "db_pool_connections_in_use") == idle + 2
        first.close()
        assert value(scrape(client), "db_pool_connections_in_use") == idle + 1
        second.close()
        assert value(scrape(client), "db_pool_connections_in_use") == idle
        db.engine.dispose()


def test_build_info_names_the_build(database):
    app = create_app(make_settings(database.url, build_version="1.2.3", build_commit="abc123"))
    samples = scrape(app.test_client())
    labels = {"version": "1.2.3", "commit": "abc123", "python": platform.python_version()}
    assert value(samples, "api_build_info", **labels) == 1


def test_metrics_and_docs_stay_out_of_the_openapi_spec(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/metrics" not in paths
    assert not any(path.startswith("/docs") for path in paths)
