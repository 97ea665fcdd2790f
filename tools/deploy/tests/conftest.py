"""Fixtures for deploys and rollbacks end to end: moto (in this process), a local OCI registry
standing in for ECR, the stand-ins of libs/testing/ecs_fleet.py for what ECS and the load
balancer do with the containers, and a git history of main.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from libs.testing.ecs_fleet import Fleet, fleet_standins, ready_standin, stage_environment
from libs.testing.moto_server import CREDENTIALS, REGION, clients, moto_server, reset
from libs.testing.registry import INSTALL_HINT, oci_registry

SERVICES = ("api", "orders")


@pytest.fixture
def fleet() -> Iterator[Fleet]:
    with fleet_standins() as found:
        yield found


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (shutil.which("docker-registry") or shutil.which("registry")):
        pytest.fail(INSTALL_HINT)
    with oci_registry(tmp_path_factory.mktemp("registry")) as found:
        yield found


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Clients of a freshly reset moto, and the environment the deploy tool reads them from."""
    reset(moto_url)
    for name, value in {
        **CREDENTIALS,
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    return clients(moto_url)


@pytest.fixture
def ready_server(fleet: Fleet) -> Iterator[str]:
    with ready_standin(fleet) as url:
        yield url


@pytest.fixture
def environment(aws: Any, registry: str, ready_server: str, tmp_path: Path) -> Path:
    """Staging as Terraform makes it, and its outputs as `terraform output -json` gives them."""
    outputs = stage_environment(aws, "staging", SERVICES, registry, ready_server)
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    return path


@dataclass
class Main:
    """A clone whose origin's main the tests move, as pushes to main do."""

    origin: Path
    clone: Path
    commits: list[str]

    def push(self, commit: str) -> None:
        git(self.origin, "update-ref", "refs/heads/main", commit)


def git(cwd: Path, *arguments: str) -> str:
    identity = ["-c", "user.name=deploy test", "-c", "user.email=deploy@example.invalid"]
    completed = subprocess.run(
        [shutil.which("git") or "git", *identity, *arguments],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout.strip()


@pytest.fixture
def main(tmp_path: Path) -> Main:
    """Three commits on main; main points at the first."""
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "--quiet", "--initial-branch=main")
    commits = []
    for number in range(3):
        (work / "change").write_text(str(number))
        git(work, "add", "change")
        git(work, "commit", "--quiet", "-m", f"change {number}")
        commits.append(git(work, "rev-parse", "HEAD"))
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(work), str(origin))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(origin), str(clone))
    found = Main(origin, clone, commits)
    found.push(commits[0])
    return found


def oci_archive(path: Path, marker: str) -> Path:
    """A one-layer OCI image archive (oci-archive, as `buildah push` writes) holding `marker`."""
    blobs: dict[str, bytes] = {}

    def blob(data: bytes) -> dict[str, Any]:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return {"digest": digest, "size": len(data)}

    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as tar:
        info = tarfile.TarInfo("marker")
        info.size = len(marker.encode())
        tar.addfile(info, io.BytesIO(marker.encode()))
    layer_ref = blob(layer.getvalue())
    config = {"architecture": "amd64", "os": "linux", "config": {},
              "rootfs": {"type": "layers", "diff_ids": [layer_ref["digest"]]}}  # fmt: skip
    config_ref = blob(json.dumps(config).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config_ref},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **layer_ref}],
    }
    manifest_ref = blob(json.dumps(manifest).encode())
    index = {
        "schemaVersion": 2,
        "manifests": [{"mediaType": manifest["mediaType"], **manifest_ref}],
    }
    with tarfile.open(path, "w") as archive:
        files = {
            "oci-layout": b'{"imageLayoutVersion": "1.0.0"}',
            "index.json": json.dumps(index).encode(),
        }
        files.update({f"blobs/sha256/{d.split(':')[1]}": data for d, data in blobs.items()})
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def images(directory: Path, commit: str, services: tuple[str, ...] = ("api",)) -> Path:
    """What .ci/build-images writes for `commit`: an archive per service and services.txt."""
    directory.mkdir(parents=True, exist_ok=True)
    for service in services:
        oci_archive(directory / f"{service}.tar", f"{service} {commit}")
    (directory / "services.txt").write_text("".join(f"{s}\n" for s in services))
    return directory
