"""/metrics in one process: requests and latency by route template, pool use, build info."""

import platform

import pytest
from sqlalchemy import create_engine

from libs.testing.metrics import scrape, value
from libs.testing.postgres import postgres_database
from libs.web.tests.webapp import COMMIT, NOTES, VERSION, create_app

NOTE_ROUTE = f"{NOTES}/<int:note_id>"


def test_requests_are_counted_by_method_route_template_and_status(client):
    for note_id in (1, 2, 3):
        client.get(f"{NOTES}/{note_id}")
    client.post(NOTES, json={"name": ""})
    samples = scrape(client)
    missing = {"method": "GET", "route": NOTE_ROUTE, "status": "404"}
    assert value(samples, "http_requests_total", **missing) == 3
    assert value(samples, "http_request_duration_seconds_count", **missing) == 3
    assert value(samples, "http_request_duration_seconds_bucket", **missing, le="+Inf") == 3
    invalid = {"method": "POST", "route": NOTES, "status": "422"}
    assert value(samples, "http_requests_total", **invalid) == 1
    assert not any(f"{NOTES}/1" in str(key) for key in samples)


def test_each_app_counts_only_its_own_requests(client):
    client.get(NOTES)
    other = create_app().test_client()
    labels = {"method": "GET", "route": NOTES, "status": "200"}
    assert value(scrape(other), "http_requests_total", **labels) == 0
    assert value(scrape(client), "http_requests_total", **labels) == 1


def test_build_info_is_named_after_the_service(client):
    labels = {"version": VERSION, "commit": COMMIT, "python": platform.python_version()}
    assert value(scrape(client), "notes_build_info", **labels) == 1


def test_process_metrics_are_included(client):
    assert value(scrape(client), "process_cpu_seconds_total") > 0


@pytest.fixture(scope="module")
def engine():
    with postgres_database() as database:
        engine = create_engine(database.url)
        yield engine
        engine.dispose()


def test_pool_gauge_follows_checked_out_connections(engine):
    client = create_app(engine).test_client()
    idle = value(scrape(client), "db_pool_connections_in_use")
    first, second = engine.connect(), engine.connect()
    assert value(scrape(client), "db_pool_connections_in_use") == idle + 2
    first.close()
    assert value(scrape(client), "db_pool_connections_in_use") == idle + 1
    second.close()
    assert value(scrape(client), "db_pool_connections_in_use") == idle


def test_a_request_gives_its_connection_back(engine):
    client = create_app(engine).test_client()
    assert client.get("/probe/database").get_json() == {"one": 1}
    assert value(scrape(client), "db_pool_connections_in_use") == 0
