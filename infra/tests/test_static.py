"""Quick tier: formatting, validation and `terraform test` on a mocked AWS provider, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra.tests.harness import Terraform

ENVIRONMENTS = ["envs/staging", "envs/production"]
TEST_ROOTS = [*ENVIRONMENTS, "tests/modules"]


def init(terraform: Terraform, root: Path) -> None:
    """Install the pinned provider as the committed lock file says, without a backend."""
    terraform.check(root, "init", "-backend=false", "-input=false", "-lockfile=readonly")


def test_files_are_formatted(terraform: Terraform, infra: Path) -> None:
    result = terraform.run(infra, "fmt", "-check", "-recursive", "-diff")
    assert result.returncode == 0, f"run `terraform fmt -recursive infra`:\n{result.stdout}"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_environment_validates(terraform: Terraform, infra: Path, environment: str) -> None:
    root = infra / environment
    init(terraform, root)
    result = terraform.check(root, "validate")
    assert "The configuration is valid" in result.stdout


@pytest.mark.parametrize("root", TEST_ROOTS)
def test_terraform_tests_pass(terraform: Terraform, infra: Path, root: str) -> None:
    directory = infra / root
    init(terraform, directory)
    result = terraform.run(directory, "test")
    assert (
        result.returncode == 0
    ), f"terraform test failed in {root}:\n{result.stdout}{result.stderr}"
    passed = re.search(r"Success! (\d+) passed, 0 failed", result.stdout)
    assert passed and int(passed.group(1)) > 0, result.stdout
