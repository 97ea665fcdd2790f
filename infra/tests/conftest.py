"""Fixtures: the terraform binary configured for this machine and a scratch copy of infra/."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.tests.harness import (
    Terraform,
    TerraformMissing,
    copy_infra,
    find_terraform,
    write_cli_config,
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for this test module's copies, configs and state."""
    return tmp_path_factory.mktemp("terraform")


@pytest.fixture(scope="module")
def terraform(scratch: Path) -> Terraform:
    """The real terraform binary; its absence fails the tests with what to install."""
    try:
        binary = find_terraform()
    except TerraformMissing as error:
        pytest.fail(str(error), pytrace=False)
    home = scratch / "home"
    home.mkdir()
    return Terraform(binary=binary, cli_config=write_cli_config(scratch), home=home)


@pytest.fixture(scope="module")
def infra(scratch: Path) -> Path:
    """A copy of infra/ that terraform may write working directories into."""
    return copy_infra(scratch)
