"""What ECS and the load balancer would do with a deploy's containers, on moto's own state.

moto runs ECS's API but no containers, so a test supplies three outcomes per image tag: the
roles and migration containers' exit codes (set on the task moto creates), the rollout's result
(the deployment moto keeps for the service: completed, or failed as when the circuit breaker
rolls back) and `/ready` (a stand-in server answering from the image the service runs). The
patches are on moto's backend classes: the moto server must run in this process.

`stage_environment` makes what Terraform makes for an environment, and returns its outputs.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from moto.ecs import models as ecs_models
from moto.moto_api import state_manager

from libs.testing.moto_server import ACCOUNT, REGION

API = "api"


@dataclass
class Fleet:
    """The outcomes the stand-ins give each image tag."""

    failing_roles: set[str] = field(default_factory=set)
    failing_migrations: set[str] = field(default_factory=set)
    failing_rollouts: set[str] = field(default_factory=set)
    not_ready: set[str] = field(default_factory=set)

    def running_tag(self, cluster: str, service: str) -> str:
        """The image tag of the revision the ECS service `service` of `cluster` is set to run."""
        backend = ecs_models.ecs_backends[ACCOUNT][REGION]
        found = _service(backend, cluster, service)
        return tag_of(backend.describe_task_definition(found.task_definition))


def _service(backend: Any, cluster: str, name: str) -> Any:
    """The service `name` of `cluster` (a name or an ARN) among those moto keeps."""
    cluster_name = cluster.rsplit("/", 1)[-1]
    (found,) = (
        service
        for service in backend.services.values()
        if service.name == name and service.cluster_name == cluster_name
    )
    return found


def tag_of(definition: Any) -> str:
    return str(definition.container_definitions[0]["image"]).rsplit(":", 1)[-1]


@contextmanager
def fleet_standins() -> Iterator[Fleet]:
    """Patch moto's ECS backend to give each tag its outcomes for as long as this is open."""
    fleet = Fleet()
    backend = ecs_models.EC2ContainerServiceBackend
    run_task, update_service = backend.run_task, backend.update_service

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        tasks = run_task(self, *args, **kwargs)
        for task in tasks:
            definition = self.describe_task_definition(task.task_definition_arn)
            container = definition.container_definitions[0]["name"]
            failing = fleet.failing_roles if container == "roles" else fleet.failing_migrations
            task.containers[0].exitCode = 1 if tag_of(definition) in failing else 0
        return tasks

    def update(self: Any, properties: dict[str, Any]) -> Any:
        cluster = properties.get("cluster", "default")
        previous = _service(self, cluster, properties["service"].rsplit("/", 1)[-1]).task_definition
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

    backend.run_task, backend.update_service = run, update  # type: ignore[method-assign,assignment]
    try:
        yield fleet
    finally:
        backend.run_task, backend.update_service = run_task, update_service  # type: ignore[method-assign]
        state_manager.unset_transition("ecs::task")


@contextmanager
def ready_standin(fleet: Fleet) -> Iterator[str]:
    """The load balancer's stand-in: GET /<cluster>/<service>/ready is 200 unless the image
    that service runs is not ready; yields the server's URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            parts = self.path.strip("/").split("/")
            if len(parts) != 3 or parts[2] != "ready":
                self.send_response(404)
            else:
                cluster, service, _ = parts
                running = fleet.running_tag(cluster, f"{service}-service")
                self.send_response(503 if running in fleet.not_ready else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def stage_environment(
    aws: Callable[[str], Any],
    environment: str,
    services: tuple[str, ...],
    registry: str,
    ready_url: str,
) -> dict[str, Any]:
    """What Terraform makes for `environment` (network, cluster; per service a repository, task
    definitions of its `initial` image and the service) in moto; its outputs, as
    `terraform output -json` gives their values."""
    ec2, ecs, ecr = aws("ec2"), aws("ecs"), aws("ecr")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})  # as infra/ sets it
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(
        GroupName=f"{environment}-services", Description="services", VpcId=vpc
    )["GroupId"]
    network = {
        "awsvpcConfiguration": {
            "subnets": [subnet],
            "securityGroups": [group],
            "assignPublicIp": "DISABLED",
        }
    }
    ecs.create_cluster(clusterName=environment)
    # Terraform makes the token key secrets empty; infra/scripts/init-secrets.sh fills them.
    keys = aws("secretsmanager").create_secret(Name=f"{environment}-token-keys", SecretString="{}")
    outputs: dict[str, Any] = {"region": REGION, "cluster_name": environment}
    for service in services:
        ecr.create_repository(repositoryName=f"{environment}-{service}")
        repository = f"{registry}/{environment}-{service}"
        for container in ("app", "migrate", "roles"):
            ecs.register_task_definition(
                family=f"{environment}-{service}-{container}", networkMode="awsvpc",
                requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
                tags=[{"key": "Service", "value": service}],
                # moto sums the containers' cpu and memory when it places a task.
                containerDefinitions=[{"name": container, "image": f"{repository}:initial",
                                       "essential": True, "cpu": 256, "memory": 512}],
            )  # fmt: skip
        ecs.create_service(
            cluster=environment, serviceName=f"{service}-service",
            taskDefinition=f"{environment}-{service}-app", desiredCount=1, launchType="FARGATE",
            networkConfiguration=network,
        )  # fmt: skip
        names = {
            "service_name": f"{service}-service",
            "app_task_family": f"{environment}-{service}-app",
            "migration_task_family": f"{environment}-{service}-migrate",
            "roles_task_family": f"{environment}-{service}-roles",
            "ecr_repository_url": repository,
            "network_configuration": json.dumps(network),
            "log_group_name": f"/ecs/{environment}-{service}",
            "signing_key_secret_arn": keys["ARN"],
        }
        url = f"{ready_url}/{environment}/{service}"
        if service == API:
            outputs.update(names, service_url=url)
        else:
            outputs[f"service_{service}"] = {**names, "url": url}
    return outputs


def terraform_state(outputs: dict[str, Any]) -> dict[str, Any]:
    """A Terraform state (format 4) holding `outputs` as root outputs and no resources: what
    `terraform output` reads from the state bucket."""
    return {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": str(uuid.uuid4()),
        "outputs": {
            name: {"value": value, "type": _cty_type(value)} for name, value in outputs.items()
        },
        "resources": [],
        "check_results": None,
    }


def _cty_type(value: Any) -> Any:
    """The JSON form of the Terraform type of a value decoded from JSON."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return ["object", {key: _cty_type(item) for key, item in value.items()}]
    if isinstance(value, list):
        return ["tuple", [_cty_type(item) for item in value]]
    raise TypeError(f"no Terraform type for {value!r}")
