"""Run a workflow's jobs as GitHub would: in dependency order, each on a fresh workspace, steps in
order as the runner's non-root user, with each `uses:` action replaced by its local equivalent.

A `run:` step gets GitHub's shell (`bash --noprofile --norc -eo pipefail`), its default
variables, the workflow's, job's and step's `env:` and what earlier steps wrote to GITHUB_ENV,
GITHUB_PATH and GITHUB_OUTPUT. A job that calls a local reusable workflow runs that workflow's
jobs. `if:`, `needs`, job outputs and `timeout-minutes` work as on GitHub. As GitHub's runner
does, a job ends by stopping the processes its steps left running (daemons such as pantsd).
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import psutil

from tests.workflows.actions import EQUIVALENTS, JobState, Site, StepFailed, git
from tests.workflows.expressions import Evaluator
from tests.workflows.runner_user import SECURE_PATH, Account
from tests.workflows.workflow import action, jobs, load, steps

SHELL = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
# GitHub's runner gives every process of a job this variable, and at the job's end stops those
# that still carry its value ("Cleaning up orphan processes").
TRACKING_VARIABLE = "RUNNER_TRACKING_ID"
STOP_WAIT_S = 10


@dataclass
class StepResult:
    job: str
    name: str
    outcome: str  # success, failure or skipped
    output: str = ""


@dataclass
class Rehearsal:
    """One run of a workflow for one event, on the site's origin at its commit."""

    site: Site
    runner: Account
    home: Path
    scratch: Path
    event: Mapping[str, Any]  # the github context
    variables: Mapping[str, str] = field(default_factory=dict)
    services: Mapping[str, Any] = field(default_factory=dict)  # job.services stand-ins
    extra_env: Mapping[str, str] = field(default_factory=dict)
    only: set[str] | None = None  # run just these jobs ("deploy/image": a called workflow's)
    forced_env: Mapping[str, str] = field(default_factory=dict)  # over every step's own env
    results: list[StepResult] = field(default_factory=list)

    def run(self, workflow: Path, prefix: str = "") -> dict[str, dict[str, Any]]:
        """Run every job of `workflow`; return each job's result and outputs (the needs context)."""
        document = load(workflow)
        done: dict[str, dict[str, Any]] = {}
        pending = dict(jobs(document))
        while pending:
            ready = [name for name, job in pending.items() if _needs(job) <= set(done)]
            if not ready:
                raise ValueError(f"{workflow.name}: jobs {sorted(pending)} wait for each other")
            for name in ready:
                job = pending.pop(name)
                if self.only is not None and not any(
                    wanted == f"{prefix}{name}" or wanted.startswith(f"{prefix}{name}/")
                    for wanted in self.only
                ):
                    done[name] = {"result": "success", "outputs": {}}  # as if it passed
                    continue
                done[name] = self.job(
                    document, f"{prefix}{name}", job, {n: done[n] for n in _needs(job)}
                )
        return done

    def job(
        self, document: Mapping[str, Any], name: str, job: Mapping[str, Any], needs: dict[str, Any]
    ) -> dict[str, Any]:
        failed = any(result["result"] != "success" for result in needs.values())
        contexts = {"github": self.event, "vars": self.variables, "needs": needs, "env": {}}
        evaluator = Evaluator(contexts, self.scratch, lambda: "failure" if failed else "success")
        if not evaluator.condition(job.get("if")):
            self.results.append(StepResult(name, "(job)", "skipped"))
            return {"result": "skipped", "outputs": {}}
        called = str(job.get("uses", ""))
        if called.startswith("./"):
            inner = self.run(self.called_workflow(called), prefix=f"{name}/")
            result = (
                "success" if all(j["result"] != "failure" for j in inner.values()) else "failure"
            )
            return {"result": result, "outputs": {}}
        return JobRun(self, name, document, job, needs).run()

    def called_workflow(self, reference: str) -> Path:
        """A local reusable workflow as it is at the commit."""
        text = git(f"--git-dir={self.site.origin}", "show", f"{self.site.commit}:{reference[2:]}")
        path = self.scratch / Path(reference).name
        path.write_text(text)
        return path


class Rehearse(Protocol):
    """The rehearsal files' `rehearse` fixture: ci.yml run for an event on a commit."""

    def __call__(
        self,
        commit: str,
        event_name: str,
        only: set[str] | None = None,
        forced: dict[str, str] | None = None,
        *,
        before: str = ...,
        aws_endpoint: str | None = None,
        variables: dict[str, str] | None = None,
    ) -> Rehearsal: ...


def _needs(job: Mapping[str, Any]) -> set[str]:
    needs = job.get("needs") or []
    return {needs} if isinstance(needs, str) else set(needs)


class JobRun:
    """One job on a fresh workspace."""

    def __init__(
        self,
        rehearsal: Rehearsal,
        name: str,
        document: Mapping[str, Any],
        job: Mapping[str, Any],
        needs: dict[str, Any],
    ) -> None:
        self.rehearsal = rehearsal
        self.name = name
        self.job = job
        root = Path(rehearsal.scratch) / name.replace("/", "-")
        shutil.rmtree(root, ignore_errors=True)
        (root / "tools").mkdir(parents=True)
        (root / "temp").mkdir()
        (root / "workspace").mkdir()  # empty until a checkout, as on GitHub
        rehearsal.runner.own(root)
        self.root = root
        self.state = JobState(workspace=root / "workspace", tools=root / "tools")
        self.failed = False
        self.step_contexts: dict[str, Any] = {}
        self.contexts: dict[str, Any] = {
            "github": {**rehearsal.event, "workspace": str(self.state.workspace)},
            "vars": rehearsal.variables,
            "needs": needs,
            "job": {"services": rehearsal.services, "status": "success"},
            "runner": {"os": "Linux", "temp": str(root / "temp")},
            "steps": self.step_contexts,
            "env": {},
        }
        self.evaluator = Evaluator(self.contexts, self.state.workspace, self.status)
        self.workflow_env = dict(document.get("env") or {})
        self.timeout = 60 * float(job.get("timeout-minutes", 360))
        self.tracking_id = f"rehearsal_{uuid.uuid4().hex}"

    def status(self) -> str:
        return "failure" if self.failed else "success"

    def run(self) -> dict[str, Any]:
        self.contexts["env"] = self.evaluator.substitute(
            {**self.workflow_env, **(self.job.get("env") or {})}
        )
        try:
            for index, step in enumerate(steps(dict(self.job))):
                self.step(index, step)
        finally:
            stop_orphans(self.tracking_id, self.root)
        outputs = self.evaluator.substitute(dict(self.job.get("outputs") or {}))
        return {"result": self.status(), "outputs": outputs}

    def step(self, index: int, step: Mapping[str, Any]) -> None:
        label = str(step.get("name") or step.get("uses") or step.get("run", "")).splitlines()[0]
        job_env = self.contexts["env"]
        env = self.evaluator.substitute(dict(step.get("env") or {}))
        self.contexts["env"] = {**job_env, **env}
        try:
            if not self.evaluator.condition(step.get("if")):
                self.record(label, "skipped")
                return
            outputs: dict[str, str] = {}
            if "uses" in step:
                EQUIVALENTS[action(dict(step))](
                    self.rehearsal.site,
                    self.state,
                    self.evaluator.substitute(dict(step.get("with") or {})),
                )
                output = ""
            else:
                output, outputs = self.shell(
                    index, str(self.evaluator.substitute(step["run"])), env
                )
        except (StepFailed, subprocess.SubprocessError, OSError, KeyError) as error:
            self.failed = True
            self.record(label, "failure", str(error))
        else:
            self.record(label, "success", output)
            if step.get("id"):
                self.step_contexts[str(step["id"])] = {"outputs": outputs, "outcome": "success"}
        finally:
            self.contexts["env"] = job_env

    def record(self, label: str, outcome: str, output: str = "") -> None:
        self.rehearsal.results.append(StepResult(self.name, label, outcome, output))

    def shell(
        self, index: int, script: str, step_env: Mapping[str, str]
    ) -> tuple[str, dict[str, str]]:
        """Run a `run:` script as the runner; return its output and the outputs it set."""
        files = {kind: self.root / "temp" / f"{kind}-{index}" for kind in ("env", "path", "output")}
        for path in files.values():
            path.write_text("")
        (self.root / "temp" / f"step-{index}.sh").write_text(script)
        self.rehearsal.runner.own(*files.values(), self.root / "temp" / f"step-{index}.sh")
        env = self.environment(step_env, files)
        completed = subprocess.run(
            [*SHELL, str(self.root / "temp" / f"step-{index}.sh")],
            cwd=self.state.workspace,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=self.timeout,
            **self.rehearsal.runner.popen_args(),
        )
        self.state.env.update(_pairs(files["env"].read_text()))
        self.state.path[:0] = reversed(files["path"].read_text().split())
        if completed.returncode != 0:
            raise StepFailed(f"exit {completed.returncode}:\n{_ends(completed.stdout)}")
        return completed.stdout, _pairs(files["output"].read_text())

    def environment(self, step_env: Mapping[str, str], files: Mapping[str, Path]) -> dict[str, str]:
        """GitHub's default variables, then the env: mappings and what GITHUB_ENV added."""
        event = self.rehearsal.event
        sudo_bin = self.rehearsal.extra_env.get("REHEARSAL_SUDO_BIN")
        path = [*self.state.path, *([sudo_bin] if sudo_bin else []), SECURE_PATH]
        defaults = {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "HOME": str(self.rehearsal.home),
            "LANG": "C.UTF-8",
            "GITHUB_WORKSPACE": str(self.state.workspace),
            "GITHUB_SHA": str(event["sha"]),
            "GITHUB_REF": str(event["ref"]),
            "GITHUB_EVENT_NAME": str(event["event_name"]),
            "GITHUB_RUN_ID": str(event["run_id"]),
            "GITHUB_REPOSITORY": str(event["repository"]),
            "GITHUB_ENV": str(files["env"]),
            "GITHUB_PATH": str(files["path"]),
            "GITHUB_OUTPUT": str(files["output"]),
            "RUNNER_TEMP": str(self.root / "temp"),
            "RUNNER_OS": "Linux",
            TRACKING_VARIABLE: self.tracking_id,
        }
        extra = {k: v for k, v in self.rehearsal.extra_env.items() if k != "REHEARSAL_SUDO_BIN"}
        env = {
            **defaults,
            **extra,
            **self.state.env,
            **{k: str(v) for k, v in self.contexts["env"].items()},
        }
        env.update({k: str(v) for k, v in step_env.items()})
        env.update(self.rehearsal.forced_env)
        env["PATH"] = ":".join([*path, env["PATH"]] if "PATH" in step_env else path)
        return env


def stop_orphans(tracking_id: str, root: Path) -> int:
    """Stop the processes a job left running: those whose environment carries its tracking id,
    and those working inside its directory `root` (a daemon that sets its process title, as
    pantsd does, overwrites the environment the kernel shows). SIGTERM, then SIGKILL after
    STOP_WAIT_S; return how many there were."""
    root = root.resolve()
    orphans = [process for process in psutil.process_iter() if _left_by(process, tracking_id, root)]
    for process in orphans:
        try:
            process.terminate()
        except psutil.NoSuchProcess:
            continue
    _, alive = psutil.wait_procs(orphans, timeout=STOP_WAIT_S)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            continue
    return len(orphans)


def _left_by(process: psutil.Process, tracking_id: str, root: Path) -> bool:
    try:
        if process.environ().get(TRACKING_VARIABLE) == tracking_id:
            return True
        return Path(process.cwd()).is_relative_to(root)
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False  # gone, or another user's: not the job's


def _ends(output: str, size: int = 3000) -> str:
    """The start and the end of a long output: where a failure begins, and how it ends."""
    if len(output) <= 2 * size:
        return output
    return f"{output[:size]}\n[...]\n{output[-size:]}"


def _pairs(text: str) -> dict[str, str]:
    """NAME=value lines, as steps write them to GITHUB_ENV and GITHUB_OUTPUT."""
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def failures(results: list[StepResult]) -> list[str]:
    """The failed steps, each with the end of its output."""
    return [f"{r.job}: {r.name}: {r.output}" for r in results if r.outcome == "failure"]


def ran(results: list[StepResult]) -> list[tuple[str, str]]:
    """(job, step) of every step that ran."""
    return [(r.job, r.name) for r in results if r.outcome != "skipped"]
