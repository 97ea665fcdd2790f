"""The image, built from the committed Dockerfile by buildah and run against PostgreSQL.

Pants puts the two pexes in this test's sandbox where `pants package` puts them in the image's
build context; the base is a Debian bookworm made by debootstrap, since no registry answers here.
buildah's storage is kept in the user's cache directory, so, as with Docker on a developer's
machine, a step whose inputs are unchanged (the third-party layer, unless the lockfile changed)
comes from its layer cache. The tests share one build and one running server, and the last one
stops that server; the images and containers a run makes are removed after it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import psutil
import psycopg2
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.auth.keys import signing_key_pem
from libs.testing.containers import (
    Buildah,
    base_image,
    cache_dir,
    debian_rootfs,
    kept_buildah_storage,
    unavailable_reason,
)
from libs.testing.postgres import TestDatabase
from libs.testing.processes import free_port

BASE_REPOSITORY = "localhost/debian-bookworm-python"
# Tags of this run only: other runs may share the storage at the same time.
RUN = uuid.uuid4().hex[:12]
IMAGE = f"localhost/items-api:test-{RUN}"
CHANGED_IMAGE = f"localhost/items-api:code-change-{RUN}"
CODE_PEX = "services.api/image-code.pex"
CONTEXT_FILES = ("Dockerfile", ".dockerignore", "services.api/image-deps.pex", CODE_PEX)
APP_UID = 10001
DEFAULT_WORKERS = 2
# The third-party layer is most of it; cryptography (the Ed25519 tokens) alone is about 12 MB,
# and botocore (boto3, for the IAM database tokens) about 32 MB: docs/image.md has the figures.
LAYER_BUDGET_BYTES = 130_000_000
COMPILERS = ("gcc", "cc", "c++", "g++", "clang", "make")
STARTUP_POLLS = 300  # at 0.2 s apart: a minute for gunicorn to answer
MIGRATE = ["python", "-m", "services.api.manage", "db", "upgrade"]


def megabytes(size: int) -> str:
    return f"{size / 1e6:.2f} MB"


def report(request: pytest.FixtureRequest, line: str) -> None:
    """Print a figure in the test output (`pants test --test-output=all` shows it)."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"image: {line}")


@dataclass(frozen=True)
class Build:
    image: str
    seconds: float
    steps: int
    cached_steps: int


def build(buildah: Buildah, base: str, context: Path, tag: str) -> Build:
    started = time.monotonic()
    log = buildah.build(context, tag, {"BASE_IMAGE": base})
    seconds = time.monotonic() - started
    steps = len(re.findall(r"^\[\d+/\d+\] STEP ", log, re.MULTILINE))
    return Build(tag, seconds, steps, log.count("--> Using cache "))


def cache_note(built: Build) -> str:
    """How much of a build came from buildah's layer cache."""
    return f"{built.cached_steps} of {built.steps} steps from the layer cache"


def build_context(directory: Path) -> Path:
    """What Pants puts in the context: the Dockerfile, .dockerignore and the two pexes."""
    for name in CONTEXT_FILES:
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(name, directory / name)
    return directory


CHANGED_MODULE = "services/api/wsgi.py"
CHANGE = b"# a code-only change\n"


def change_code(pex: Path) -> None:
    """Rewrite the code pex with one module edited: what a code-only commit produces."""
    original = pex.with_suffix(".original")
    pex.rename(original)
    # pex only treats a zip that starts with its shebang line as a pex file.
    pex.write_bytes(original.read_bytes().split(b"\n", 1)[0] + b"\n")
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(pex, "a") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == CHANGED_MODULE:
                data += CHANGE
            target.writestr(entry, data, compress_type=entry.compress_type)
    original.unlink()


@dataclass
class Server:
    """gunicorn started with the image's own command inside a container."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    stdout: Path

    def python_processes(self) -> list[psutil.Process]:
        """gunicorn's master and workers: the Python processes under `buildah run`."""
        found = []
        for child in psutil.Process(self.process.pid).children(recursive=True):
            try:
                command = child.cmdline()
            except psutil.NoSuchProcess:
                continue
            if command and "python" in Path(command[0]).name:
                found.append(child)
        return found

    def records(self) -> list[dict[str, object]]:
        """The server's standard output, one JSON object per line."""
        lines = self.stdout.read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def stop(self) -> int:
        """SIGTERM to gunicorn's master, as ECS sends it; return buildah's exit status."""
        if self.process.poll() is None:
            processes = self.python_processes()
            pids = {process.pid for process in processes}
            for master in (process for process in processes if process.ppid() not in pids):
                master.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                for process in psutil.Process(self.process.pid).children(recursive=True):
                    process.kill()
                self.process.kill()
        return self.process.wait(timeout=30)


def http() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # straight to 127.0.0.1, never through a proxy
    return session


def tables(database_url: str) -> set[str]:
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture(scope="module")
def buildah() -> Iterator[Buildah]:
    """buildah on the storage kept in the user's cache directory."""
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with kept_buildah_storage(cache_dir()) as buildah:
        yield buildah


@pytest.fixture(scope="module")
def base(buildah: Buildah) -> str:
    """The Debian base image, imported once per storage."""
    return base_image(buildah, debian_rootfs(cache_dir()), BASE_REPOSITORY)


@pytest.fixture(scope="module")
def image(buildah: Buildah, base: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    """The image, built from the committed Dockerfile; untagged (and so removed) afterwards."""
    built = build(buildah, base, build_context(tmp_path_factory.mktemp("context")), IMAGE)
    yield built
    buildah("rmi", built.image)


@pytest.fixture(scope="module")
def container(buildah: Buildah, image: Build) -> Iterator[str]:
    """A working container of the image, for commands run inside it."""
    name = buildah.container(image.image)
    yield name
    buildah("rm", name)


@pytest.fixture(scope="module")
def settings(database: TestDatabase) -> dict[str, str]:
    """Production settings, as a deploy passes them, on a database of this test's own."""
    return {
        "APP_ENV": "production",
        "AUTH_SIGNING_KEY": signing_key_pem(Ed25519PrivateKey.generate()),
        "DATABASE_URL": database.url,
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
    }


@pytest.fixture(scope="module")
def migrated(buildah: Buildah, container: str, settings: dict[str, str]) -> str:
    """The one-off migration command run in the image; returns its output."""
    result = buildah.run(container, MIGRATE, settings)
    if result.returncode != 0:
        pytest.fail(f"migrations failed in the image:\n{result.stdout}{result.stderr}")
    return result.stdout


@pytest.fixture(scope="module")
def server(
    buildah: Buildah,
    image: Build,
    container: str,
    settings: dict[str, str],
    migrated: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """The image's command (gunicorn) running on a free port of 127.0.0.1, once /health answers."""
    command = buildah.inspect(image.image)["OCIv1"]["config"]["Cmd"]
    logs = tmp_path_factory.mktemp("server")
    port = int(settings["PORT"])
    with (logs / "stdout").open("wb") as stdout, (logs / "stderr").open("wb") as stderr:
        process = subprocess.Popen(
            buildah.run_command(container, command, settings), stdout=stdout, stderr=stderr
        )
    server = Server(f"http://127.0.0.1:{port}", port, process, logs / "stdout")
    try:
        wait_until_healthy(server, logs / "stderr")
        yield server
    finally:
        server.stop()


def wait_until_healthy(server: Server, stderr: Path) -> None:
    session = http()
    for _ in range(STARTUP_POLLS):
        if server.process.poll() is not None:
            break
        try:
            if session.get(f"{server.url}/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or the workers are still booting
        time.sleep(0.2)
    output = server.stdout.read_text() + stderr.read_text()
    pytest.fail(f"gunicorn in the image never answered /health:\n{output[-4000:]}")


def test_migrations_run_in_the_image_as_a_one_off_command(migrated, database):
    assert {"items", "alembic_version"} <= tables(database.url)
    messages = [json.loads(line)["message"] for line in migrated.splitlines() if line.strip()]
    assert any("Running upgrade" in message for message in messages)


def test_serves_health_ready_and_a_create_then_get_round_trip(server):
    session = http()
    health = session.get(f"{server.url}/health", timeout=5)
    assert health.status_code == 200
    ready = session.get(f"{server.url}/ready", timeout=5)
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"]["status"] == "ok"

    account = {"email": "image-test@example.com", "password": "correct horse battery"}
    assert session.post(f"{server.url}/api/v1/users", json=account, timeout=10).status_code == 201
    token = session.post(f"{server.url}/api/v1/auth/token", json=account, timeout=10)
    assert token.status_code == 200
    session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    item = {"name": "Lamp", "description": "Brass", "price": "12.50"}
    created = session.post(f"{server.url}/api/v1/items", json=item, timeout=5)
    assert created.status_code == 201
    fetched = session.get(urljoin(server.url, created.headers["Location"]), timeout=5)
    assert fetched.status_code == 200
    assert fetched.json() == created.json()
    assert fetched.json()["name"] == "Lamp"


def test_master_and_workers_run_as_the_unprivileged_user(server):
    processes = server.python_processes()
    assert len(processes) == 1 + DEFAULT_WORKERS
    for process in processes:
        assert process.uids().real == APP_UID
        assert process.uids().effective == APP_UID


def test_gunicorn_and_the_app_log_json_lines_and_no_errors(server):
    http().get(f"{server.url}/health", timeout=5)
    records = server.records()
    loggers = {record["logger"] for record in records}
    assert {"gunicorn.error", "api.access"} <= loggers
    assert "gunicorn.access" not in loggers  # one access line per request, the app's
    access = [record for record in records if record["logger"] == "api.access"]
    assert any(record["route"] == "/health" and record["status"] == 200 for record in access)
    assert [record for record in records if record["level"] in {"ERROR", "CRITICAL"}] == []


def test_metrics_add_up_across_the_image_workers(server):
    before = health_requests_counted(server)
    for _ in range(8):
        assert http().get(f"{server.url}/health", timeout=5).status_code == 200
    # Every worker's count is in the total, whichever worker answers the scrape.
    assert health_requests_counted(server) == before + 8


def health_requests_counted(server):
    text = http().get(f"{server.url}/metrics", timeout=5).text
    pattern = re.compile(r"^http_requests_total\{([^}]*)\} ([0-9.e+]+)$", re.MULTILINE)
    return sum(
        float(value)
        for labels, value in pattern.findall(text)
        if 'route="/health"' in labels and 'method="GET"' in labels
    )


def test_the_image_healthcheck_passes_against_the_running_server(buildah, image, container, server):
    check = buildah.inspect(image.image)["Docker"]["config"]["Healthcheck"]["Test"]
    assert check[0] == "CMD"
    result = buildah.run(container, check[1:], {"PORT": str(server.port)})
    assert result.returncode == 0, result.stderr


def test_no_compiler_in_the_image(buildah, container):
    find = "import shutil, sys; print(*[c for c in sys.argv[1:] if shutil.which(c)])"
    result = buildah.run(container, ["python", "-c", find, *COMPILERS])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_project_layers_add_at_most_130_mb_over_the_base(buildah, base, image, request):
    base_layers = buildah.layer_sizes(base)
    layers = buildah.layer_sizes(image.image)
    assert layers[: len(base_layers)] == base_layers
    added = [size for _, size in layers[len(base_layers) :]]
    base_size = sum(size for _, size in base_layers)
    report(request, f"built in {image.seconds:.0f} s ({cache_note(image)}; base image local)")
    report(
        request,
        f"{megabytes(base_size + sum(added))}: base {megabytes(base_size)} + project layers "
        f"{megabytes(sum(added))} ({', '.join(megabytes(size) for size in added)})",
    )
    assert sum(added) <= LAYER_BUDGET_BYTES


@pytest.fixture
def rebuilt(buildah, base, tmp_path_factory) -> Iterator[Build]:
    """The image rebuilt after a code-only change; untagged (and so removed) afterwards."""
    context = build_context(tmp_path_factory.mktemp("changed"))
    change_code(context / CODE_PEX)
    built = build(buildah, base, context, CHANGED_IMAGE)
    yield built
    buildah("rmi", built.image)


def test_a_code_only_change_rebuilds_only_the_code_layer(buildah, image, rebuilt, request):
    before = buildah.layer_sizes(image.image)
    after = buildah.layer_sizes(rebuilt.image)
    report(
        request,
        f"rebuilt in {rebuilt.seconds:.1f} s after a code-only change "
        f"({cache_note(rebuilt)}); {megabytes(after[-1][1])} changed, the other layers reused",
    )
    assert len(after) == len(before)
    assert after[:-1] == before[:-1]
    assert after[-1][0] != before[-1][0]
    show = "import importlib.util as u; print(open(u.find_spec('services.api.wsgi').origin).read())"
    container = buildah.container(rebuilt.image)
    try:
        result = buildah.run(container, ["python", "-c", show])
    finally:
        buildah("rm", container)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip("\n").endswith(CHANGE.decode().rstrip("\n"))


def test_stops_gracefully_on_sigterm(server):
    # Last: it stops the server the tests above share.
    assert server.stop() == 0
    messages = [record["message"] for record in server.records()]
    assert any(str(message).startswith("Shutting down") for message in messages)
