"""cd.yml from the image build to production for a scaffolded service: Pants picks the changed
service, buildah builds its image, and each deploy job reads Terraform's outputs from an S3
state in moto, pushes to a local OCI registry, migrates, rolls out and checks /ready."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from libs.testing.ecs_fleet import (
    Fleet,
    fleet_standins,
    ready_standin,
    stage_environment,
    terraform_state,
)
from libs.testing.moto_server import REGION, clients, moto_server, reset
from libs.testing.registry import oci_registry
from libs.testing.registry import tags as registry_tags
from tests.workflows.actions import git
from tests.workflows.rehearsal import Rehearse, failures, ran
from tests.workflows.rehearsals.commits import commit_on_top
from tools.scaffold.cli import main as scaffold

STATE_BUCKET = "rehearsal-terraform-state"
ENVIRONMENTS = ("staging", "production")


@dataclass(frozen=True)
class Cloud:
    """What CD's deploy jobs reach: moto (with the ECS stand-ins), a registry standing in for
    ECR, the load balancer's /ready stand-in."""

    moto: str
    fleet: Fleet
    registry: str
    ready: str


@pytest.fixture(scope="module")
def cloud(scratch: Path) -> Iterator[Cloud]:
    registry_root = scratch / "registry"
    registry_root.mkdir()
    with (
        moto_server() as moto,
        fleet_standins() as fleet,
        oci_registry(registry_root) as registry,
        ready_standin(fleet) as ready,
    ):
        yield Cloud(moto, fleet, registry, ready)


def provision(cloud: Cloud, services: tuple[str, ...]) -> None:
    """Each environment as Terraform leaves it: its resources in moto, and a state object in
    the state bucket (at the key in infra/envs/<environment>/backend.tf) holding its outputs."""
    reset(cloud.moto)
    aws = clients(cloud.moto)
    s3 = aws("s3")
    s3.create_bucket(Bucket=STATE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    for environment in ENVIRONMENTS:
        outputs = stage_environment(aws, environment, services, cloud.registry, cloud.ready)
        s3.put_object(
            Bucket=STATE_BUCKET,
            Key=f"api/{environment}.tfstate",
            Body=json.dumps(terraform_state(outputs)).encode(),
        )


def scaffold_commit(origin: Path, commit: str, scratch: Path, service: str) -> str:
    """A commit on top of `commit` that adds `service` with the scaffolder, made main's newest."""

    def add_service(work: Path) -> None:
        arguments = ["new-service", service, "--resource", "order", "--repo-root", str(work)]
        assert scaffold(arguments) == 0

    added = commit_on_top(origin, commit, scratch, f"scaffold: {service}", add_service)
    git(f"--git-dir={origin}", "update-ref", "refs/heads/main", added)
    return added


def running_image(cloud: Cloud, environment: str, service: str) -> tuple[str, dict[str, str]]:
    """The image the ECS service runs, and the tags of its task definition."""
    ecs = clients(cloud.moto)("ecs")
    (found,) = ecs.describe_services(cluster=environment, services=[f"{service}-service"])[
        "services"
    ]
    revision = found["taskDefinition"]
    definition = ecs.describe_task_definition(taskDefinition=revision)["taskDefinition"]
    listed = ecs.list_tags_for_resource(resourceArn=revision)["tags"]
    return definition["containerDefinitions"][0]["image"], {t["key"]: t["value"] for t in listed}


def test_cd_builds_and_deploys_a_scaffolded_service_to_staging_then_production(
    rehearse: Rehearse,
    origin: tuple[Path, str],
    scratch: Path,
    base_image: str,
    cloud: Cloud,
) -> None:
    bare, commit = origin
    added = scaffold_commit(bare, commit, scratch, "orders")
    provision(cloud, ("api", "orders"))

    try:
        rehearsal = rehearse(
            added,
            "push",
            {"deploy/image", "deploy/staging", "deploy/production"},
            {"BASE_IMAGE": base_image},
            before=commit,
            aws_endpoint=cloud.moto,
            variables={
                "AWS_DEPLOY_ROLE_ARN": "arn:aws:iam::123456789012:role/deploy",
                "AWS_REGION": REGION,
                "TF_STATE_BUCKET": STATE_BUCKET,
            },
        )
    finally:
        git(f"--git-dir={bare}", "update-ref", "refs/heads/main", commit)

    problems = failures(rehearsal.results)
    assert not problems, "\n".join(problems)
    # The image job built the new service alone: nothing the API's image holds changed.
    built = rehearsal.site.artifacts / "images"
    assert (built / "services.txt").read_text().split() == ["orders"]
    for environment in ENVIRONMENTS:
        image, tags = running_image(cloud, environment, "orders")
        assert image == f"{cloud.registry}/{environment}-orders:{added}"
        assert tags["commit"] == added and "stable-at" in tags
        assert added in registry_tags(cloud.registry, f"{environment}-orders")
        assert running_image(cloud, environment, "api")[0].endswith(":initial")
    shipped = [job for job, step in ran(rehearsal.results) if step.startswith("Push each image")]
    assert shipped == ["deploy/staging", "deploy/production"]
