"""The roles command: run as RDS's non-superuser master, it gives the migrations a role that
owns the schema and the app a role that may only read and write rows."""

from collections.abc import Iterator

import psycopg2
import psycopg2.errors
import pytest
from flask_migrate import upgrade

from libs.db.setup import upgrade_to_head
from services.api.tests.factories import PASSWORD
from services.api.tests.rds import (
    MASTER,
    MASTER_PASSWORD,
    MIGRATION_ROLE,
    SERVICE_ROLE,
    RdsLikeServer,
    rds_like_server,
    run_roles_command,
    set_password,
)

MIGRATOR_PASSWORD, SERVICE_PASSWORD = "migrator-only-in-tests", "service-only-in-tests"


@pytest.fixture(scope="module")
def server() -> Iterator[RdsLikeServer]:
    """A database an earlier deploy migrated as the master, then given its roles (twice)."""
    with rds_like_server() as server:
        with server.app(MASTER, MASTER_PASSWORD).app_context():
            upgrade(revision="0001")  # before the roles existed: the master owns `items`
        # RDS's own role; a member may log in with an IAM token.
        psycopg2_admin(server, "CREATE ROLE rds_iam NOLOGIN")
        run_roles_command(server)
        run_roles_command(server)  # every deploy runs it again
        set_password(server, MIGRATION_ROLE, MIGRATOR_PASSWORD)
        set_password(server, SERVICE_ROLE, SERVICE_PASSWORD)
        upgrade_to_head(server.app(MIGRATION_ROLE, MIGRATOR_PASSWORD))
        yield server


def psycopg2_admin(server: RdsLikeServer, statement: str) -> list[tuple[object, ...]]:
    """Run `statement` as the superuser (the tests' own setup and inspection only)."""
    connection = psycopg2.connect(server.superuser_database_url, connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def test_the_master_is_no_superuser(server):
    rows = dict(psycopg2_admin(server, "SELECT rolname, rolsuper FROM pg_roles"))
    assert rows[MASTER] is False


def test_the_migration_role_owns_the_schema_and_every_table(server):
    schema_owner = psycopg2_admin(
        server, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'"
    )
    assert schema_owner == [(MIGRATION_ROLE,)]
    owners = dict(
        psycopg2_admin(
            server, "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'"
        )
    )
    # items came from the earlier deploy's master, users from the migration role itself.
    assert owners == {
        "alembic_version": MIGRATION_ROLE,
        "items": MIGRATION_ROLE,
        "users": MIGRATION_ROLE,
    }


def test_both_roles_may_log_in_with_an_iam_token(server):
    members = psycopg2_admin(
        server,
        "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid "
        "JOIN pg_roles m ON m.oid = a.member WHERE r.rolname = 'rds_iam' ORDER BY 1",
    )
    assert members == [(MIGRATION_ROLE,), (SERVICE_ROLE,)]


def test_the_service_role_reads_and_writes_rows_through_the_api(server):
    client = server.app(SERVICE_ROLE, SERVICE_PASSWORD).test_client()
    credentials = {"email": "ann@example.com", "password": PASSWORD}
    assert client.post("/api/v1/users", json=credentials).status_code == 201
    token = client.post("/api/v1/auth/token", json=credentials).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/items", json={"name": "Lamp", "price": "12.50"}, headers=headers)
    assert created.status_code == 201
    item = created.get_json()
    etag = client.get(f"/api/v1/items/{item['id']}", headers=headers).headers["ETag"]
    changed = client.patch(
        f"/api/v1/items/{item['id']}",
        json={"name": "Desk lamp"},
        headers={**headers, "If-Match": etag},
    )
    assert changed.status_code == 200
    listed = client.get("/api/v1/items", headers=headers).get_json()
    assert [entry["name"] for entry in listed] == ["Desk lamp"]
    assert client.get("/ready").status_code == 200  # it may read alembic_version


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TABLE items",
        "CREATE TABLE notes (id integer)",
        "ALTER TABLE items ADD COLUMN colour text",
        "TRUNCATE items",
        "CREATE INDEX ix_items_name_again ON items (name)",
    ],
)
def test_the_service_role_cannot_change_the_schema(server, statement):
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        server.execute(SERVICE_ROLE, SERVICE_PASSWORD, statement)


def test_the_migration_role_can_change_the_schema(server):
    server.execute(MIGRATION_ROLE, MIGRATOR_PASSWORD, "CREATE TABLE scratch (id integer)")
    server.execute(MIGRATION_ROLE, MIGRATOR_PASSWORD, "DROP TABLE scratch")


def test_the_roles_command_says_what_it_did(server):
    output = run_roles_command(server)
    assert f"{MIGRATION_ROLE} owns the schema" in output
    assert f"{SERVICE_ROLE} reads and writes rows" in output
