"""Security rules for the workflows; each check returns the problems it finds, empty when none."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from tests.workflows.workflow import (
    AWS_CREDENTIALS,
    CHECKOUT,
    WORKFLOWS,
    action,
    assumes_aws_role,
    jobs,
    load,
    steps,
)

_PINNED = re.compile(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}")
_VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+)*\s*$")
_USES_LINE = re.compile(r"\s*(?:-\s+)?uses:\s*(\S+)(.*)$")
_FROM_VARIABLE = re.compile(r"\$\{\{\s*vars\.\w+\s*\}\}")
_LONG_LIVED_KEYS = {"aws-access-key-id", "aws-secret-access-key", "aws-session-token"}


def unpinned_actions(path: Path) -> list[str]:
    """Actions not pinned to a full commit SHA with a `# vX.Y.Z` comment naming the version."""
    problems = []
    seen = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = _USES_LINE.match(line)
        if not match:
            continue
        ref, rest = match.groups()
        seen.add(ref)
        if ref.startswith("./"):
            continue
        if not _PINNED.fullmatch(ref):
            problems.append(f"{path.name}:{number}: {ref} is not pinned to a commit SHA")
        elif not _VERSION_COMMENT.search(rest):
            problems.append(f"{path.name}:{number}: {ref} has no version comment")
    workflow = load(path)
    used = {str(job["uses"]) for job in jobs(workflow).values() if "uses" in job}
    used |= {str(s["uses"]) for job in jobs(workflow).values() for s in steps(job) if "uses" in s}
    problems += [f"{path.name}: cannot check how {ref} is written" for ref in used - seen]
    return problems


def permission_problems(path: Path, root: Path) -> list[str]:
    """Permissions missing, or granting writes beyond an OIDC token for a deploy job."""
    workflow = load(path)
    problems = []
    top = workflow.get("permissions")
    if not isinstance(top, dict) or not set(top.values()) <= {"read", "none"}:
        problems.append(f"{path.name}: top-level permissions are not empty or read-only: {top!r}")
    for name, job in jobs(workflow).items():
        granted = job.get("permissions")
        if not isinstance(granted, dict):
            problems.append(f"{path.name}: job {name} does not list its permissions: {granted!r}")
            continue
        for scope, level in granted.items():
            if level == "write" and not (scope == "id-token" and assumes_aws_role(job, root)):
                problems.append(f"{path.name}: job {name} may write {scope}")
    return problems


def oidc_problems(path: Path) -> list[str]:
    """AWS access that is not an OIDC role from a variable, in a job with an environment."""
    problems = []
    for name, job in jobs(load(path)).items():
        for step in steps(job):
            if action(step) != AWS_CREDENTIALS:
                continue
            inputs = step.get("with") or {}
            if not _FROM_VARIABLE.fullmatch(str(inputs.get("role-to-assume", ""))):
                problems.append(f"{path.name}: job {name} takes its AWS role from no variable")
            if _LONG_LIVED_KEYS & set(inputs):
                problems.append(f"{path.name}: job {name} passes long-lived AWS keys")
            if (job.get("permissions") or {}).get("id-token") != "write":
                problems.append(f"{path.name}: job {name} cannot request an OIDC token")
            if not job.get("environment"):
                problems.append(f"{path.name}: job {name} deploys outside a GitHub environment")
    return problems


def checkout_problems(path: Path) -> list[str]:
    """Checkouts that leave the job's token in .git/config for later steps to read."""
    return [
        f"{path.name}: job {name} checks out with persisted credentials"
        for name, job in jobs(load(path)).items()
        for step in steps(job)
        if action(step) == CHECKOUT
        and (step.get("with") or {}).get("persist-credentials") is not False
    ]


def script_problems(path: Path, root: Path) -> list[str]:
    """`run:` steps that do more than call one executable script kept in .ci/."""
    problems = []
    for name, job in jobs(load(path)).items():
        for step in steps(job):
            if "run" not in step:
                continue
            lines = str(step["run"]).strip().splitlines()
            command = shlex.split(lines[0])[0] if lines else ""
            script = root / command
            runnable = script.is_file() and os.access(script, os.X_OK)
            if len(lines) != 1 or not command.startswith(".ci/") or not runnable:
                problems.append(f"{path.name}: job {name} runs {step['run']!r}, not a .ci/ script")
    return problems


def all_security_problems(root: Path) -> list[str]:
    """Every security rule over every workflow file in the repository."""
    problems = []
    for path in sorted((root / WORKFLOWS).glob("*.yml")):
        problems += unpinned_actions(path) + permission_problems(path, root)
        problems += oidc_problems(path) + checkout_problems(path) + script_problems(path, root)
    return problems
