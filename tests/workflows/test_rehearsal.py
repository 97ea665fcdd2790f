"""The workflows rehearsed: each job's steps run in order, as a non-root user, on a clean clone of
the commit, with local equivalents of the actions (tests/workflows/actions.py).

Heavy Pants goals (`test ::`, `lint ::`, the changed-since selections) run on a sample of
targets that needs what the whole suite needs: this directory's runner checks and the container
test, which needs root, buildah and debootstrap. The README's CI/CD section says what only
GitHub and AWS can show.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from libs.testing.containers import BASE_PATH, cache_dir, debian_rootfs, unavailable_reason
from libs.testing.ecs_fleet import (
    Fleet,
    fleet_standins,
    ready_standin,
    stage_environment,
    terraform_state,
)
from libs.testing.moto_server import REGION, clients, moto_server, reset
from libs.testing.postgres import postgres_server
from libs.testing.registry import oci_registry
from libs.testing.registry import tags as registry_tags
from tests.workflows.actions import Site, git
from tests.workflows.rehearsal import Rehearsal, failures, ran
from tests.workflows.runner_user import Account, account, sudo_broker
from tools.scaffold.cli import main as scaffold

SAMPLE_TARGETS = [
    "tests/workflows/test_runner_environment.py",
    "libs/testing/tests/test_containers.py",
]
# The machine's TLS settings: a runner image's own, not the workflow's.
MACHINE_ENV = ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "PANTS_LAUNCHER_OFFLINE")


def source_repo() -> Path:
    root = os.environ.get("SCAFFOLD_REPO_ROOT")
    assert root, "SCAFFOLD_REPO_ROOT is unset; run this through ./pants test (pants.toml sets it)"
    return Path(root)


def osv_reachable() -> bool:
    try:
        urllib.request.urlopen("https://api.osv.dev", timeout=5)  # nosec B310
    except OSError as error:
        return getattr(error, "code", None) is not None  # an HTTP answer means reachable
    return True


KEPT = Path(tempfile.gettempdir()) / "workflow-rehearsal"


@pytest.fixture(scope="module")
def runner() -> Account:
    return account(KEPT / "home")


@pytest.fixture(scope="module")
def kept(runner: Account) -> Path:
    """Kept between runs, as a runner's tool cache and Pants caches are: HOME and the toolcache."""
    (KEPT / "toolcache").mkdir(parents=True, exist_ok=True)
    return KEPT


@pytest.fixture(scope="module")
def scratch(runner: Account) -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="rehearsal-", dir=tempfile.gettempdir()))
    directory.chmod(0o755)
    runner.own(directory)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def origin(scratch: Path) -> tuple[Path, str]:
    """A bare origin whose main is the commit under test, as after a push to main."""
    source = source_repo()
    commit = git("rev-parse", "HEAD", cwd=source).strip()
    bare = scratch / "origin.git"
    git("clone", "--quiet", "--bare", "--no-local", str(source), str(bare))
    git(f"--git-dir={bare}", "update-ref", "refs/heads/main", commit)
    return bare, commit


@pytest.fixture(scope="module")
def postgres() -> Iterator[int]:
    """The postgres service container's stand-in: a throwaway server's port."""
    with postgres_server() as server:
        yield server.port


def commit_on_top(
    origin: Path, commit: str, scratch: Path, message: str, make: Callable[[Path], None]
) -> str:
    """A commit on top of `commit`, pushed to `origin` on a branch of its own: what `make` does
    to a clone at `commit`."""
    work = Path(tempfile.mkdtemp(dir=scratch))
    git("clone", "--quiet", str(origin), str(work))
    git("checkout", "--quiet", "--detach", commit, cwd=work)
    make(work)
    git("add", "--all", cwd=work)
    identity = ["-c", "user.name=rehearsal", "-c", "user.email=rehearsal@example.invalid"]
    git(*identity, "commit", "--quiet", "-m", message, cwd=work)
    made = git("rev-parse", "HEAD", cwd=work).strip()
    git("push", "--quiet", "origin", f"HEAD:refs/heads/rehearsal-{made[:12]}", cwd=work)
    return made


def change(origin: Path, commit: str, edits: dict[str, tuple[str, str]], scratch: Path) -> str:
    """A commit on top of `commit` in `origin` with each file's `old` text replaced by `new`."""

    def edit(work: Path) -> None:
        for name, (old, new) in edits.items():
            text = (work / name).read_text()
            assert old in text, f"{old!r} is not in {name}"
            (work / name).write_text(text.replace(old, new, 1))

    return commit_on_top(origin, commit, scratch, "rehearsal: a broken workflow", edit)


def rehearse(
    runner: Account,
    kept: Path,
    scratch: Path,
    origin: Path,
    commit: str,
    postgres: int,
    event_name: str,
    only: set[str] | None = None,
    forced: dict[str, str] | None = None,
    *,
    before: str = "0" * 40,
    aws_endpoint: str | None = None,
    variables: dict[str, str] | None = None,
) -> Rehearsal:
    """Run ci.yml for `event_name` on `commit`; `only` restricts it to those jobs, `forced` sets
    variables over every step's own; a push comes after `before`; `aws_endpoint` is the moto
    server the AWS credentials action points at; `variables` are the repository's `vars`."""
    work = Path(tempfile.mkdtemp(dir=scratch))
    work.chmod(0o755)
    runner.own(work)
    (work / "artifacts").mkdir()
    site = Site(
        origin=origin,
        commit=commit,
        artifacts=work / "artifacts",
        toolcache=kept / "toolcache",
        own=runner.own,
        aws_endpoint=aws_endpoint,
        narrow_pants=SAMPLE_TARGETS,
    )
    event = {
        "event_name": event_name,
        "ref": "refs/heads/main" if event_name == "push" else "refs/pull/1/merge",
        "sha": commit,
        "run_id": "1",
        "repository": "acme/items",
        "event": (
            {"pull_request": {"number": 1}} if event_name == "pull_request" else {"before": before}
        ),
    }
    extra = {name: os.environ[name] for name in MACHINE_ENV if name in os.environ}
    # Where the audit's vulnerability database cannot be reached, only GitHub shows the audit.
    forced = {**({} if osv_reachable() else {"AUDIT_REQUIRED": "false"}), **(forced or {})}
    with sudo_broker(work, runner) as sudo_env:
        rehearsal = Rehearsal(
            site=site,
            runner=runner,
            home=runner.home,
            scratch=work,
            event=event,
            variables=variables or {},
            services={"postgres": {"ports": {"5432": str(postgres)}}},
            extra_env={**extra, **sudo_env},
            only=only,
            forced_env=forced,
        )
        rehearsal.run(rehearsal.called_workflow("./.github/workflows/ci.yml"))
    return rehearsal


def test_the_test_job_on_a_pull_request(
    runner: Account,
    kept: Path,
    scratch: Path,
    origin: tuple[Path, str],
    postgres: int,
) -> None:
    bare, commit = origin

    rehearsal = rehearse(runner, kept, scratch, bare, commit, postgres, "pull_request", {"test"})

    problems = failures(rehearsal.results)
    assert not problems, "\n".join(problems)
    assert ("test", "Test what the pull request changes, and what depends on it") in ran(
        rehearsal.results
    )


@pytest.fixture(scope="module")
def base_image() -> str:
    """The Debian base made by debootstrap, in root's buildah storage: no registry answers here,
    so the image job builds on it (BASE_IMAGE, the one argument CI may change)."""
    reason = unavailable_reason()
    if reason is not None and os.geteuid() == 0:
        pytest.fail(reason)
    buildah = ["buildah"] if os.geteuid() == 0 else ["sudo", "-n", "buildah"]
    name = "localhost/rehearsal-base:bookworm"
    found = subprocess.run([*buildah, "images", "--quiet", name], capture_output=True, text=True)
    if not found.stdout.strip():
        tarball = debian_rootfs(cache_dir())
        container = subprocess.run(
            [*buildah, "from", "scratch"], capture_output=True, text=True, check=True
        ).stdout.strip()
        subprocess.run(
            [*buildah, "add", container, str(tarball), "/"], capture_output=True, check=True
        )
        subprocess.run([*buildah, "config", "--env", f"PATH={BASE_PATH}", container], check=True)
        subprocess.run(
            [*buildah, "commit", "--rm", container, name], capture_output=True, check=True
        )
    return name


def test_the_cd_image_job_builds_each_service_with_pants_then_buildah(
    runner: Account,
    kept: Path,
    scratch: Path,
    origin: tuple[Path, str],
    postgres: int,
    base_image: str,
) -> None:
    bare, commit = origin

    rehearsal = rehearse(
        runner,
        kept,
        scratch,
        bare,
        commit,
        postgres,
        "push",
        {"deploy/image"},
        {"BASE_IMAGE": base_image},
    )

    problems = failures(rehearsal.results)
    assert not problems, "\n".join(problems)
    built = rehearsal.site.artifacts / "images"
    assert (built / "services.txt").read_text().split() == ["api"]
    with tarfile.open(built / "api.tar") as archive:
        assert "index.json" in archive.getnames()


def test_an_image_job_without_the_pants_step_fails_its_rehearsal(
    runner: Account,
    kept: Path,
    scratch: Path,
    origin: tuple[Path, str],
    postgres: int,
    base_image: str,
) -> None:
    bare, commit = origin
    # What cd.yml's image job did first: a build of the Dockerfile with no pexes in its context.
    step = (
        '"${PANTS:-./pants}" package "services/$service:image-deps" "services/$service:image-code"'
    )
    broken = change(bare, commit, {".ci/build-image": (step, "")}, scratch)

    rehearsal = rehearse(
        runner,
        kept,
        scratch,
        bare,
        broken,
        postgres,
        "push",
        {"deploy/image"},
        {"BASE_IMAGE": base_image},
    )

    problems = failures(rehearsal.results)
    assert any("image-deps.pex" in problem for problem in problems), problems


# The failures the rehearsal found in the test job, each brought back in a commit of its own.
BROKEN_TEST_JOBS = [
    pytest.param(
        {
            ".github/workflows/ci.yml": (
                "python-version: |\n            3.9\n            3.11",
                'python-version: "3.11"',
            )
        },
        "python3.9 is not on PATH",
        id="no-python-3.9-for-the-nested-pants",
    ),
    pytest.param(
        {".ci/test": ("flags+=(--tag=-root)", "flags+=()")},
        "not running as root",
        id="image-tests-as-the-runner-user",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), BROKEN_TEST_JOBS)
def test_a_broken_test_job_fails_its_rehearsal(
    runner: Account,
    kept: Path,
    scratch: Path,
    origin: tuple[Path, str],
    postgres: int,
    edits: dict[str, tuple[str, str]],
    expected: str,
) -> None:
    bare, commit = origin
    broken = change(bare, commit, edits, scratch)

    rehearsal = rehearse(runner, kept, scratch, bare, broken, postgres, "pull_request", {"test"})

    problems = failures(rehearsal.results)
    assert any(expected in problem for problem in problems), problems


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


STATE_BUCKET = "rehearsal-terraform-state"
ENVIRONMENTS = ("staging", "production")


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
    runner: Account,
    kept: Path,
    scratch: Path,
    origin: tuple[Path, str],
    postgres: int,
    base_image: str,
    cloud: Cloud,
) -> None:
    bare, commit = origin
    added = scaffold_commit(bare, commit, scratch, "orders")
    provision(cloud, ("api", "orders"))

    try:
        rehearsal = rehearse(
            runner,
            kept,
            scratch,
            bare,
            added,
            postgres,
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


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param({}, None, id="main"),
        pytest.param(
            {
                "tests/workflows/test_runner_environment.py": (
                    "import os\n",
                    "import os\nimport sys\n",
                )
            },
            "ruff failed",
            id="an-unused-import",
        ),
    ],
)
def test_the_checks_job_lints_and_type_checks_and_fails_on_a_lint_error(
    runner: Account,
    kept: Path,
    scratch: Path,
    origin: tuple[Path, str],
    postgres: int,
    edits: dict[str, tuple[str, str]],
    expected: str | None,
) -> None:
    bare, commit = origin
    checked = change(bare, commit, edits, scratch) if edits else commit

    rehearsal = rehearse(runner, kept, scratch, bare, checked, postgres, "pull_request", {"checks"})

    problems = failures(rehearsal.results)
    if expected is None:
        assert not problems, "\n".join(problems)
        steps = [step for job, step in ran(rehearsal.results) if job == "checks"]
        assert "BUILD files, lint, type check" in steps
        assert any(step.startswith("Security audit") for step in steps), steps
    else:
        assert [p for p in problems if "BUILD files, lint, type check" in p], problems
        assert any(expected in problem for problem in problems), problems
