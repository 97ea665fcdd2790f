"""The two database roles of a service: a migration role that owns the schema, a service role
that may only read and write rows.

`ensure_roles` runs as the RDS master user (not a superuser: rds_superuser with CREATEROLE) in
one transaction, and may run any number of times: before every migration, deploys run it
through the `db-roles` command every service's `manage` CLI has.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

from libs.config import ConfigError, ServiceSettings

# Exists on RDS only; a member may log in with an IAM token (and with nothing else).
IAM_ROLE = "rds_iam"
ROW_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_RIGHTS = "USAGE, SELECT"

# Tables, views and sequences of the schema; a sequence a column owns moves with its table.
_RELATIONS = text("""
    SELECT c.relname, c.relkind IN ('S') AS is_sequence
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
      )
    ORDER BY c.relname
    """)
# Enum and domain types a migration created.
_TYPES = text("""
    SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = :schema AND t.typtype IN ('e', 'd') ORDER BY t.typname
    """)


def ensure_roles(
    connection: Connection, migrator: str, service: str, schema: str = "public"
) -> None:
    """Create or bring up to date the migration and service roles of the connected database."""
    database = connection.scalar(text("SELECT current_database()"))
    for role in (migrator, service):
        if not connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
            connection.execute(text(f"CREATE ROLE {_quote(connection, role)} LOGIN"))
    m, s, sch = (_quote(connection, name) for name in (migrator, service, schema))
    if connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": IAM_ROLE}):
        connection.execute(text(f"GRANT {IAM_ROLE} TO {m}, {s}"))
    # Giving an object away, and setting a role's default privileges, needs its membership.
    connection.execute(text(f"GRANT {m} TO CURRENT_USER"))
    connection.execute(
        text(f"GRANT CONNECT ON DATABASE {_quote(connection, database)} TO {m}, {s}")
    )
    connection.execute(text(f"REVOKE CREATE ON SCHEMA {sch} FROM PUBLIC"))
    connection.execute(text(f"ALTER SCHEMA {sch} OWNER TO {m}"))
    for name, is_sequence in connection.execute(_RELATIONS, {"schema": schema}):
        kind = "SEQUENCE" if is_sequence else "TABLE"
        connection.execute(text(f"ALTER {kind} {sch}.{_quote(connection, name)} OWNER TO {m}"))
    for name in connection.scalars(_TYPES, {"schema": schema}):
        connection.execute(text(f"ALTER TYPE {sch}.{_quote(connection, name)} OWNER TO {m}"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA {sch} TO {s}"))
    connection.execute(text(f"GRANT {ROW_RIGHTS} ON ALL TABLES IN SCHEMA {sch} TO {s}"))
    connection.execute(text(f"GRANT {SEQUENCE_RIGHTS} ON ALL SEQUENCES IN SCHEMA {sch} TO {s}"))
    defaults = f"ALTER DEFAULT PRIVILEGES FOR ROLE {m} IN SCHEMA {sch} GRANT"
    connection.execute(text(f"{defaults} {ROW_RIGHTS} ON TABLES TO {s}"))
    connection.execute(text(f"{defaults} {SEQUENCE_RIGHTS} ON SEQUENCES TO {s}"))


def ensure_roles_on(engine: Engine, migrator: str, service: str) -> None:
    """`ensure_roles` over a connection of `engine`, committed at the end."""
    with engine.begin() as connection:
        ensure_roles(connection, migrator, service)


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def create_roles() -> None:
    """Create the roles DB_MIGRATION_ROLE and DB_SERVICE_ROLE name and their rights.

    The `db-roles` command of the app's CLI; it connects as the app's user, the master user.
    """
    settings: ServiceSettings = current_app.extensions["settings"]
    migrator, service = settings.db_migration_role, settings.db_service_role
    if not migrator or not service:
        raise ConfigError("db-roles needs DB_MIGRATION_ROLE and DB_SERVICE_ROLE")
    engine: Engine = current_app.extensions["migrate"].db.engine
    ensure_roles_on(engine, migrator, service)
    print(f"roles ready: {migrator} owns the schema, {service} reads and writes rows")
