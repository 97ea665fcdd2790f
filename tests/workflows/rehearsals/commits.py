"""Commits the rehearsals make on top of the one under test, pushed to their bare origin."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.workflows.actions import git


def commit_on_top(
    origin: Path, commit: str, scratch: Path, message: str, make: Callable[[Path], None]
) -> str:
    """A commit on top of `commit`, pushed to `origin` on a branch of its own: what `make` does
    to a clone at `commit`."""
    work = Path(tempfile.mkdtemp(dir=scratch))
    git("clone", "--quiet", str(origin), str(work))
    git("checkout", "--quiet", "--detach", commit, cwd=work)
    make(work)
    git("add", "--all", cwd=work)
    identity = ["-c", "user.name=rehearsal", "-c", "user.email=rehearsal@example.invalid"]
    git(*identity, "commit", "--quiet", "-m", message, cwd=work)
    made = git("rev-parse", "HEAD", cwd=work).strip()
    git("push", "--quiet", "origin", f"HEAD:refs/heads/rehearsal-{made[:12]}", cwd=work)
    return made


def change(origin: Path, commit: str, edits: dict[str, tuple[str, str]], scratch: Path) -> str:
    """A commit on top of `commit` in `origin` with each file's `old` text replaced by `new`."""

    def edit(work: Path) -> None:
        for name, (old, new) in edits.items():
            text = (work / name).read_text()
            assert old in text, f"{old!r} is not in {name}"
            (work / name).write_text(text.replace(old, new, 1))

    return commit_on_top(origin, commit, scratch, "rehearsal: a broken workflow", edit)
