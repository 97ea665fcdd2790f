"""Deploys go out in the order of main: a commit that is no longer main's newest, or that is
older than the one the environment runs, is refused."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tools.deploy.errors import OutOfOrder


def _git(repo: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [shutil.which("git") or "git", *arguments]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)


def newest_on_main(repo: Path) -> str:
    """main's newest commit: fetched from origin when it answers, else as checked out."""
    _git(repo, "fetch", "--quiet", "origin", "+refs/heads/main:refs/remotes/origin/main")
    found = _git(repo, "rev-parse", "--verify", "--quiet", "refs/remotes/origin/main^{commit}")
    if found.returncode != 0:
        raise OutOfOrder(
            "origin/main is unknown here: check out with the full history (fetch-depth: 0)"
        )
    return found.stdout.strip()


def check(repo: Path, commit: str, running: str | None, environment: str) -> None:
    """Refuse `commit` unless it is main's newest and not older than `running`."""
    main = newest_on_main(repo)
    if not main.startswith(commit) and not commit.startswith(main):
        raise OutOfOrder(
            f"{commit} is no longer the newest commit on main ({main} is): "
            f"the run for {main[:12]} deploys it"
        )
    if not running or running == commit:
        return
    known = _git(repo, "cat-file", "-e", f"{running}^{{commit}}").returncode == 0
    if known and _git(repo, "merge-base", "--is-ancestor", commit, running).returncode == 0:
        raise OutOfOrder(f"{commit} is older than {running}, which {environment} runs already")
