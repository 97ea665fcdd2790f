"""The load balancer rule of a new service: a free, stable priority and a path no one serves."""

import json

import pytest

from tools.scaffold.cli import main
from tools.scaffold.render import ScaffoldError
from tools.scaffold.routing import (
    FIRST_PRIORITY,
    LAST_PRIORITY,
    check_path_free,
    claimed_priorities,
    pick_priority,
)


@pytest.fixture
def repo(tmp_path):
    """A repo with the API's spec and a staging environment holding one routed service."""
    root = tmp_path / "repo"
    (root / "services" / "api").mkdir(parents=True)
    (root / "pants.toml").write_text("")
    spec = {"paths": {"/health": {}, "/api/v1/items": {}, "/api/v1/items/{item_id}": {}}}
    (root / "services" / "api" / "openapi.json").write_text(json.dumps(spec))
    staging = root / "infra" / "envs" / "staging"
    staging.mkdir(parents=True)
    (staging / "main.tf").write_text('module "stack" {}\n')
    (staging / "service_billing.tf").write_text(
        "locals {\n  listener_priority_1234 = 1234\n}\n\n"
        'module "billing" {\n  path_patterns     = ["/api/v1/invoices", "/api/v1/invoices/*"]\n}\n'
    )
    return root


def test_priority_is_stable_for_a_name_and_in_range():
    first = pick_priority("orders", set())
    assert first == pick_priority("orders", set())
    assert FIRST_PRIORITY <= first <= LAST_PRIORITY
    assert pick_priority("orders", set()) != pick_priority("stock_levels", set())


def test_a_taken_priority_moves_to_the_next_free_one():
    first = pick_priority("orders", set())
    taken = {first, first + 1} if first + 1 <= LAST_PRIORITY else {first}
    assert pick_priority("orders", taken) not in taken


def test_claims_are_read_from_every_environment(repo):
    production = repo / "infra" / "envs" / "production"
    production.mkdir()
    (production / "service_billing.tf").write_text("locals {\n  listener_priority_777 = 777\n}\n")
    assert claimed_priorities(repo) == {1234, 777}


def test_when_every_priority_is_taken_it_says_so():
    with pytest.raises(ScaffoldError, match="every listener rule priority is taken"):
        pick_priority("orders", set(range(FIRST_PRIORITY, LAST_PRIORITY + 1)))


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("/api/v1/items", "services/api/openapi.json"),
        ("/api/v1/invoices", "infra/envs/staging/service_billing.tf"),
    ],
)
def test_a_path_someone_serves_is_refused(repo, path, source):
    with pytest.raises(ScaffoldError, match=f"is already served \\({source}\\)"):
        check_path_free(path, repo)


def test_a_free_path_passes(repo):
    check_path_free("/api/v1/orders", repo)
    # A prefix of a served path is not the same path: /api/v1/item is free beside /api/v1/items.
    check_path_free("/api/v1/item", repo)


def test_the_command_refuses_a_served_path_and_writes_nothing(repo, capsys):
    arguments = ["new-service", "catalog", "--resource", "item", "--repo-root", str(repo)]
    assert main(arguments) == 2
    assert "/api/v1/items is already served (services/api/openapi.json)" in capsys.readouterr().err
    assert not (repo / "services" / "catalog").exists()
    assert sorted(p.name for p in (repo / "infra" / "envs" / "staging").iterdir()) == [
        "main.tf",
        "service_billing.tf",
    ]


def test_the_command_writes_the_priority_it_picked(repo):
    assert main(["new-service", "orders", "--resource", "order", "--repo-root", str(repo)]) == 0
    written = (repo / "infra" / "envs" / "staging" / "service_orders.tf").read_text()
    priority = pick_priority("orders", {1234})
    assert f"listener_priority_{priority} = {priority}" in written
    assert 'path_patterns     = ["/api/v1/orders", "/api/v1/orders/*"]' in written
    assert claimed_priorities(repo) == {1234, priority}
