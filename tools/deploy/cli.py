"""Deploy the images .ci/build-images wrote, or roll a service back, on ECS.

    deploy <environment> <commit> --images <dir>     each service listed in <dir>/services.txt
    rollback <environment> [--service <name>] [--revision <arn or family:n>]

A deploy of a service: the order check, the push, the roles task (the database roles, as the
master user), new migration and app revisions, the migration task, the rollout and its steady
state, the smoke check of /ready, then the record that the revision is stable. When the
rollout or the smoke check fails, the service goes back to its last stable revision by itself.
The waits' limits are options (seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import botocore.exceptions  # type: ignore[import-untyped]

from tools.deploy import order, secrets, smoke
from tools.deploy.ecs import Ecs, Limits
from tools.deploy.errors import DeployError, NoStableRevision, NotStable, SmokeCheckFailed
from tools.deploy.image import push
from tools.deploy.outputs import API, Target, target, terraform_outputs

ENVIRONMENTS = ("staging", "production")


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def clients(region: str) -> tuple[Any, Any]:
    """ECS and ECR clients (AWS_ENDPOINT_URL, when set, points both at another endpoint)."""
    session = boto3.session.Session(region_name=region)
    return session.client("ecs"), session.client("ecr")


def outputs_of(arguments: argparse.Namespace) -> dict[str, Any]:
    if arguments.outputs:
        return dict(json.loads(Path(arguments.outputs).read_text()))
    return terraform_outputs(arguments.environment, Path(arguments.repo))


def deploy_service(
    found: Target, commit: str, archive: Path, limits: Limits, repo: Path, environment: str
) -> None:
    """Ship one service's image; roll back to its last stable revision if it does not hold."""
    ecs_client, ecr_client = clients(found.region)
    ecs = Ecs(ecs_client, found, limits, say)
    previous = ecs.running()
    order.check(repo, commit, ecs.commit_of(previous), environment)
    secrets.require_value(
        boto3.client("secretsmanager", region_name=found.region), found, environment
    )
    image = push(ecr_client, found, archive, commit)
    say(f"{found.service}: {image} is in the registry")
    create_roles(ecs, found, image, commit)
    migration = ecs.register(found.migration_family, image, commit)
    app = ecs.register(found.app_family, image, commit)
    say(f"{found.service}: registered {migration} and {app}; running the migration")
    ecs.migrate(migration, commit)
    say(f"{found.service}: migrations applied; rolling out {app}")
    try:
        ecs.roll_out(app)
        smoke.ready(found.url, limits.smoke, limits.poll)
    except (NotStable, SmokeCheckFailed) as error:
        say(f"{found.service}: {error}; rolling back")
        back_to(ecs, found, ecs.last_stable(other_than=app), limits)
        raise DeployError(
            f"{found.service}: {error}; rolled back to its last stable revision"
        ) from error
    ecs.mark_stable(app)
    say(f"{found.service}: {app} is deployed and stable at {found.url}")


def create_roles(ecs: Ecs, found: Target, image: str, commit: str) -> None:
    """Run the image's roles task: the database roles exist before the migration logs in."""
    roles = ecs.register(found.roles_family, image, commit)
    say(f"{found.service}: registered {roles}; creating the database roles")
    ecs.create_roles(roles, commit)
    say(f"{found.service}: database roles ready")


def back_to(ecs: Ecs, found: Target, revision: str, limits: Limits) -> None:
    """Roll the service out on `revision`, check it, and record it as stable again."""
    say(f"{found.service}: rolling back to {revision}")
    ecs.roll_out(revision)
    smoke.ready(found.url, limits.smoke, limits.poll)
    ecs.mark_stable(revision)
    say(f"{found.service}: runs {revision} again")


def deploy(arguments: argparse.Namespace, limits: Limits) -> None:
    images = Path(arguments.images)
    listed = images / "services.txt"
    if not listed.is_file():
        raise DeployError(f"{listed} is missing: .ci/build-images writes it")
    services = listed.read_text().split()
    if not services:
        say("no service changed: nothing to deploy")
        return
    outputs = outputs_of(arguments)
    for service in services:
        found = target(outputs, service)
        deploy_service(
            found,
            arguments.commit,
            images / f"{service}.tar",
            limits,
            Path(arguments.repo),
            arguments.environment,
        )


def rollback(arguments: argparse.Namespace, limits: Limits) -> None:
    found = target(outputs_of(arguments), arguments.service)
    ecs_client, _ = clients(found.region)
    ecs = Ecs(ecs_client, found, limits, say)
    current = ecs.running()
    revision = arguments.revision or ecs.last_stable(other_than=current)
    if arguments.revision:
        revision = ecs_client.describe_task_definition(taskDefinition=revision)["taskDefinition"][
            "taskDefinitionArn"
        ]
        if not ecs.is_stable(revision):
            raise NoStableRevision(
                f"{revision} was never recorded as deployed and stable; not rolling back to it"
            )
    if revision == current:
        raise DeployError(f"{found.ecs_service} already runs {revision}")
    back_to(ecs, found, revision, limits)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="deploy", description=__doc__.split("\n\n")[0])
    top.add_argument(
        "--outputs", help="a JSON file of the Terraform outputs (default: terraform output)"
    )
    top.add_argument(
        "--migration-timeout", type=float, default=float(os.environ.get("MIGRATION_TIMEOUT", 1800))
    )
    top.add_argument(
        "--stable-timeout", type=float, default=float(os.environ.get("STABLE_TIMEOUT", 1200))
    )
    top.add_argument(
        "--smoke-timeout", type=float, default=float(os.environ.get("SMOKE_TIMEOUT", 300))
    )
    top.add_argument("--poll", type=float, default=float(os.environ.get("POLL_SECONDS", 6)))
    top.add_argument(
        "--repo",
        default=".",
        help="the git checkout: infra/envs and main's history for the order check",
    )
    commands = top.add_subparsers(dest="command", required=True)
    ship = commands.add_parser("deploy", help="deploy the built images of a commit")
    ship.add_argument("environment", choices=ENVIRONMENTS)
    ship.add_argument("commit")
    ship.add_argument("--images", required=True, help="the directory .ci/build-images wrote")
    back = commands.add_parser("rollback", help="go back to the last stable revision")
    back.add_argument("environment", choices=ENVIRONMENTS)
    back.add_argument("--service", default=API)
    back.add_argument("--revision", help="a revision recorded as stable (default: the last one)")
    return top


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    limits = Limits(
        arguments.migration_timeout,
        arguments.stable_timeout,
        arguments.smoke_timeout,
        arguments.poll,
    )
    try:
        (deploy if arguments.command == "deploy" else rollback)(arguments, limits)
    except DeployError as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 1
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        print(f"deploy: AWS refused a call: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
