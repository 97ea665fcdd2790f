"""Flow rules: what a pull request runs, what main runs, and how a commit reaches production."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.workflows.workflow import (
    AWS_CREDENTIALS,
    CD_WORKFLOW,
    WORKFLOWS,
    Mapping,
    action,
    jobs,
    load,
    steps,
    triggers,
)

ON_PULL_REQUEST = "github.event_name == 'pull_request'"
NOT_PULL_REQUEST = "github.event_name != 'pull_request'"
ON_MAIN_PUSH = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
CHANGED_ONLY = ("--changed-since=origin/main", "--changed-dependents=transitive")
ENVIRONMENTS = ("staging", "production")
# The non-root tests, and the tests tagged root, which run through sudo.
TEST_SCRIPTS = (".ci/test", ".ci/test-root")


def _command(step: Mapping) -> list[str]:
    """The words of a step's `run:` command ([] for a step that uses an action)."""
    return shlex.split(str(step.get("run", "")))


def _needs(job: Mapping) -> set[str]:
    """The jobs this job waits for."""
    needs = job.get("needs") or []
    return {needs} if isinstance(needs, str) else set(needs)


def pull_request_problems(ci: Mapping) -> list[str]:
    """Pull requests test what changed since main and what depends on it; main tests it all."""
    problems = []
    if "pull_request" not in triggers(ci):
        problems.append("ci.yml does not run on pull requests")
    for script in TEST_SCRIPTS:
        runs = [
            (str(step.get("if", "")), _command(step))
            for job in jobs(ci).values()
            for step in steps(job)
            if _command(step)[:1] == [script]
        ]
        on_pr = [words for condition, words in runs if condition == ON_PULL_REQUEST]
        on_main = [words for condition, words in runs if condition == NOT_PULL_REQUEST]
        if not on_pr or not all(set(CHANGED_ONLY) <= set(words) for words in on_pr):
            problems.append(
                f"pull requests do not run {script} on only what changed since origin/main"
            )
        if not on_main or any(words != [script] for words in on_main):
            problems.append(f"pushes to main do not run every test of {script}")
        if len(runs) != len(on_pr) + len(on_main):
            problems.append(f"a {script} step runs whatever the event")
    return problems


def order_problems(ci: Mapping) -> list[str]:
    """Runs on main share one concurrency group and are never cancelled, so they finish in order."""
    concurrency = ci.get("concurrency") or {}
    group = str(concurrency.get("group", ""))
    cancel = str(concurrency.get("cancel-in-progress", ""))
    if "run_id" in group or "github.ref" not in group:
        return [
            "ci.yml: each run on main has a concurrency group of its own, "
            "so they may finish out of order"
        ]
    if cancel not in ("false", "${{ github.event_name == 'pull_request' }}"):
        return ["ci.yml: a new run on main may cancel one that is deploying"]
    return []


def testing_problems(ci: Mapping) -> list[str]:
    """The test job's PostgreSQL service, Terraform before the tests, and the uploaded reports."""
    problems = []
    for name, job in jobs(ci).items():
        job_steps = steps(job)
        tests = [i for i, step in enumerate(job_steps) if _command(step)[:1] == [".ci/test"]]
        if not tests:
            continue
        image = str(((job.get("services") or {}).get("postgres") or {}).get("image", ""))
        if not image.startswith("postgres:15"):
            problems.append(f"job {name} has no postgres:15 service container")
        for index in tests:
            url = str((job_steps[index].get("env") or {}).get("TEST_DATABASE_URL", ""))
            if "job.services.postgres.ports" not in url:
                problems.append(f"job {name}: a test step does not use the service container")
        terraform = [
            i
            for i, step in enumerate(job_steps)
            if action(step) == "hashicorp/setup-terraform"
            and re.fullmatch(
                r"\d+\.\d+\.\d+", str((step.get("with") or {}).get("terraform_version"))
            )
        ]
        if not terraform or terraform[0] > tests[0]:
            problems.append(f"job {name} tests before a pinned Terraform is set up")
        versions = [
            str((step.get("with") or {}).get("python-version", "")).split()
            for step in job_steps[: tests[0]]
            if action(step) == "actions/setup-python"
        ]
        if not versions or versions[-1][-1:] != ["3.11"] or "3.9" not in versions[-1]:
            problems.append(
                f"job {name} tests without Python 3.9 (Pants) beside 3.11 (the default)"
            )
        problems += _test_cache_problems(name, job, job_steps[: tests[0]])
        if not any(
            action(step) == "actions/upload-artifact"
            and "always()" in str(step.get("if", ""))
            and "dist/test/reports" in str((step.get("with") or {}).get("path", ""))
            for step in job_steps[tests[-1] :]
        ):
            problems.append(f"job {name} does not upload the test reports, pass or fail")
    return problems


def _test_cache_problems(name: str, job: Mapping, before_tests: list[Mapping]) -> list[str]:
    """Pants' local store is restored before the tests, and nothing in it misses from run to run."""
    problems = []
    if not any(
        action(step) == "pantsbuild/actions/init-pants"
        and str((step.get("with") or {}).get("cache-lmdb-store")) == "true"
        for step in before_tests
    ):
        problems.append(f"job {name} does not keep Pants' local store between runs")
    ports = ((job.get("services") or {}).get("postgres") or {}).get("ports") or []
    if not any(re.fullmatch(r"\d+:5432", str(port)) for port in ports):
        problems.append(
            f"job {name}: the PostgreSQL port changes from run to run, so no test result is reused"
        )
    return problems


def deploy_problems(ci: Mapping, cd: Mapping) -> list[str]:
    """Main deploys after every check passed: staging, then production, one deploy at a time."""
    problems = []
    if set(triggers(cd)) != {"workflow_call"}:
        problems.append("cd.yml runs on more than a call from ci.yml")
    callers = {name: job for name, job in jobs(ci).items() if job.get("uses") == CD_WORKFLOW}
    if not callers:
        problems.append("ci.yml never calls cd.yml")
    for name, job in callers.items():
        if _needs(job) != set(jobs(ci)) - set(callers):
            problems.append(f"ci.yml: job {name} deploys without waiting for every check")
        if job.get("if") != ON_MAIN_PUSH:
            problems.append(f"ci.yml: job {name} deploys on more than a push to main")
    builders = {
        name
        for name, job in jobs(cd).items()
        if any(_command(step)[:2] == [".ci/build-images", "$GITHUB_SHA"] for step in steps(job))
    }
    deployers: dict[str, str] = {}
    for name, job in jobs(cd).items():
        if any(action(step) == AWS_CREDENTIALS for step in steps(job)):
            deployers[str(job.get("environment"))] = name
            problems += _deploy_job_problems(name, job)
    if sorted(deployers) != sorted(ENVIRONMENTS):
        problems.append(f"cd.yml deploys to {sorted(deployers)}, not to staging and production")
        return problems
    staging, production = (jobs(cd)[deployers[environment]] for environment in ENVIRONMENTS)
    if not builders or not builders <= _needs(staging):
        problems.append("cd.yml: staging does not deploy the image built for the commit")
    if deployers["staging"] not in _needs(production):
        problems.append("cd.yml: production does not wait for staging")
    return problems


def _deploy_job_problems(name: str, job: Mapping) -> list[str]:
    """A deploy job runs alone per environment and deploys the commit's image with .ci/deploy."""
    environment = str(job.get("environment"))
    problems = []
    concurrency = job.get("concurrency")
    if (
        not isinstance(concurrency, dict)
        or environment not in str(concurrency.get("group", ""))
        or concurrency.get("cancel-in-progress") is not False
    ):
        problems.append(f"cd.yml: deploys of {environment} may overlap or cancel each other")
    if not any(
        _command(step)[:3] == [".ci/deploy", environment, "$GITHUB_SHA"] for step in steps(job)
    ):
        problems.append(f"cd.yml: job {name} does not deploy the commit to {environment}")
    if not any(
        action(step) == "actions/checkout" and (step.get("with") or {}).get("fetch-depth") == 0
        for step in steps(job)
    ):
        problems.append(f"cd.yml: job {name} has no history of main to check the order against")
    return problems


def all_flow_problems(root: Path) -> list[str]:
    """Every flow rule over the repository's ci.yml and cd.yml."""
    ci = load(root / WORKFLOWS / "ci.yml")
    cd = load(root / WORKFLOWS / "cd.yml")
    return (
        pull_request_problems(ci)
        + order_problems(ci)
        + testing_problems(ci)
        + deploy_problems(ci, cd)
    )
