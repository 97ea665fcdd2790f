"""Rendering: what a run writes, and that it writes all of it or nothing."""

import ast
import os
from datetime import date
from pathlib import PurePosixPath

import pytest
from jinja2 import UndefinedError

from tools.scaffold.cli import main, template_context
from tools.scaffold.fields import parse_fields
from tools.scaffold.names import derive_names
from tools.scaffold.render import ScaffoldError, plan, publish, scaffold

PRAGMA = "  # type: ignore["


@pytest.fixture
def repo(tmp_path):
    """An empty repo: pants.toml and an existing service directory."""
    root = tmp_path / "repo"
    (root / "services" / "api").mkdir(parents=True)
    (root / "pants.toml").write_text("")
    return root


FIELDS = ("name:string:200", "note:text:optional")
# Every type, with the longest names: the generated lines must still fit.
WIDEST = tuple(
    f"{kind[0] * 14}_{kind[:5]}:{kind}{':optional' if n % 2 else ''}"
    for n, kind in enumerate(["string", "text", "integer", "decimal", "boolean", "date"])
)


def context(service="orders", resource="order", plural=None, fields=FIELDS, owner_table=None):
    names = derive_names(service, resource, plural)
    return template_context(names, 4242, parse_fields(list(fields)), owner_table, date(2026, 1, 2))


def written(root):
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def test_a_service_gets_the_same_shape_as_the_first_one(repo):
    scaffold(repo, context())
    files = set(written(repo / "services" / "orders"))
    assert files >= {
        "BUILD",
        "__init__.py",
        "app.py",
        "extensions.py",
        "manage.py",
        "serve.py",
        "settings.py",
        "wsgi.py",
        "Dockerfile",
        "orders/BUILD",
        "orders/models.py",
        "orders/routes.py",
        "orders/schemas.py",
        "orders/service.py",
        "migrations/BUILD",
        "migrations/alembic.ini",
        "migrations/env.py",
        "migrations/script.py.mako",
        "migrations/versions/BUILD",
        "migrations/versions/0001_create_orders.py",
        "tests/BUILD",
        "tests/conftest.py",
        "tests/factories.py",
        "tests/test_health.py",
        "tests/test_migrations.py",
        "tests/test_orders.py",
    }
    assert not any(name.endswith(".j2") for name in files)
    # The staging directory is gone.
    assert sorted(os.listdir(repo)) == ["pants.toml", "services"]


def test_names_reach_the_code(repo):
    scaffold(repo, context("stock_levels", "warehouse_entry"))
    service = repo / "services" / "stock_levels"
    routes = (service / "warehouse_entries" / "routes.py").read_text()
    assert 'url_prefix="/api/v1/warehouse-entries"' in routes
    assert "class WarehouseEntryById(MethodView):" in routes
    assert '"""Create a warehouse entry"""' in routes
    models = (service / "warehouse_entries" / "models.py").read_text()
    assert '__tablename__ = "warehouse_entries"' in models
    migration = service / "migrations" / "versions" / "0001_create_warehouse_entries.py"
    assert 'op.create_table(\n        "warehouse_entries",' in migration.read_text()
    assert "Create Date: 2026-01-02" in migration.read_text()
    app = (service / "app.py").read_text()
    assert "from services.stock_levels.warehouse_entries.routes import blp" in app
    assert 'pex_binary(name="serve"' in (service / "BUILD").read_text()


def test_a_service_ships_its_own_image(repo):
    scaffold(repo, context("stock_levels", "warehouse_entry"))
    service = repo / "services" / "stock_levels"
    dockerfile = (service / "Dockerfile").read_text()
    assert "COPY services.stock_levels/image-deps.pex /tmp/deps.pex" in dockerfile
    assert "COPY services.stock_levels/image-code.pex /tmp/code.pex" in dockerfile
    assert (
        'CMD ["gunicorn", "--config", "python:libs.web.gunicorn_config", '
        '"services.stock_levels.wsgi:app"]'
    ) in dockerfile
    assert "USER 10001:10001" in dockerfile
    build = (service / "BUILD").read_text()
    for target in ('name="image-deps"', 'name="image-code"', 'name="image"'):
        assert target in build
    assert 'repository="stock_levels"' in build


@pytest.mark.parametrize(
    ("service", "resource", "plural"),
    [
        ("orders", "order", None),
        ("a2", "category", None),
        ("s" * 24, "r" * 24, "p" * 24),
        ("abcdefghij_abcdefghij_ab", "abcdefghij_abcdefghij_ab", "abcdefghij_abcdefghij_cd"),
    ],
)
def test_generated_python_parses_and_fits_in_100_columns(repo, service, resource, plural):
    scaffold(repo, context(service, resource, plural, fields=WIDEST))
    sources = list((repo / "services" / service).rglob("*.py"))
    assert len(sources) == 20
    for source in sources:
        text = source.read_text()
        ast.parse(text, filename=str(source))
        for number, line in enumerate(text.splitlines(), 1):
            code = line.split(PRAGMA)[0]
            assert len(code) <= 100, f"{source}:{number} is {len(code)} columns"


def test_an_existing_service_is_never_overwritten(repo):
    (repo / "services" / "orders").mkdir()
    marker = repo / "services" / "orders" / "keep.txt"
    marker.write_text("mine")
    with pytest.raises(
        ScaffoldError, match="refusing to overwrite existing paths: services/orders"
    ):
        scaffold(repo, context())
    assert written(repo / "services" / "orders") == ["keep.txt"]
    assert marker.read_text() == "mine"


def test_even_an_empty_directory_in_the_way_is_refused(repo):
    (repo / "services" / "orders").mkdir()
    with pytest.raises(ScaffoldError):
        scaffold(repo, context())
    assert list((repo / "services" / "orders").iterdir()) == []


def write_templates(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_template_error_leaves_nothing_behind(repo, tmp_path):
    templates = write_templates(
        tmp_path / "templates",
        {
            "services/__service__/a.txt.j2": "{{ service }}",
            "services/__service__/b.txt.j2": "{{ no_such_variable }}",
            "services/__service__.txt.j2": "{{ service }}",
        },
    )
    before = written(repo)
    with pytest.raises(UndefinedError, match="no_such_variable"):
        scaffold(repo, context(), templates)
    assert written(repo) == before
    assert sorted(os.listdir(repo)) == ["pants.toml", "services"]


def test_a_failure_while_moving_into_place_removes_what_was_moved(tmp_path):
    stage, repo = tmp_path / "stage", tmp_path / "repo"
    (stage / "services" / "first").mkdir(parents=True)
    (stage / "services" / "first" / "app.py").write_text("new")
    (stage / "services" / "second.txt").write_text("new")
    (repo / "services").mkdir(parents=True)
    # Appears after the free-path check, as if another process had just written it.
    (repo / "services" / "second.txt").write_text("someone else's")
    anchors = (PurePosixPath("services/first"), PurePosixPath("services/second.txt"))
    with pytest.raises(FileExistsError):
        publish(stage, repo, anchors)
    assert sorted(path.name for path in (repo / "services").iterdir()) == ["second.txt"]
    assert (repo / "services" / "second.txt").read_text() == "someone else's"


def test_templates_whose_place_is_missing_are_skipped_until_it_exists(repo, tmp_path):
    templates = write_templates(
        tmp_path / "templates",
        {
            "services/__service__/README.md.j2": "# {{ service }}\n",
            "infra/envs/dev/service___service__.tf.j2": 'module "{{ service }}" {}\n',
        },
    )
    first = scaffold(repo, context(), templates)
    assert [str(planned.destination) for planned in first.skipped] == [
        "infra/envs/dev/service_orders.tf"
    ]
    assert not (repo / "infra").exists()

    (repo / "infra" / "envs" / "dev").mkdir(parents=True)
    second = scaffold(repo, context("billing", "invoice"), templates)
    assert second.skipped == ()
    tf = repo / "infra" / "envs" / "dev" / "service_billing.tf"
    assert tf.read_text() == 'module "billing" {}\n'
    assert (repo / "services" / "billing" / "README.md").read_text() == "# billing\n"


def test_a_template_path_without_a_name_token_is_refused(repo, tmp_path):
    templates = write_templates(tmp_path / "templates", {"infra/shared.tf.j2": "x"})
    (repo / "infra").mkdir()
    with pytest.raises(ScaffoldError, match="would overwrite its output"):
        plan(repo, context(), templates)


def test_command_line_success_names_what_it_created(repo, capsys):
    assert main(["new-service", "orders", "--resource", "order", "--repo-root", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "services/orders" in out
    assert "./pants test services/orders::" in out
    assert (repo / "services" / "orders" / "app.py").is_file()


def test_command_line_fields_become_the_model_schema_and_migration(repo):
    fields = ["--field", "total:decimal:2", "--field", "due:date", "--field", "note:text:optional"]
    assert (
        main(["new-service", "orders", "--resource", "order", *fields, "--repo-root", str(repo)])
        == 0
    )
    service = repo / "services" / "orders"
    models = (service / "orders" / "models.py").read_text()
    assert (
        "total: Mapped[Decimal] = mapped_column(Numeric(AMOUNT_PRECISION, TOTAL_SCALE))" in models
    )
    assert "due: Mapped[date] = mapped_column()" in models
    assert "note: Mapped[str | None] = mapped_column(Text)" in models
    schemas = (service / "orders" / "schemas.py").read_text()
    assert "total = Amount(required=True, scale=TOTAL_SCALE)" in schemas
    assert "note = Text(load_default=None, allow_none=True)" in schemas
    migration = (service / "migrations" / "versions" / "0001_create_orders.py").read_text()
    assert 'sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=False)' in migration
    # Without a string field there is no title: lists sort by creation time only.
    assert 'sort_columns=("created_at",)' in (service / "orders" / "service.py").read_text()


def test_command_line_finds_the_repo_from_a_subdirectory(repo, monkeypatch):
    monkeypatch.chdir(repo / "services" / "api")
    assert main(["new-service", "orders", "--resource", "order"]) == 0
    assert (repo / "services" / "orders" / "app.py").is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["api", "--resource", "item"], "refusing to overwrite existing paths: services/api"),
        (["Orders", "--resource", "order"], "service name 'Orders' must be lowercase"),
        (["orders", "--resource", "def"], "resource name 'def' is a Python keyword"),
        (["orders", "--resource", "order", "--field", "total:money"], "unknown type 'money'"),
        (["orders", "--resource", "order", "--field", "id:integer"], "set by the platform"),
        (["orders", "--resource", "order", "--field", "a:string:0"], "whole number 1 to 10000"),
        (
            ["orders", "--resource", "order", "--field", "a:text", "--field", "a:date"],
            "field 'a' is given twice",
        ),
    ],
)
def test_command_line_refusals_exit_2_and_write_nothing(repo, capsys, arguments, message):
    before = written(repo)
    assert main(["new-service", *arguments, "--repo-root", str(repo)]) == 2
    assert message in capsys.readouterr().err
    assert written(repo) == before
    assert sorted(os.listdir(repo)) == ["pants.toml", "services"]
