"""/health is pure liveness; /ready follows the database and the schema's migration head."""

from flask_migrate import downgrade

from libs.db.readiness import migration_heads
from libs.db.setup import upgrade_to_head
from libs.testing.postgres import postgres_database
from libs.testing.problems import assert_problem
from services.api.app import SERVICE, create_app
from services.api.extensions import db
from services.api.tests.factories import make_settings


def test_health_is_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_ready_when_the_database_answers(client):
    response = client.get("/ready")
    assert response.status_code == 200
    checks = response.get_json()["checks"]
    assert checks["database"]["status"] == "ok"
    assert checks["migrations"]["status"] == "ok"


def test_not_ready_when_the_database_is_unreachable(database):
    # Port 1 on loopback refuses connections at once.
    unreachable = "postgresql://nobody@127.0.0.1:1/none"
    app = create_app(make_settings(unreachable, health_timeout=3))
    client = app.test_client()
    body = assert_problem(client.get("/ready"), 503)
    assert body["detail"] == "Failing readiness checks: database, migrations."
    assert body["checks"]["database"]["status"] == "failing"
    assert "OperationalError" in body["checks"]["database"]["reason"]
    assert client.get("/health").status_code == 200


def test_not_ready_until_the_schema_is_at_the_migrations_head():
    (head,) = migration_heads(SERVICE.migrations_dir)
    with postgres_database() as fresh:
        app = create_app(make_settings(fresh.url))
        client = app.test_client()
        body = assert_problem(client.get("/ready"), 503)
        assert body["detail"] == "Failing readiness checks: migrations."
        reason = body["checks"]["migrations"]["reason"]
        assert reason == f"SchemaNotAtHead: database is at no revision, migrations head is {head}"
        assert client.get("/health").status_code == 200

        upgrade_to_head(app)
        assert client.get("/ready").status_code == 200

        with app.app_context():
            downgrade(directory=str(SERVICE.migrations_dir), revision="base")
        assert client.get("/ready").status_code == 503
        with app.app_context():
            db.engine.dispose()
