"""The proof: in a copy of this repo, a scaffolded service is green and changes only itself.

Slow (nested Pants): it copies the repo, commits it, runs the documented scaffold command,
commits the result, and runs tailor, lint, check and test on the new service.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

SERVICE, RESOURCE = "stock_levels", "warehouse_entry"
NEW_TESTS = ("test_health.py", "test_migrations.py", "test_warehouse_entries.py")
# One field of every type, so that each type's code passes lint, type checks and its tests.
FIELDS = (
    "--field", "label:string:80", "--field", "note:text:optional", "--field", "count:integer",
    "--field", "weight:decimal:3", "--field", "checked:boolean", "--field", "due:date:optional",
)  # fmt: skip
REPO_ENV = "SCAFFOLD_REPO_ROOT"
# Set for the nested Pants run: if this test were ever selected there, it would recurse.
NESTED_ENV = "SCAFFOLD_NESTED"
# What the nested ./pants needs from this environment; everything else (PEX_* and the like,
# which belong to this test's own interpreter) stays out.
PASSED_ON = (
    "PATH", "HOME", "LANG", "LC_ALL", "TEST_DATABASE_URL", "CI", "XDG_CACHE_HOME",
    "PYENV_ROOT", "SSL_CERT_FILE", "PANTS_LAUNCHER_CACHE", "PANTS_LAUNCHER_OFFLINE",
)  # fmt: skip
PANTS_TIMEOUT = 900
TEST_LINE = re.compile(r"^[✓✕] (\S+?\.py)\S* (succeeded|failed)", re.MULTILINE)


def source_repo() -> Path:
    """The repo under test: Pants passes its build root in (see pants.toml [test])."""
    root = os.environ.get(REPO_ENV)
    assert root, f"{REPO_ENV} is unset; run this through ./pants test (pants.toml sets it)"
    return Path(root)


def git(cwd: Path, *arguments: str) -> str:
    """Run git in `cwd` with a fixed identity and return its output."""
    identity = ["-c", "user.name=scaffold test", "-c", "user.email=scaffold@example.invalid"]
    command = [shutil.which("git") or "git", *identity, *arguments]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


def copy_repo(source: Path, target: Path) -> None:
    """Copy the files git would commit (tracked, plus untracked ones not ignored)."""
    listing = git(source, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in sorted(set(filter(None, listing.split("\0")))):
        origin = source / name
        if not os.path.lexists(origin):  # deleted in the work tree, not yet committed
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, destination, follow_symlinks=False)


def nested_env() -> dict[str, str]:
    """The environment of a nested Pants run: what it needs of this one, and no daemon."""
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    return {**env, NESTED_ENV: "1", "PANTS_PANTSD": "false"}


def pants(repo: Path, *arguments: str) -> str:
    """Run ./pants without a daemon in `repo`; fail with its output if it fails."""
    result = subprocess.run(
        ["./pants", *arguments],
        cwd=repo,
        env=nested_env(),
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=PANTS_TIMEOUT,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"./pants {' '.join(arguments)} failed:\n{output[-6000:]}"
    return output


def test_a_scaffolded_service_passes_lint_check_and_tests_and_changes_only_itself():
    assert NESTED_ENV not in os.environ, "the proof test must not run inside its own copy"
    # Not tmp_path: the copy grows a .pants.d, and pytest would keep it around.
    with tempfile.TemporaryDirectory(prefix="scaffold-proof-") as scratch:
        check_scaffold_in_copy(Path(scratch) / "repo")


def check_scaffold_in_copy(repo: Path) -> None:
    """Scaffold into a committed copy of the repo; lint, check and test what changed."""
    copy_repo(source_repo(), repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "baseline")

    command = ("new-service", SERVICE, "--resource", RESOURCE, *FIELDS)
    created = pants(repo, "run", "tools/scaffold:scaffold", "--", *command)
    assert f"services/{SERVICE}" in created
    # The Terraform in a commit of its own, so the changed-since run below is the service's
    # alone: the infra suites check generated Terraform themselves (test_generated_infra.py,
    # infra/tests/test_checkov.py and the moto apply), and rerunning them here would double CI.
    git(repo, "add", "infra")
    git(repo, "commit", "-q", "-m", "scaffold: infra")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "scaffold: service")
    status = git(repo, "diff", "--name-status", "HEAD~2", "HEAD").splitlines()
    added = {line.split("\t", 1)[1] for line in status if line.startswith("A\t")}
    assert len(added) == len(status), f"the scaffolder changed existing files: {status}"
    tests = [f"services/{SERVICE}/tests/{name}" for name in NEW_TESTS]
    assert set(tests) <= added
    assert {f"infra/envs/{env}/service_{SERVICE}.tf" for env in ("staging", "production")} <= added

    output = pants(
        repo,
        "--changed-since=HEAD~1",
        "--changed-dependents=transitive",
        "tailor",
        "--check",
        "update-build-files",
        "--check",
        "lint",
        "check",
        "test",
    )
    for tool in ("black", "ruff", "bandit", "mypy"):
        assert f"✓ {tool} succeeded" in output, output[-6000:]
    ran = dict(TEST_LINE.findall(output))
    assert {test: ran.get(test) for test in tests} == dict.fromkeys(tests, "succeeded"), output
    # Only what the scaffolder added is affected: none of services/api's tests reran.
    assert not [test for test in ran if test.startswith("services/api/")], sorted(ran)
    assert set(ran) <= added, sorted(set(ran) - added)

    # CD builds and deploys an image of each service .ci/changed-services names: the new one
    # alone, since no file the API's image holds changed.
    changed = subprocess.run(
        [str(repo / ".ci" / "changed-services"), "HEAD~2"],
        cwd=repo,
        env=nested_env(),
        capture_output=True,
        text=True,
        timeout=PANTS_TIMEOUT,
        check=False,
    )
    assert changed.returncode == 0, changed.stderr[-6000:]
    assert changed.stdout.split() == [SERVICE], changed.stdout

    # The image target finds the service's own pexes through its Dockerfile's COPY lines.
    image_dependencies = pants(repo, "dependencies", f"services/{SERVICE}:image").split()
    assert {f"services/{SERVICE}:image-deps", f"services/{SERVICE}:image-code"} <= set(
        image_dependencies
    ), image_dependencies
