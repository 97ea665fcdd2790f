"""An environment's Terraform outputs, and the names a deploy of one of its services needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.deploy.errors import DeployError

API = "api"


@dataclass(frozen=True)
class Target:
    """One service of one environment, as its Terraform outputs name it."""

    service: str
    region: str
    cluster: str
    ecs_service: str
    app_family: str
    migration_family: str
    roles_family: str
    repository_url: str
    network_configuration: dict[str, Any]
    log_group: str
    url: str
    key_secret_arn: str

    @property
    def repository(self) -> str:
        """The ECR repository name: the URL without its registry host."""
        return self.repository_url.split("/", 1)[1]


def terraform_outputs(environment: str, repo: Path) -> dict[str, Any]:
    """`terraform output -json` of <repo>/infra/envs/<environment>, initialised on TF_STATE_BUCKET.

    The checkout is named, not derived from this file: under `pants run` the tool runs from a
    pex venv that holds no infra/.
    """
    root = repo.resolve() / "infra" / "envs" / environment
    if not (root / "main.tf").is_file():
        raise DeployError(f"unknown environment {environment!r} (no {root}/main.tf)")
    if not (root / ".terraform").is_dir():
        bucket = os.environ.get("TF_STATE_BUCKET")
        if not bucket:
            raise DeployError(
                f"{root} is not initialised: run terraform init there or set TF_STATE_BUCKET"
            )
        region = os.environ.get("TF_STATE_REGION") or os.environ.get("AWS_REGION", "")
        backend = [f"-backend-config=bucket={bucket}", f"-backend-config=region={region}"]
        _terraform(root, "init", "-input=false", "-lockfile=readonly", *backend)
    raw = json.loads(_terraform(root, "output", "-json"))
    return {name: value["value"] for name, value in raw.items()}


def _terraform(root: Path, *arguments: str) -> str:
    completed = subprocess.run(
        [shutil.which("terraform") or "terraform", f"-chdir={root}", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise DeployError(f"terraform {arguments[0]} failed in {root}:\n{completed.stderr[-2000:]}")
    return completed.stdout


def target(outputs: dict[str, Any], service: str) -> Target:
    """The API from the top-level outputs, another service from its service_<name> output."""
    if "cluster_name" not in outputs:
        raise DeployError("the environment has no outputs yet: run terraform apply there first")
    names: dict[str, Any] = outputs
    if service == API:
        url = outputs["service_url"]
    else:
        names = outputs.get(f"service_{service}") or {}
        if not names:
            raise DeployError(
                f"the environment has no service {service!r} (no service_{service} output): "
                "scaffold it, then terraform apply"
            )
        url = names["url"]
    network = names["network_configuration"]
    return Target(
        service=service,
        region=outputs["region"],
        cluster=outputs["cluster_name"],
        ecs_service=names["service_name"],
        app_family=names["app_task_family"],
        migration_family=names["migration_task_family"],
        roles_family=names["roles_task_family"],
        repository_url=names["ecr_repository_url"],
        network_configuration=json.loads(network) if isinstance(network, str) else network,
        log_group=names["log_group_name"],
        url=url.rstrip("/"),
        # The API's signing key; for a service beside it, the public keys it verifies with.
        key_secret_arn=names["signing_key_secret_arn"],
    )
