"""A rehearsed job, like a GitHub job, stops what its steps left running when it ends.

A runner VM ends with its job; in the rehearsal the jobs share one machine, so a daemon a step
starts (pantsd, 400 to 550 MB each) would outlive its job and slow the jobs after it.
"""

import os
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.workflows.actions import Site
from tests.workflows.rehearsal import TRACKING_VARIABLE, Rehearsal, stop_orphans
from tests.workflows.runner_user import Account

SLEEP = [shutil.which("sleep") or "/bin/sleep", "600"]

# Two daemons, each found one way: the first keeps the job's tracking id but works outside the
# job's directory; the second drops the id, as pantsd's new process title overwrites the
# environment the kernel shows, but works in the job's workspace.
LEAVES_DAEMONS = """\
on: push
jobs:
  leaves:
    runs-on: ubuntu-latest
    outputs:
      tracked: ${{ steps.tracked.outputs.pid }}
      untracked: ${{ steps.untracked.outputs.pid }}
    steps:
      - id: tracked
        run: |
          cd /
          setsid sleep 600 >/dev/null 2>&1 </dev/null &
          echo "pid=$!" >> "$GITHUB_OUTPUT"
      - id: untracked
        run: |
          setsid env -u RUNNER_TRACKING_ID sleep 600 >/dev/null 2>&1 </dev/null &
          echo "pid=$!" >> "$GITHUB_OUTPUT"
"""


def gone(pid: int) -> bool:
    try:
        status: str = psutil.Process(pid).status()
        return bool(status == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


@pytest.fixture
def bystander(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process of the same user that no job started, working beside the jobs' directories."""
    process = subprocess.Popen(SLEEP, start_new_session=True, cwd=tmp_path)
    yield process
    process.kill()
    process.wait()


def test_a_job_stops_the_processes_its_steps_left_running(
    tmp_path: Path, bystander: subprocess.Popen[bytes]
) -> None:
    workflow = tmp_path / "leaves.yml"
    workflow.write_text(textwrap.dedent(LEAVES_DAEMONS))
    home = tmp_path / "home"
    home.mkdir()
    runner = Account(os.geteuid(), os.getegid(), home, shim_sudo=False)
    site = Site(tmp_path, "0" * 40, tmp_path, tmp_path, runner.own, None, None)
    event = {"event_name": "push", "ref": "refs/heads/main", "sha": "0" * 40, "run_id": "1"}
    scratch = tmp_path / "scratch"
    rehearsal = Rehearsal(site, runner, home, scratch, {**event, "repository": "a/b"})

    done = rehearsal.run(workflow)

    assert done["leaves"]["result"] == "success", rehearsal.results
    outputs = done["leaves"]["outputs"]
    assert gone(int(outputs["tracked"]))
    assert gone(int(outputs["untracked"]))
    assert not gone(bystander.pid)


def test_stopping_orphans_spares_other_jobs_processes(tmp_path: Path) -> None:
    mine, other = tmp_path / "this-job", tmp_path / "other-job"
    mine.mkdir()
    other.mkdir()
    env = {**os.environ, TRACKING_VARIABLE: "rehearsal-other-job"}
    elsewhere = subprocess.Popen(SLEEP, env=env, start_new_session=True, cwd=other)
    tracked = subprocess.Popen(SLEEP, env={**env, TRACKING_VARIABLE: "rehearsal-this-job"})
    inside = subprocess.Popen(SLEEP, env=env, start_new_session=True, cwd=mine)
    try:
        assert stop_orphans("rehearsal-this-job", mine) == 2
        assert gone(tracked.pid) and gone(inside.pid)
        assert elsewhere.poll() is None
    finally:
        for process in (elsewhere, tracked, inside):
            process.kill()
            process.wait()


def test_a_job_without_leftovers_stops_nothing(tmp_path: Path) -> None:
    assert stop_orphans("rehearsal-no-such-job", tmp_path) == 0
