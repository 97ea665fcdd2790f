"""Deploys and rollbacks end to end against moto, a local registry and a /ready stand-in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from moto.moto_api import state_manager

from libs.testing.registry import tags as registry_tags
from tools.deploy.cli import main as deploy_tool
from tools.deploy.tests.conftest import SERVICES, Main, images

FAST = ["--poll", "0.05", "--stable-timeout", "5", "--smoke-timeout", "1"]


def run(outputs: Path, *arguments: str) -> int:
    return deploy_tool(["--outputs", str(outputs), *FAST, *arguments])


def ship(
    outputs: Path, main: Main, commit: str, tmp_path: Path, *extra: str, services=("api",)
) -> int:
    """Push `commit` to main, build (stand-in) images for it, deploy them to staging."""
    main.push(commit)
    built = images(tmp_path / f"images-{commit[:8]}", commit, services)
    return run(
        outputs,
        *extra,
        "--repo",
        str(main.clone),
        "deploy",
        "staging",
        commit,
        "--images",
        str(built),
    )


def service_of(aws: Any, name: str = "api-service") -> dict[str, Any]:
    service: dict[str, Any] = aws("ecs").describe_services(cluster="staging", services=[name])[
        "services"
    ][0]
    return service


def tags(aws: Any, arn: str) -> dict[str, str]:
    listed = aws("ecs").list_tags_for_resource(resourceArn=arn)["tags"]
    return {tag["key"]: tag["value"] for tag in listed}


def image_of(aws: Any, arn: str) -> str:
    definition = aws("ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]
    return str(definition["containerDefinitions"][0]["image"])


def test_a_deploy_pushes_migrates_rolls_out_checks_and_records_it_stable(
    aws, environment, main, fleet, registry, tmp_path, capsys
) -> None:
    commit = main.commits[0]

    assert ship(environment, main, commit, tmp_path) == 0

    running = service_of(aws)["taskDefinition"]
    assert running.endswith("api-app:2")
    assert image_of(aws, running) == f"{registry}/staging-api:{commit}"
    assert "stable-at" in tags(aws, running) and tags(aws, running)["commit"] == commit
    assert commit in registry_tags(registry, "staging-api")
    migration = aws("ecs").describe_task_definition(taskDefinition="staging-api-migrate")
    assert migration["taskDefinition"]["revision"] == 2
    assert "migrations applied" in capsys.readouterr().err


@pytest.mark.parametrize("service", SERVICES)
def test_a_failed_migration_leaves_the_service_on_its_revision(
    aws, environment, main, fleet, tmp_path, capsys, service
) -> None:
    commit = main.commits[0]
    # moto runs no container: the migration's exit code is set on the task moto creates.
    fleet.failing_migrations.add(commit)

    assert ship(environment, main, commit, tmp_path, services=(service,)) == 1

    assert "the migration failed (exit code 1" in capsys.readouterr().err
    assert service_of(aws, f"{service}-service")["taskDefinition"].endswith(f"{service}-app:1")


def test_a_deploy_before_the_token_keys_are_set_is_refused(
    aws, environment, main, fleet, tmp_path, capsys
) -> None:
    # As Terraform leaves it until infra/scripts/init-secrets.sh runs: a secret with no value.
    empty = aws("secretsmanager").create_secret(Name="staging-empty-keys")["ARN"]
    outputs = json.loads(environment.read_text())
    environment.write_text(json.dumps({**outputs, "signing_key_secret_arn": empty}))

    assert ship(environment, main, main.commits[0], tmp_path) == 1

    err = capsys.readouterr().err
    assert "run infra/scripts/init-secrets.sh staging" in err
    assert service_of(aws)["taskDefinition"].endswith("api-app:1")
    families = aws("ecs").list_task_definitions(familyPrefix="staging-api-app")[
        "taskDefinitionArns"
    ]
    assert [arn.rsplit("/", 1)[1] for arn in families] == ["staging-api-app:1"]


def test_a_one_off_task_past_its_limit_is_stopped(
    aws, environment, main, fleet, tmp_path, capsys
) -> None:
    # moto moves a task one state further each time it is described; here it never stops.
    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 1_000_000})

    assert ship(environment, main, main.commits[0], tmp_path, "--migration-timeout", "0.3") == 1

    # The roles task is the first one-off task of a deploy; the migration's wait is the same.
    err = capsys.readouterr().err
    assert "the roles task" in err and "ran past 0.3s and was stopped" in err
    tasks = aws("ecs").list_tasks(cluster="staging", desiredStatus="STOPPED")["taskArns"]
    stopped = aws("ecs").describe_tasks(cluster="staging", tasks=tasks)["tasks"]
    assert [task["stoppedReason"] for task in stopped] == ["deploy: roles time limit"]
    assert service_of(aws)["taskDefinition"].endswith("api-app:1")


def families_run(aws: Any) -> set[str]:
    """The task definition families of the tasks run so far."""
    ecs = aws("ecs")
    arns = ecs.list_tasks(cluster="staging", desiredStatus="STOPPED")["taskArns"]
    arns += ecs.list_tasks(cluster="staging", desiredStatus="RUNNING")["taskArns"]
    tasks = ecs.describe_tasks(cluster="staging", tasks=arns)["tasks"] if arns else []
    return {task["taskDefinitionArn"].rsplit("/", 1)[1].split(":")[0] for task in tasks}


def test_a_deploy_creates_the_database_roles_before_the_migration(
    aws, environment, main, fleet, registry, tmp_path, capsys
) -> None:
    commit = main.commits[0]

    assert ship(environment, main, commit, tmp_path) == 0

    err = capsys.readouterr().err  # the order: the roles task ends before the migration starts
    assert err.index("database roles ready") < err.index("running the migration")
    roles = aws("ecs").describe_task_definition(taskDefinition="staging-api-roles")[
        "taskDefinition"
    ]
    assert roles["revision"] == 2  # the new image's own roles command
    assert roles["containerDefinitions"][0]["image"] == f"{registry}/staging-api:{commit}"
    assert families_run(aws) - {"staging-api-app"} == {"staging-api-roles", "staging-api-migrate"}


def test_a_failed_roles_task_stops_the_deploy_before_the_migration(
    aws, environment, main, fleet, tmp_path, capsys
) -> None:
    commit = main.commits[0]
    fleet.failing_roles.add(commit)

    assert ship(environment, main, commit, tmp_path) == 1

    assert "the roles failed (exit code 1" in capsys.readouterr().err
    assert "staging-api-migrate" not in families_run(aws)
    assert service_of(aws)["taskDefinition"].endswith("api-app:1")


@pytest.mark.parametrize("service", SERVICES)
def test_a_failed_smoke_check_rolls_back_to_the_last_stable_revision(
    aws, environment, main, fleet, tmp_path, capsys, service
) -> None:
    good, broken = main.commits[0], main.commits[1]
    assert ship(environment, main, good, tmp_path, services=(service,)) == 0
    stable = service_of(aws, f"{service}-service")["taskDefinition"]
    fleet.not_ready.add(broken)

    assert ship(environment, main, broken, tmp_path, services=(service,)) == 1

    err = capsys.readouterr().err
    assert "/ready did not answer 200" in err and "rolled back" in err
    assert service_of(aws, f"{service}-service")["taskDefinition"] == stable
    assert "stable-at" not in tags(aws, stable.replace(":2", ":3"))


def test_a_rollout_the_circuit_breaker_rejects_rolls_back(
    aws, environment, main, fleet, tmp_path, capsys
) -> None:
    good, broken = main.commits[0], main.commits[1]
    assert ship(environment, main, good, tmp_path) == 0
    stable = service_of(aws)["taskDefinition"]
    fleet.failing_rollouts.add(broken)

    assert ship(environment, main, broken, tmp_path) == 1

    assert "did not settle" in capsys.readouterr().err
    assert service_of(aws)["taskDefinition"] == stable


def test_rollback_goes_to_the_last_stable_revision_not_one_that_never_ran(
    aws, environment, main, fleet, tmp_path, capsys
) -> None:
    first, second, third = main.commits
    assert ship(environment, main, first, tmp_path) == 0
    first_revision = service_of(aws)["taskDefinition"]
    assert ship(environment, main, second, tmp_path) == 0
    fleet.failing_migrations.add(third)
    assert ship(environment, main, third, tmp_path) == 1  # registers api-app:4, which never runs

    assert run(environment, "rollback", "staging") == 0

    assert service_of(aws)["taskDefinition"] == first_revision
    assert "runs" in capsys.readouterr().err


def test_rollback_refuses_a_revision_never_recorded_stable(
    aws, environment, main, fleet, tmp_path, capsys
) -> None:
    assert ship(environment, main, main.commits[0], tmp_path) == 0

    # api-app:1 is Terraform's, with the never-pushed `initial` image.
    assert run(environment, "rollback", "staging", "--revision", "staging-api-app:1") == 1

    assert "never recorded as deployed and stable" in capsys.readouterr().err


def test_rollback_without_an_earlier_stable_revision_says_so(
    aws, environment, main, fleet, tmp_path, capsys
) -> None:
    assert ship(environment, main, main.commits[0], tmp_path) == 0

    assert run(environment, "rollback", "staging") == 1

    assert "was ever recorded as deployed and stable" in capsys.readouterr().err


def test_a_commit_that_is_no_longer_mains_newest_is_refused(
    aws, environment, main, fleet, tmp_path, capsys
) -> None:
    older, newer = main.commits[0], main.commits[1]
    main.push(newer)
    built = images(tmp_path / "images", older)

    code = run(
        environment, "--repo", str(main.clone), "deploy", "staging", older, "--images", str(built)
    )

    assert code == 1
    assert f"{older} is no longer the newest commit on main ({newer} is)" in capsys.readouterr().err
    assert service_of(aws)["taskDefinition"].endswith("api-app:1")


def test_a_commit_older_than_what_runs_is_refused(
    aws, environment, main, fleet, tmp_path, capsys
) -> None:
    older, newer = main.commits[0], main.commits[1]
    assert ship(environment, main, newer, tmp_path) == 0
    # main moved back to an older commit (a force push): the deploy still refuses to go back.

    assert ship(environment, main, older, tmp_path) == 1

    assert f"{older} is older than {newer}, which staging runs already" in capsys.readouterr().err


def test_every_service_listed_is_deployed_with_its_own_migration(
    aws, environment, main, fleet, tmp_path
) -> None:
    commit = main.commits[0]

    assert ship(environment, main, commit, tmp_path, services=("api", "orders")) == 0

    for service in ("api", "orders"):
        running = service_of(aws, f"{service}-service")["taskDefinition"]
        assert running.endswith(f"{service}-app:2")
        assert image_of(aws, running).endswith(f"/staging-{service}:{commit}")
        migration = aws("ecs").describe_task_definition(
            taskDefinition=f"staging-{service}-migrate"
        )["taskDefinition"]
        assert migration["revision"] == 2


def test_no_service_changed_deploys_nothing(
    aws, environment, main, fleet, tmp_path, capsys
) -> None:
    built = tmp_path / "images"
    built.mkdir()
    (built / "services.txt").write_text("")

    assert run(environment, "deploy", "staging", main.commits[0], "--images", str(built)) == 0

    assert "nothing to deploy" in capsys.readouterr().err
    assert json.loads(environment.read_text())["cluster_name"] == "staging"
