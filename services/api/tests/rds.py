"""A PostgreSQL server set up the way RDS sets one up, for the database role tests.

RDS's master user is no superuser: it has CREATEROLE and CREATEDB (and on RDS rds_superuser)
and owns the service's database. Every login is checked against its password.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg2
from flask import Flask
from psycopg2 import sql

from libs.testing.postgres import postgres_server
from services.api.app import create_app
from services.api.tests.factories import make_settings

SUPERUSER_PASSWORD = "superuser-only-in-tests"  # nosec B105
MASTER, MASTER_PASSWORD = "master", "master-only-in-tests"
DATABASE = "api"
MIGRATION_ROLE, SERVICE_ROLE = "api_migrator", "api_service"


@dataclass(frozen=True)
class RdsLikeServer:
    """Where the server listens, and the superuser's URL (only for the tests' own setup)."""

    port: int
    superuser_url: str

    @property
    def superuser_database_url(self) -> str:
        """The superuser's URL of the service's database."""
        return f"postgresql://postgres:{SUPERUSER_PASSWORD}@127.0.0.1:{self.port}/{DATABASE}"

    def url(self, role: str, password: str) -> str:
        """The URL of the service's database, logging in as `role` with `password`."""
        return f"postgresql://{role}:{password}@127.0.0.1:{self.port}/{DATABASE}"

    def app(self, role: str, password: str) -> Flask:
        """The API connecting as `role` with `password`, told the names of the roles."""
        return create_app(
            make_settings(
                self.url(role, password),
                db_migration_role=MIGRATION_ROLE,
                db_service_role=SERVICE_ROLE,
            )
        )

    def execute(
        self, role: str, password: str, statement: str | sql.Composable, *params: object
    ) -> None:
        """Run one statement as `role`, in autocommit."""
        connection = psycopg2.connect(self.url(role, password), connect_timeout=5)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, params or None)
        finally:
            connection.close()


@contextmanager
def rds_like_server() -> Iterator[RdsLikeServer]:
    """A private server with a non-superuser master owning the (empty) database `api`."""
    with postgres_server(password=SUPERUSER_PASSWORD) as server:
        admin = psycopg2.connect(server.url, connect_timeout=5)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEROLE CREATEDB NOSUPERUSER PASSWORD %s").format(
                    sql.Identifier(MASTER)
                ),
                (MASTER_PASSWORD,),
            )
            cursor.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(DATABASE), sql.Identifier(MASTER)
                )
            )
        admin.close()
        yield RdsLikeServer(port=server.port, superuser_url=server.url)


def run_roles_command(server: RdsLikeServer) -> str:
    """Run `manage db-roles` as the master user, as the deploy's roles task does; its output."""
    result = server.app(MASTER, MASTER_PASSWORD).test_cli_runner().invoke(args=["db-roles"])
    assert result.exit_code == 0, result.output
    return result.output


def set_password(server: RdsLikeServer, role: str, password: str) -> None:
    """Give `role` a password, as the master user (on RDS an IAM token stands in for it)."""
    server.execute(
        MASTER,
        MASTER_PASSWORD,
        sql.SQL("ALTER ROLE {} PASSWORD %s").format(sql.Identifier(role)),
        password,
    )
