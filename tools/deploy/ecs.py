"""The ECS side of a release: task definition revisions, the migration task, the rollout.

Each revision a deploy registers carries a `commit` tag (the image tag it runs); a revision
that reached a steady state and passed the smoke check gets a `stable-at` tag. A rollback goes
to the most recently stable revision, so never to one that never ran or never settled.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tools.deploy.errors import (
    DeployError,
    MigrationFailed,
    MigrationTimedOut,
    NoStableRevision,
    NotStable,
    RolesFailed,
    RolesTimedOut,
)
from tools.deploy.outputs import Target

COMMIT_TAG = "commit"
STABLE_TAG = "stable-at"
MIGRATION_CONTAINER = "migrate"
ROLES_CONTAINER = "roles"
# What register_task_definition takes from a described revision; the rest is AWS's bookkeeping.
REGISTERED_FIELDS = (
    "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions",
    "volumes", "placementConstraints", "requiresCompatibilities", "cpu", "memory",
    "runtimePlatform", "ephemeralStorage",
)  # fmt: skip
RECENT_REVISIONS = 100


@dataclass(frozen=True)
class Limits:
    """How long each wait may take, and how often it looks, in seconds."""

    migration: float = 1800
    stable: float = 1200
    smoke: float = 300
    poll: float = 6


def _tags(tags: list[dict[str, str]]) -> dict[str, str]:
    return {tag["key"]: tag["value"] for tag in tags}


class Ecs:
    """One service's revisions, migration task and rollout, through a boto3 ECS client."""

    def __init__(self, client: Any, target: Target, limits: Limits, say: Callable[[str], None]):
        self.client = client
        self.target = target
        self.limits = limits
        self.say = say

    def register(self, family: str, image: str, commit: str) -> str:
        """A new revision of `family`'s latest, running `image`; returns its ARN."""
        described = self.client.describe_task_definition(taskDefinition=family, include=["TAGS"])
        definition = described["taskDefinition"]
        fields = {name: definition[name] for name in REGISTERED_FIELDS if definition.get(name)}
        for container in fields["containerDefinitions"]:
            container["image"] = image
        tags = {**_tags(described.get("tags", [])), COMMIT_TAG: commit}
        tags.pop(STABLE_TAG, None)
        fields["tags"] = [{"key": key, "value": value} for key, value in tags.items()]
        arn: str = self.client.register_task_definition(**fields)["taskDefinition"][
            "taskDefinitionArn"
        ]
        return arn

    def migrate(self, definition: str, commit: str) -> None:
        """Run the migration task to its end; stop it when it runs past the limit."""
        self._run_to_end(
            definition, commit, MIGRATION_CONTAINER, "migration", MigrationFailed, MigrationTimedOut
        )

    def create_roles(self, definition: str, commit: str) -> None:
        """Run the roles task (the database roles the migration logs in as) to its end."""
        self._run_to_end(definition, commit, ROLES_CONTAINER, "roles", RolesFailed, RolesTimedOut)

    def _run_to_end(
        self,
        definition: str,
        commit: str,
        container: str,
        what: str,
        failed: type[DeployError],
        timed_out: type[DeployError],
    ) -> None:
        """Run a one-off task of `definition`; raise `failed` unless `container` exits 0."""
        started = self.client.run_task(
            cluster=self.target.cluster,
            taskDefinition=definition,
            launchType="FARGATE",
            networkConfiguration=self.target.network_configuration,
            startedBy=f"deploy-{commit}"[:36],
        )
        if not started.get("tasks"):
            raise failed(f"the {what} task did not start: {started.get('failures')}")
        task = started["tasks"][0]["taskArn"]
        self.say(f"{what} task {task} started")
        deadline = time.monotonic() + self.limits.migration
        while True:
            described = self.client.describe_tasks(cluster=self.target.cluster, tasks=[task])[
                "tasks"
            ][0]
            if described["lastStatus"] == "STOPPED":
                break
            if time.monotonic() >= deadline:
                self.client.stop_task(
                    cluster=self.target.cluster, task=task, reason=f"deploy: {what} time limit"
                )
                raise timed_out(
                    f"the {what} task {task} ran past {self.limits.migration:g}s "
                    "and was stopped; "
                    "the service still runs its previous revision"
                )
            time.sleep(self.limits.poll)
        codes = [c.get("exitCode") for c in described["containers"] if c["name"] == container]
        if codes != [0]:
            reason = described.get("stoppedReason", "")
            raise failed(
                f"the {what} failed (exit code {codes[0] if codes else None}: {reason}); "
                "the service still runs its previous revision"
            )

    def running(self) -> str:
        """The app revision the service is set to run."""
        services = self.client.describe_services(
            cluster=self.target.cluster, services=[self.target.ecs_service]
        )
        revision: str = services["services"][0]["taskDefinition"]
        return revision

    def commit_of(self, definition: str) -> str | None:
        """The commit a revision runs: its tag, else its image's tag (None if neither says)."""
        described = self.client.describe_task_definition(
            taskDefinition=definition, include=["TAGS"]
        )
        tags = _tags(described.get("tags", []))
        if COMMIT_TAG in tags:
            return tags[COMMIT_TAG]
        image = str(described["taskDefinition"]["containerDefinitions"][0]["image"])
        return image.rsplit(":", 1)[-1] if ":" in image.rsplit("/", 1)[-1] else None

    def roll_out(self, definition: str) -> None:
        """Point the service at `definition` and wait until it runs only that revision."""
        self.client.update_service(
            cluster=self.target.cluster, service=self.target.ecs_service, taskDefinition=definition
        )
        deadline = time.monotonic() + self.limits.stable
        while True:
            service = self.client.describe_services(
                cluster=self.target.cluster, services=[self.target.ecs_service]
            )["services"][0]
            primary = next(d for d in service["deployments"] if d["status"] == "PRIMARY")
            if primary["taskDefinition"] != definition or primary.get("rolloutState") == "FAILED":
                raise NotStable(
                    f"{self.target.ecs_service} did not settle on {definition}: "
                    f"{primary.get('rolloutStateReason') or 'the circuit breaker rolled it back'}"
                )
            if len(service["deployments"]) == 1 and primary.get("rolloutState") == "COMPLETED":
                return
            if time.monotonic() >= deadline:
                raise NotStable(
                    f"{self.target.ecs_service} did not reach a steady state on {definition} "
                    f"within {self.limits.stable:g}s (ECS goes on trying; see its events)"
                )
            time.sleep(self.limits.poll)

    def mark_stable(self, definition: str) -> None:
        """Record that `definition` ran, settled and passed its smoke check."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.client.tag_resource(resourceArn=definition, tags=[{"key": STABLE_TAG, "value": now}])

    def is_stable(self, definition: str) -> bool:
        """Whether `definition` was ever recorded as stable."""
        tags = self.client.list_tags_for_resource(resourceArn=definition).get("tags", [])
        return STABLE_TAG in _tags(tags)

    def last_stable(self, other_than: str) -> str:
        """The most recently stable app revision other than `other_than`."""
        listed = self.client.list_task_definitions(
            familyPrefix=self.target.app_family,
            status="ACTIVE",
            sort="DESC",
            maxResults=RECENT_REVISIONS,
        )["taskDefinitionArns"]
        stable = []
        for arn in listed:
            if (
                arn == other_than
                or arn.rsplit("/", 1)[-1].rsplit(":", 1)[0] != self.target.app_family
            ):
                continue
            tags = _tags(self.client.list_tags_for_resource(resourceArn=arn).get("tags", []))
            if STABLE_TAG in tags:
                stable.append((tags[STABLE_TAG], int(arn.rsplit(":", 1)[1]), arn))
        if not stable:
            raise NoStableRevision(
                f"no revision of {self.target.app_family} besides {other_than} was ever recorded "
                "as deployed and stable"
            )
        return str(max(stable)[2])
