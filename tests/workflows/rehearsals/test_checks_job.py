"""ci.yml's checks job rehearsed on a pull request: clean on the commit under test, and failing
at ruff when a commit adds an unused import."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workflows.rehearsal import Rehearse, failures, ran
from tests.workflows.rehearsals.commits import change


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param({}, None, id="main"),
        pytest.param(
            {
                "tests/workflows/test_runner_environment.py": (
                    "import os\n",
                    "import os\nimport sys\n",
                )
            },
            "ruff failed",
            id="an-unused-import",
        ),
    ],
)
def test_the_checks_job_lints_and_type_checks_and_fails_on_a_lint_error(
    rehearse: Rehearse,
    origin: tuple[Path, str],
    scratch: Path,
    edits: dict[str, tuple[str, str]],
    expected: str | None,
) -> None:
    bare, commit = origin
    checked = change(bare, commit, edits, scratch) if edits else commit

    rehearsal = rehearse(checked, "pull_request", {"checks"})

    problems = failures(rehearsal.results)
    if expected is None:
        assert not problems, "\n".join(problems)
        steps = [step for job, step in ran(rehearsal.results) if job == "checks"]
        assert "BUILD files, lint, type check" in steps
        assert any(step.startswith("Security audit") for step in steps), steps
    else:
        assert [p for p in problems if "BUILD files, lint, type check" in p], problems
        assert any(expected in problem for problem in problems), problems
