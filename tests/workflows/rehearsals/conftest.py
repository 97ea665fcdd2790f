"""Fixtures of the rehearsal files: the runner account, a bare origin at the commit under test,
the postgres service's stand-in, the image job's base image, and `rehearse`, which runs ci.yml.

Each rehearsal file runs in a process of its own, and Pants runs them side by side: what they
share on the machine (the runner account, its home and tool cache, the base image) is made
under a lock, once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from libs.testing.containers import BASE_PATH, cache_dir, debian_rootfs, unavailable_reason
from libs.testing.postgres import postgres_server
from tests.workflows.actions import Site, git
from tests.workflows.rehearsal import Rehearsal, Rehearse
from tests.workflows.runner_user import Account, account, sudo_broker

# Heavy Pants goals (`test ::`, `lint ::`, the changed-since selections) run on a sample of
# targets that needs what the whole suite needs: this directory's runner checks and the
# container test, which needs root, buildah and debootstrap.
SAMPLE_TARGETS = [
    "tests/workflows/test_runner_environment.py",
    "libs/testing/tests/test_containers.py",
]
# The machine's TLS settings: a runner image's own, not the workflow's.
MACHINE_ENV = ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "PANTS_LAUNCHER_OFFLINE")
# Kept between runs, as a runner's tool cache and Pants caches are: HOME and the toolcache.
KEPT = Path(tempfile.gettempdir()) / "workflow-rehearsal"


@contextmanager
def machine_lock(name: str) -> Iterator[None]:
    """Hold the rehearsal files' lock `name` for the machine-wide setup they share."""
    KEPT.mkdir(parents=True, exist_ok=True)
    with (KEPT / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


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


@pytest.fixture(scope="module")
def runner() -> Account:
    with machine_lock("account"):
        return account(KEPT / "home")


@pytest.fixture(scope="module")
def kept(runner: Account) -> Path:
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


@pytest.fixture(scope="module")
def base_image() -> str:
    """The Debian base made by debootstrap, in root's buildah storage: no registry answers here,
    so the image job builds on it (BASE_IMAGE, the one argument CI may change)."""
    reason = unavailable_reason()
    if reason is not None and os.geteuid() == 0:
        pytest.fail(reason)
    buildah = ["buildah"] if os.geteuid() == 0 else ["sudo", "-n", "buildah"]
    name = "localhost/rehearsal-base:bookworm"
    with machine_lock("base-image"):
        found = subprocess.run(
            [*buildah, "images", "--quiet", name], capture_output=True, text=True
        )
        if not found.stdout.strip():
            tarball = debian_rootfs(cache_dir())
            container = subprocess.run(
                [*buildah, "from", "scratch"], capture_output=True, text=True, check=True
            ).stdout.strip()
            subprocess.run(
                [*buildah, "add", container, str(tarball), "/"], capture_output=True, check=True
            )
            subprocess.run(
                [*buildah, "config", "--env", f"PATH={BASE_PATH}", container], check=True
            )
            subprocess.run(
                [*buildah, "commit", "--rm", container, name], capture_output=True, check=True
            )
    return name


@pytest.fixture(scope="module")
def rehearse(
    runner: Account, kept: Path, scratch: Path, origin: tuple[Path, str], postgres: int
) -> Rehearse:
    """`rehearse(commit, event_name, only, forced, *, before, aws_endpoint, variables)` runs
    ci.yml for `event_name` on `commit` in the origin; `only` restricts it to those jobs,
    `forced` sets variables over every step's own; a push comes after `before`; `aws_endpoint`
    is the moto server the AWS credentials action points at; `variables` are the repository's
    `vars`."""
    bare, _ = origin

    def run(
        commit: str,
        event_name: str,
        only: set[str] | None = None,
        forced: dict[str, str] | None = None,
        *,
        before: str = "0" * 40,
        aws_endpoint: str | None = None,
        variables: dict[str, str] | None = None,
    ) -> Rehearsal:
        work = Path(tempfile.mkdtemp(dir=scratch))
        work.chmod(0o755)
        runner.own(work)
        (work / "artifacts").mkdir()
        site = Site(
            origin=bare,
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
                {"pull_request": {"number": 1}}
                if event_name == "pull_request"
                else {"before": before}
            ),
        }
        extra = {name: os.environ[name] for name in MACHINE_ENV if name in os.environ}
        # Where the audit's vulnerability database cannot be reached, only GitHub shows it.
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

    return run
