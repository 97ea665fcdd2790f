"""What the heavy tests need from the job that runs them, checked in seconds.

The workflow rehearsal runs this file (with libs/testing/tests/test_containers.py, which needs
root, buildah and debootstrap as the image tests do) in place of the whole suite, so a job that
lacks a tool, an interpreter or a service fails there as it would on GitHub. In CI a missing
part fails; elsewhere it is skipped with the reason.
"""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest


def require(found: bool, reason: str) -> None:
    """Fail under CI, skip elsewhere, when `found` is false."""
    if not found:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def test_the_scaffolders_nested_pants_finds_python_3_9() -> None:
    # tools/scaffold/tests/test_generated_service.py runs the repo's ./pants, which needs 3.9.
    require(shutil.which("python3.9") is not None, "python3.9 is not on PATH (setup-python 3.9)")


def test_terraform_is_on_path_for_the_infra_tests() -> None:
    require(shutil.which("terraform") is not None, "terraform is not on PATH (setup-terraform)")


def test_the_test_database_server_answers() -> None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    require(bool(url), "TEST_DATABASE_URL is unset")
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=5):
        pass
