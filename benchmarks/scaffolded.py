"""A service the scaffolder makes at run time, with the API's item fields, for the benchmark.

It is rendered into a temporary directory from today's templates (so it is what
`new-service` writes now), migrated on a database of its own, and seeded with the same rows for
the same owners as the API's. It trusts the API's tokens, as every scaffolded service does.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from importlib import import_module
from pathlib import Path

import psycopg2

from benchmarks.seed import seed_items, settle
from libs.config import load_settings
from libs.db.setup import upgrade_to_head
from tools.scaffold.cli import template_context
from tools.scaffold.fields import parse_fields
from tools.scaffold.names import derive_names
from tools.scaffold.render import render_files

SERVICE_NAME = "scaffolded"
RESOURCE = "item"
NAMES = derive_names(SERVICE_NAME, RESOURCE)
# The fields `new-service api --resource item` is given for the API's own items
# (tools/scaffold/tests/test_api_resource.py), so both serve the same rows.
FIELDS = ("name:string:200", "description:string:2000:optional", "price:decimal:2")
APP = f"services.{SERVICE_NAME}.wsgi:app"
# The scaffolded resource owns its rows by the token's subject; no table of users.
OWNER_COLUMN = "owner_id"


def render(root: Path) -> Path:
    """Write the scaffolded service's files under `root` (a stand-in repo root); return it."""
    context = template_context(NAMES, 0, parse_fields(list(FIELDS)), None, date.today())
    for path, text in render_files(context, "services/__service__").items():
        target = root / str(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


@contextmanager
def importable(root: Path) -> Iterator[None]:
    """`services.scaffolded` importable from `root` in this process (a namespace package)."""
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))


def migrate(root: Path, database_url: str) -> None:
    """Bring the scaffolded service's own database to its migrations head."""
    with importable(root):
        app_module = import_module(f"services.{SERVICE_NAME}.app")
        settings_module = import_module(f"services.{SERVICE_NAME}.settings")
        settings_class = getattr(settings_module, f"{NAMES.service_class}Settings")
        settings = load_settings(
            settings_class, app_env="test", database_url=database_url, log_level="WARNING"
        )
        upgrade_to_head(app_module.create_app(settings))


def seed(database_url: str, count: int, owner_ids: list[int]) -> dict[int | None, list[int]]:
    """The API's benchmark rows for the same owners; return the ids per owner."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        ids = seed_items(cursor, count, owner_ids, OWNER_COLUMN)
    connection.close()
    settle(database_url)
    return ids


def environment(database_url: str, jwks: str, work: Path) -> dict[str, str]:
    """Production settings: its database, and the public half of the run's key."""
    metrics_dir = work / "prometheus-scaffolded"
    metrics_dir.mkdir(exist_ok=True)
    return {
        "APP_ENV": "production",
        "DATABASE_URL": database_url,
        "AUTH_PUBLIC_KEYS": jwks,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
