"""ci.yml's test job rehearsed on a pull request, as a runner runs it; and the failures the
rehearsal found in it, each brought back in a commit of its own, fail it again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workflows.rehearsal import Rehearse, failures, ran
from tests.workflows.rehearsals.commits import change


def test_the_test_job_on_a_pull_request(rehearse: Rehearse, origin: tuple[Path, str]) -> None:
    _, commit = origin

    rehearsal = rehearse(commit, "pull_request", {"test"})

    problems = failures(rehearsal.results)
    assert not problems, "\n".join(problems)
    assert ("test", "Test what the pull request changes, and what depends on it") in ran(
        rehearsal.results
    )


BROKEN_TEST_JOBS = [
    pytest.param(
        {
            ".github/workflows/ci.yml": (
                "python-version: |\n            3.9\n            3.11",
                'python-version: "3.11"',
            )
        },
        "python3.9 is not on PATH",
        id="no-python-3.9-for-the-nested-pants",
    ),
    pytest.param(
        {".ci/test": ("flags+=(--tag=-root)", "flags+=()")},
        "not running as root",
        id="image-tests-as-the-runner-user",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), BROKEN_TEST_JOBS)
def test_a_broken_test_job_fails_its_rehearsal(
    rehearse: Rehearse,
    origin: tuple[Path, str],
    scratch: Path,
    edits: dict[str, tuple[str, str]],
    expected: str,
) -> None:
    bare, commit = origin
    broken = change(bare, commit, edits, scratch)

    rehearsal = rehearse(broken, "pull_request", {"test"})

    problems = failures(rehearsal.results)
    assert any(expected in problem for problem in problems), problems
