"""/health is pure liveness; /ready follows the database."""

from services.api.app import create_app
from services.api.tests.factories import make_settings


def test_health_is_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_ready_when_the_database_answers(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.get_json()["checks"]["database"]["status"] == "ok"


def test_not_ready_when_the_database_is_unreachable(database):
    # Port 1 on loopback refuses connections at once.
    unreachable = "postgresql://nobody@127.0.0.1:1/none"
    app = create_app(make_settings(unreachable, health_timeout=3))
    client = app.test_client()
    response = client.get("/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "failing"
    assert "OperationalError" in body["checks"]["database"]["reason"]
    assert client.get("/health").status_code == 200
