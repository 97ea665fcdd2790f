"""Read GitHub Actions workflow files into plain mappings, with the accessors the checks share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOWS = Path(".github/workflows")
AWS_CREDENTIALS = "aws-actions/configure-aws-credentials"
CHECKOUT = "actions/checkout"
CD_WORKFLOW = "./.github/workflows/cd.yml"

# Keys are strings, except `on`, which PyYAML reads as the boolean true.
Mapping = dict[Any, Any]


def load(path: Path) -> Mapping:
    """Parse one workflow file."""
    document = yaml.safe_load(path.read_text())
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a workflow mapping")
    return document


def triggers(workflow: Mapping) -> Mapping:
    """The events under `on:`; PyYAML reads the bare key `on` as the boolean true."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {event: None for event in on}
    return dict(on or {})


def jobs(workflow: Mapping) -> dict[str, Mapping]:
    """The workflow's jobs by id."""
    return dict(workflow.get("jobs") or {})


def steps(job: Mapping) -> list[Mapping]:
    """A job's steps (none for a job that calls a reusable workflow)."""
    return list(job.get("steps") or [])


def action(step: Mapping) -> str:
    """The action a step uses, without its ref ('' for a `run:` step)."""
    return str(step.get("uses", "")).split("@")[0]


def assumes_aws_role(job: Mapping, root: Path) -> bool:
    """Whether the job takes AWS credentials itself or through the local workflow it calls."""
    if any(action(step) == AWS_CREDENTIALS for step in steps(job)):
        return True
    called = str(job.get("uses", ""))
    if called.startswith("./"):
        return any(assumes_aws_role(inner, root) for inner in jobs(load(root / called)).values())
    return False
