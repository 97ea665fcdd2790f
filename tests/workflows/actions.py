"""Local equivalents of the actions the workflows use, each doing what the action does on GitHub.

checkout: a clone of the rehearsal's origin at the commit; setup-python: the versions the step
names, from this machine's interpreters; init-pants: a `pants` on PATH; setup-terraform: the
local binary, if its version matches, installing providers as this machine can; artifacts: a
folder; AWS credentials: the moto server's, for boto3 and for Terraform's S3 state backend.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.tests.harness import write_cli_config


class StepFailed(RuntimeError):
    """A step's failure, with what it printed."""


@dataclass
class JobState:
    """What a job's steps share: its workspace, PATH additions, env additions, outputs."""

    workspace: Path
    tools: Path  # a directory of this job's own, where the actions put what they install
    path: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    """What the equivalents draw on: the origin repo, artifacts, interpreters, moto, pants."""

    origin: Path
    commit: str
    artifacts: Path
    toolcache: Path
    own: Callable[..., None]
    aws_endpoint: str | None
    narrow_pants: list[str] | None  # targets replacing the whole repo in heavy pants goals


def git(*arguments: str, cwd: Path | None = None) -> str:
    command = [shutil.which("git") or "git", "-c", "advice.detachedHead=false", *arguments]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


def checkout(site: Site, job: JobState, inputs: Mapping[str, Any]) -> None:
    """actions/checkout: the commit in the workspace; fetch-depth 0 brings every branch."""
    depth = int(inputs.get("fetch-depth", 1))
    shutil.rmtree(job.workspace, ignore_errors=True)
    arguments = ["clone", "--quiet", "--no-checkout"]
    if depth:
        arguments += ["--depth", str(depth), "--no-single-branch"]
    git(*arguments, f"file://{site.origin}", str(job.workspace))
    git("checkout", "--quiet", "--detach", site.commit, cwd=job.workspace)
    site.own(job.workspace)


def _interpreter(version: str, site: Site) -> Path:
    """A CPython `version` the runner account can execute, copied into the toolcache if needed."""
    name = f"python{version}"
    found = shutil.which(name, path="/usr/local/bin:/usr/bin")
    if found:
        return Path(found).parent
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = sorted(
        pyenv.glob(f"{version}.*"), key=lambda p: [int(x) for x in p.name.split(".")]
    )
    if not candidates:
        raise StepFailed(f"setup-python: Python {version} is not installed on this machine")
    source = candidates[-1]
    target = site.toolcache / source.name
    if not target.exists():
        # A copy of this job's own, renamed into place: rehearsals running side by side may
        # copy the same version at once, and the first to finish provides it.
        partial = Path(tempfile.mkdtemp(prefix=f"{source.name}.", dir=site.toolcache))
        try:
            shutil.copytree(source, partial / "copy", symlinks=True)
            _relocate(partial / "copy" / "bin", f"{source}/lib")
            site.own(partial)
            (partial / "copy").rename(target)
        except OSError:
            if not target.is_dir():
                raise
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return target / "bin"


def _relocate(bin_dir: Path, library_dir: str) -> None:
    """Point the binaries' library search path (an absolute RUNPATH) at the copy's own lib/.

    The new path is shorter, so it is written over the old one and padded with NUL bytes.
    """
    old = library_dir.encode() + b"\0"
    new = b"$ORIGIN/../lib".ljust(len(old), b"\0")
    for path in bin_dir.iterdir():
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if data.startswith(b"\x7fELF") and old in data:
                path.write_bytes(data.replace(old, new))


def setup_python(site: Site, job: JobState, inputs: Mapping[str, Any]) -> None:
    """actions/setup-python: every listed version on PATH, the last one first (the default)."""
    versions = str(inputs.get("python-version", "")).split()
    if not versions:
        raise StepFailed("setup-python: no python-version given")
    for version in versions:
        job.path.insert(0, str(_interpreter(version, site)))
    shim = job.tools / "python-default"
    shim.mkdir(parents=True, exist_ok=True)
    for alias in ("python", "python3"):
        target = shim / alias
        target.unlink(missing_ok=True)
        target.symlink_to(Path(job.path[0]) / f"python{versions[-1]}")
    job.path.insert(0, str(shim))


# The official launcher installed by init-pants bootstraps Pants with an interpreter of its own;
# the repo's ./pants stands in for it, told where that interpreter is. The heavy goals (test,
# lint, check) of the whole repo or of a changed-since selection run on the rehearsal's sample
# targets instead (see README, CI/CD); every other command runs as written.
PANTS_SHIM = """#!/usr/bin/env bash
set -euo pipefail
heavy=false
for argument in "$@"; do
  case $argument in test|lint|check) heavy=true ;; esac
done
narrowed=()
for argument in "$@"; do
  case $argument in
    ::|--changed-since=*|--changed-dependents=*) $heavy || narrowed+=("$argument") ;;
    *) narrowed+=("$argument") ;;
  esac
done
if [ ${#narrowed[@]} -ne $# ] && [ -n "${REHEARSAL_TARGETS:-}" ]; then
  read -r -a targets <<<"$REHEARSAL_TARGETS"
  narrowed+=("${targets[@]}")
fi
PANTS_PYTHON=%(python)s exec "$GITHUB_WORKSPACE/pants" "${narrowed[@]}"
"""


def init_pants(site: Site, job: JobState, inputs: Mapping[str, Any]) -> None:
    """pantsbuild/actions/init-pants: a `pants` command on PATH."""
    bin_dir = job.tools / "pants-bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    # The interpreter the official launcher would bring with it.
    python = _interpreter("3.9", site) / "python3.9"
    (bin_dir / "pants").write_text(PANTS_SHIM % {"python": python})
    (bin_dir / "pants").chmod(0o755)
    job.path.insert(0, str(bin_dir))
    if site.narrow_pants:
        job.env["REHEARSAL_TARGETS"] = " ".join(site.narrow_pants)


def setup_terraform(site: Site, job: JobState, inputs: Mapping[str, Any]) -> None:
    """hashicorp/setup-terraform: the local terraform, when it is the release the step names."""
    wanted = str(inputs.get("terraform_version", ""))
    binary = shutil.which("terraform")
    if binary is None:
        raise StepFailed("setup-terraform: terraform is not installed")
    local = re.search(
        r"v(\d+\.\d+)\.", subprocess.run([binary, "version"], capture_output=True, text=True).stdout
    )
    if not local or not wanted.startswith(local.group(1) + "."):
        raise StepFailed(
            f"setup-terraform: wants {wanted}, this machine has {local and local.group(1)}"
        )
    bin_dir = job.tools / "terraform-bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    (bin_dir / "terraform").unlink(missing_ok=True)
    (bin_dir / "terraform").symlink_to(binary)
    job.path.insert(0, str(bin_dir))
    # `terraform init` installs the AWS provider as this machine can: from its provider mirror
    # where there is one (no registry answers here), else from the registry as on GitHub.
    job.env["TF_CLI_CONFIG_FILE"] = str(write_cli_config(job.tools))
    site.own(job.tools)


def upload_artifact(site: Site, job: JobState, inputs: Mapping[str, Any]) -> None:
    """actions/upload-artifact: the paths copied into the artifact's folder."""
    target = site.artifacts / str(inputs["name"])
    if target.exists():
        raise StepFailed(f"upload-artifact: an artifact named {inputs['name']} exists already")
    found = [
        job.workspace / line
        for line in str(inputs["path"]).split()
        if (job.workspace / line).exists()
    ]
    if not found:
        if inputs.get("if-no-files-found", "warn") == "error":
            raise StepFailed(f"upload-artifact: no files at {inputs['path']}")
        return
    target.mkdir(parents=True)
    for path in found:  # a directory's files go to the artifact's root, as GitHub stores them
        if path.is_dir():
            shutil.copytree(path, target, dirs_exist_ok=True)
        else:
            shutil.copy2(path, target / path.name)


def download_artifact(site: Site, job: JobState, inputs: Mapping[str, Any]) -> None:
    """actions/download-artifact: the artifact's files into `path`."""
    source = site.artifacts / str(inputs["name"])
    if not source.is_dir():
        raise StepFailed(f"download-artifact: no artifact named {inputs['name']}")
    target = job.workspace / str(inputs.get("path", "."))
    shutil.copytree(source, target, dirs_exist_ok=True)
    site.own(target)


def configure_aws_credentials(site: Site, job: JobState, inputs: Mapping[str, Any]) -> None:
    """aws-actions/configure-aws-credentials: the moto server's credentials for the role."""
    if not inputs.get("role-to-assume") or not inputs.get("aws-region"):
        raise StepFailed("configure-aws-credentials: role-to-assume and aws-region are required")
    if site.aws_endpoint is None:
        raise StepFailed("configure-aws-credentials: this rehearsal has no moto server")
    region = str(inputs["aws-region"])
    job.env.update(
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",  # nosec B105  # moto's fake credentials
        AWS_REGION=region,
        AWS_DEFAULT_REGION=region,
        AWS_ENDPOINT_URL=site.aws_endpoint,
    )
    # Terraform's S3 state backend is told moto's address, and that moto serves buckets by
    # path (bucket.127.0.0.1 is no host name), at every init.
    backend = job.tools / "moto-backend.tfbackend"
    backend.write_text(
        f'endpoints = {{\n  s3  = "{site.aws_endpoint}"\n  sts = "{site.aws_endpoint}"\n}}\n'
        "use_path_style = true\n"
    )
    site.own(backend)
    job.env["TF_CLI_ARGS_init"] = f"-backend-config={backend}"


EQUIVALENTS: dict[str, Callable[[Site, JobState, Mapping[str, Any]], None]] = {
    "actions/checkout": checkout,
    "actions/setup-python": setup_python,
    "pantsbuild/actions/init-pants": init_pants,
    "hashicorp/setup-terraform": setup_terraform,
    "actions/upload-artifact": upload_artifact,
    "actions/download-artifact": download_artifact,
    "aws-actions/configure-aws-credentials": configure_aws_credentials,
}
