"""The .ci/ scripts the workflows call: a given database is used as is, bad deploys are refused."""

import os
import subprocess

import pytest


def run(*command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a .ci/ script with a minimal environment plus `env`."""
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        command, env={**base, **env}, capture_output=True, text=True, timeout=60, check=False
    )


def test_start_postgres_uses_the_database_ci_provides() -> None:
    url = "postgresql://ci@127.0.0.1:49153/postgres"

    result = run(".ci/start-postgres", TEST_DATABASE_URL=url)

    assert (result.returncode, result.stdout) == (0, url + "\n")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            ["qa", "abc123", "dist/images"], "unknown environment 'qa'", id="unknown-environment"
        ),
        pytest.param(
            ["staging", "abc;rm -rf /", "dist/images"], "not a valid image tag", id="unsafe-tag"
        ),
        pytest.param(["production", "abc123"], "usage:", id="no-images"),
    ],
)
def test_deploy_refuses_before_touching_anything(arguments: list[str], message: str) -> None:
    result = run(".ci/deploy", *arguments)

    assert result.returncode == 2
    assert message in result.stderr


def test_build_image_refuses_a_name_that_is_no_service() -> None:
    result = run(".ci/build-image", "../api", "abc123", "dist/images/api.tar")

    assert result.returncode == 2
    assert "not a service name" in result.stderr


def test_build_image_refuses_an_invalid_tag() -> None:
    result = run(".ci/build-image", "api", "Not A Tag", "dist/images/api.tar")

    assert result.returncode == 2
    assert "not a valid image tag" in result.stderr
