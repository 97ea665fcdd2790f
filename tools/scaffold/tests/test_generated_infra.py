"""The generated Terraform: two services scaffolded into a copy of infra/ pass fmt, validate and
their own terraform tests in both environments, with no edits; a priority clash fails init.

Real terraform on a mocked AWS provider (infra/tests/harness.py finds the binary and, offline,
a provider mirror); infra/tests runs the same checks on the committed environments.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra.tests.harness import (
    Terraform,
    TerraformMissing,
    copy_infra,
    find_terraform,
    write_cli_config,
)
from tools.scaffold.cli import main, template_context
from tools.scaffold.names import derive_names
from tools.scaffold.render import scaffold

ENVIRONMENTS = ("staging", "production")
SERVICES = (("orders", "order"), ("stock_levels", "warehouse_entry"))
# Each generated test file has this many runs per environment (see the templates).
RUNS = {"staging": 2, "production": 1}
PRIORITY = re.compile(r"listener_priority_(\d+) = (\d+)")


@pytest.fixture(scope="module")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    """The real terraform binary; its absence fails the tests with what to install."""
    try:
        binary = find_terraform()
    except TerraformMissing as error:
        pytest.fail(str(error), pytrace=False)
    scratch = tmp_path_factory.mktemp("terraform")
    home = scratch / "home"
    home.mkdir()
    return Terraform(binary=binary, cli_config=write_cli_config(scratch), home=home)


def new_repo(root: Path) -> Path:
    """A repo with this infra/ and an empty services/, as the scaffolder finds it."""
    root.mkdir()
    (root / "pants.toml").write_text("")
    (root / "services").mkdir()
    copy_infra(root)
    return root


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy with two services scaffolded by the documented command."""
    root = new_repo(tmp_path_factory.mktemp("scaffolded") / "repo")
    for service, resource in SERVICES:
        arguments = ["new-service", service, "--resource", resource, "--repo-root", str(root)]
        assert main(arguments) == 0
    return root


def init(terraform: Terraform, root: Path) -> None:
    """Install the pinned provider as the committed lock file says, without a backend."""
    terraform.check(root, "init", "-backend=false", "-input=false", "-lockfile=readonly")


def test_each_environment_gets_a_file_and_a_test_per_service(repo: Path) -> None:
    for environment in ENVIRONMENTS:
        root = repo / "infra" / "envs" / environment
        for service, _ in SERVICES:
            assert (root / f"service_{service}.tf").is_file()
            assert (root / "tests" / f"service_{service}.tftest.hcl").is_file()


def claims(repo: Path, environment: str) -> list[tuple[str, str]]:
    """(name, value) of every listener_priority_<n> local of the generated files."""
    root = repo / "infra" / "envs" / environment
    return [
        claim
        for service, _ in SERVICES
        for claim in PRIORITY.findall((root / f"service_{service}.tf").read_text())
    ]


def test_services_claim_distinct_priorities_the_same_in_every_environment(repo: Path) -> None:
    staging = claims(repo, "staging")
    assert staging == claims(repo, "production")
    assert len(staging) == len(SERVICES) and all(name == value for name, value in staging)
    assert len({name for name, _ in staging}) == len(SERVICES)


def test_generated_terraform_is_formatted(terraform: Terraform, repo: Path) -> None:
    result = terraform.run(repo / "infra", "fmt", "-check", "-recursive", "-diff")
    assert result.returncode == 0, f"generated Terraform is not formatted:\n{result.stdout}"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_environment_with_the_services_validates_and_passes_their_tests(
    terraform: Terraform, repo: Path, environment: str
) -> None:
    root = repo / "infra" / "envs" / environment
    init(terraform, root)
    assert "The configuration is valid" in terraform.check(root, "validate").stdout
    # Only the generated test files: infra/tests runs the committed ones.
    filters = [f"-filter=tests/service_{service}.tftest.hcl" for service, _ in SERVICES]
    result = terraform.run(root, "test", *filters)
    expected = f"Success! {RUNS[environment] * len(SERVICES)} passed, 0 failed"
    assert expected in result.stdout, f"{result.stdout}\n{result.stderr}"


def test_two_services_claiming_one_priority_are_refused_by_terraform(
    terraform: Terraform, tmp_path: Path
) -> None:
    root = new_repo(tmp_path / "repo")
    # As if two branches had each scaffolded a service with the same priority and both merged.
    for service, resource in (("orders", "order"), ("billing", "invoice")):
        scaffold(root, template_context(derive_names(service, resource), 4242))
    # Terraform refuses the configuration as soon as it reads it: init already fails.
    result = terraform.run(root / "infra" / "envs" / "staging", "init", "-backend=false")
    assert result.returncode != 0
    assert 'A local value named "listener_priority_4242" was already defined' in result.stderr
