"""An AWS account in moto, a local OCI registry standing in for ECR, a git history of main, and a
server standing in for the load balancer, for deploys and rollbacks end to end.

moto runs ECS's API but no containers, so two outcomes are supplied through moto's own state,
in this process: the roles and migration containers' exit codes (set on the task moto
creates) and the rollout's result (the deployment moto keeps for the service: completed, or
failed as when the circuit breaker rolls back). `/ready` answers from the image the service runs.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
import requests
from moto.ecs import models as ecs_models
from moto.moto_api import state_manager
from moto.server import ThreadedMotoServer

from libs.testing.processes import free_port

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's account when the credentials name none
SERVICES = ("api", "orders")


@dataclass
class Fleet:
    """What the stand-ins make of each image tag: roles and migration exit codes, rollout,
    /ready."""

    failing_roles: set[str] = field(default_factory=set)
    failing_migrations: set[str] = field(default_factory=set)
    failing_rollouts: set[str] = field(default_factory=set)
    not_ready: set[str] = field(default_factory=set)

    def backend(self) -> Any:
        return ecs_models.ecs_backends[ACCOUNT][REGION]

    def running_tag(self, service: str) -> str:
        """The image tag of the revision the ECS service `service` is set to run."""
        backend = self.backend()
        (found,) = (s for s in backend.services.values() if s.name == service)
        definition = backend.describe_task_definition(found.task_definition)
        return str(definition.container_definitions[0]["image"]).rsplit(":", 1)[-1]


def tag_of(definition: Any) -> str:
    return str(definition.container_definitions[0]["image"]).rsplit(":", 1)[-1]


@pytest.fixture
def fleet(monkeypatch: pytest.MonkeyPatch) -> Iterator[Fleet]:
    """The stand-ins for what ECS does with the containers, on moto's backend objects."""
    fleet = Fleet()
    run_task = ecs_models.EC2ContainerServiceBackend.run_task
    update_service = ecs_models.EC2ContainerServiceBackend.update_service

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        tasks = run_task(self, *args, **kwargs)
        for task in tasks:
            definition = self.describe_task_definition(task.task_definition_arn)
            container = definition.container_definitions[0]["name"]
            failing = fleet.failing_roles if container == "roles" else fleet.failing_migrations
            task.containers[0].exitCode = 1 if tag_of(definition) in failing else 0
        return tasks

    def update(self: Any, properties: dict[str, Any]) -> Any:
        before = self._get_service(properties.get("cluster", "default"), properties["service"])
        previous = before.task_definition
        service = update_service(self, properties)
        failed = (
            tag_of(self.describe_task_definition(service.task_definition)) in fleet.failing_rollouts
        )
        if failed:  # the circuit breaker: the old revision is primary again
            service.task_definition = previous
        service.deployments = [
            {**service.deployments[0], "status": "PRIMARY",
             "taskDefinition": service.task_definition,
             "rolloutState": "FAILED" if failed else "COMPLETED",
             "rolloutStateReason": "tasks failed to start" if failed else "completed",
             "runningCount": service.desired_count}
        ]  # fmt: skip
        return service

    monkeypatch.setattr(ecs_models.EC2ContainerServiceBackend, "run_task", run)
    monkeypatch.setattr(ecs_models.EC2ContainerServiceBackend, "update_service", update)
    yield fleet
    state_manager.unset_transition("ecs::task")


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The distribution registry (Debian's docker-registry) on a free port: host:port."""
    binary = shutil.which("docker-registry") or shutil.which("registry")
    if binary is None:
        pytest.fail("docker-registry is not installed (apt-get install docker-registry)")
    root = tmp_path_factory.mktemp("registry")
    port = free_port()
    config = root / "config.yml"
    config.write_text(
        f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {root / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\nlog:\n  level: error\n"
    )
    process = subprocess.Popen([binary, "serve", str(config)], stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/v2/", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Clients of a freshly reset moto, and the environment the deploy tool reads them from."""
    requests.post(f"{moto_url}/moto-api/reset", timeout=10)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    session = boto3.session.Session(region_name=REGION)
    return lambda service: session.client(service, endpoint_url=moto_url)


@pytest.fixture
def ready_server(fleet: Fleet) -> Iterator[str]:
    """The load balancer's stand-in: /<service>/ready is 200 unless its image is not ready."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            parts = self.path.strip("/").split("/")
            service = parts[0] if len(parts) > 1 else "api"
            name = f"{service}-service"
            healthy = fleet.running_tag(name) not in fleet.not_ready
            self.send_response(200 if healthy else 503)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def environment(aws: Any, registry: str, ready_server: str, tmp_path: Path) -> Path:
    """What Terraform makes for staging (network, cluster, per service: repository, task
    definitions of its `initial` image, service), and its outputs as `terraform output -json`."""
    ec2, ecs, ecr = aws("ec2"), aws("ecs"), aws("ecr")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})  # as infra/ sets it
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="svc", Description="svc", VpcId=vpc)["GroupId"]
    network = {
        "awsvpcConfiguration": {
            "subnets": [subnet],
            "securityGroups": [group],
            "assignPublicIp": "DISABLED",
        }
    }
    ecs.create_cluster(clusterName="staging")
    # Terraform makes the token key secrets empty; infra/scripts/init-secrets.sh fills them.
    keys = aws("secretsmanager").create_secret(Name="staging-token-keys", SecretString="{}")
    outputs: dict[str, Any] = {"region": REGION, "cluster_name": "staging"}
    for service in SERVICES:
        ecr.create_repository(repositoryName=f"staging-{service}")
        repository = f"{registry}/staging-{service}"
        for family, container in (
            (f"{service}-app", "app"),
            (f"{service}-migrate", "migrate"),
            (f"{service}-roles", "roles"),
        ):
            ecs.register_task_definition(
                family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                cpu="256", memory="512", tags=[{"key": "Service", "value": service}],
                # moto sums the containers' cpu and memory when it places a task.
                containerDefinitions=[{"name": container, "image": f"{repository}:initial",
                                       "essential": True, "cpu": 256, "memory": 512}],
            )  # fmt: skip
        ecs.create_service(
            cluster="staging", serviceName=f"{service}-service", taskDefinition=f"{service}-app",
            desiredCount=1, launchType="FARGATE", networkConfiguration=network,
        )  # fmt: skip
        names = {
            "service_name": f"{service}-service",
            "app_task_family": f"{service}-app",
            "migration_task_family": f"{service}-migrate",
            "roles_task_family": f"{service}-roles",
            "ecr_repository_url": repository,
            "network_configuration": json.dumps(network),
            "log_group_name": f"/ecs/{service}",
            "signing_key_secret_arn": keys["ARN"],
        }
        if service == "api":
            outputs.update(names, service_url=ready_server)
        else:
            outputs[f"service_{service}"] = {**names, "url": f"{ready_server}/{service}"}
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
