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

LEAVES_A_DAEMON = """\
on: push
jobs:
  leaves:
    runs-on: ubuntu-latest
    outputs:
      pid: ${{ steps.daemon.outputs.pid }}
    steps:
      - id: daemon
        run: |
          setsid sleep 600 >/dev/null 2>&1 </dev/null &
          echo "pid=$!" >> "$GITHUB_OUTPUT"
"""


def gone(pid: int) -> bool:
    try:
        status: str = psutil.Process(pid).status()
        return bool(status == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """A process of the same user that no job started."""
    process = subprocess.Popen(SLEEP, start_new_session=True)
    yield process
    process.kill()
    process.wait()


def test_a_job_stops_the_processes_its_steps_left_running(
    tmp_path: Path, bystander: subprocess.Popen[bytes]
) -> None:
    workflow = tmp_path / "leaves.yml"
    workflow.write_text(textwrap.dedent(LEAVES_A_DAEMON))
    home = tmp_path / "home"
    home.mkdir()
    runner = Account(os.geteuid(), os.getegid(), home, shim_sudo=False)
    site = Site(tmp_path, "0" * 40, tmp_path, tmp_path, runner.own, None, None)
    event = {"event_name": "push", "ref": "refs/heads/main", "sha": "0" * 40, "run_id": "1"}
    rehearsal = Rehearsal(site, runner, home, tmp_path / "scratch", {**event, "repository": "a/b"})

    done = rehearsal.run(workflow)

    assert done["leaves"]["result"] == "success", rehearsal.results
    pid = int(done["leaves"]["outputs"]["pid"])
    assert gone(pid)
    assert not gone(bystander.pid)


def test_stopping_orphans_spares_other_jobs_processes() -> None:
    env = {**os.environ, TRACKING_VARIABLE: "rehearsal-other-job"}
    other = subprocess.Popen(SLEEP, env=env, start_new_session=True)
    mine = subprocess.Popen(SLEEP, env={**env, TRACKING_VARIABLE: "rehearsal-this-job"})
    try:
        assert stop_orphans("rehearsal-this-job") == 1
        assert gone(mine.pid)
        assert other.poll() is None
    finally:
        for process in (other, mine):
            process.kill()
            process.wait()


def test_a_job_without_leftovers_stops_nothing() -> None:
    assert stop_orphans("rehearsal-no-such-job") == 0
