"""The workflows keep their security and flow rules, and breaking any one of them is caught."""

import shutil
from pathlib import Path

import pytest

from tests.workflows.flow import all_flow_problems
from tests.workflows.security import all_security_problems

CHECKOUT_PIN = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
CHECKS_PERMISSIONS = "    permissions:\n      contents: read # check out the code\n    env:\n"
PR_TEST = "run: .ci/test --changed-since=origin/main --changed-dependents=transitive"


def problems(root: Path) -> list[str]:
    """Every rule's problems for the workflows under `root`."""
    return all_security_problems(root) + all_flow_problems(root)


def test_the_workflows_break_no_rule() -> None:
    assert problems(Path(".")) == []


@pytest.mark.parametrize(
    ("workflow", "old", "new", "expected"),
    [
        pytest.param(
            "ci.yml", CHECKOUT_PIN, "actions/checkout@v7", "not pinned", id="action-on-a-tag"
        ),
        pytest.param("ci.yml", " # v10", "", "no version comment", id="pin-without-version"),
        pytest.param(
            "cd.yml",
            "persist-credentials: false",
            "persist-credentials: true",
            "persisted credentials",
            id="checkout-keeps-token",
        ),
        pytest.param(
            "ci.yml", "permissions: {}", "permissions: write-all", "top-level", id="write-all"
        ),
        pytest.param(
            "ci.yml",
            CHECKS_PERMISSIONS,
            "    env:\n",
            "does not list",
            id="job-without-permissions",
        ),
        pytest.param(
            "ci.yml",
            CHECKS_PERMISSIONS,
            CHECKS_PERMISSIONS.replace("    env:", "      id-token: write\n    env:"),
            "may write id-token",
            id="oidc-outside-deploy",
        ),
        pytest.param(
            "cd.yml",
            "role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}",
            "aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}",
            "long-lived AWS keys",
            id="long-lived-keys",
        ),
        pytest.param(
            "cd.yml", "    environment: staging\n", "", "outside a GitHub environment", id="no-env"
        ),
        pytest.param("ci.yml", PR_TEST, "run: .ci/test", "only what changed", id="pr-tests-all"),
        pytest.param(
            "ci.yml",
            "run: .ci/test-root\n",
            "run: .ci/test-root --changed-since=HEAD~1\n",
            "every test of .ci/test-root",
            id="main-root-partial",
        ),
        pytest.param(
            "ci.yml",
            "|| github.ref }}",
            "|| format('run-{0}', github.run_id) }}",
            "out of order",
            id="main-runs-in-own-groups",
        ),
        pytest.param(
            "ci.yml",
            "cancel-in-progress: ${{ github.event_name == 'pull_request' }}",
            "cancel-in-progress: true",
            "may cancel",
            id="main-run-cancelled",
        ),
        pytest.param(
            "ci.yml",
            "python-version: |\n            3.9\n            3.11",
            'python-version: "3.11"',
            "without Python 3.9",
            id="no-python-3.9",
        ),
        pytest.param(
            "cd.yml",
            "          # The order check compares the commit with main's history.\n"
            "          fetch-depth: 0\n",
            "",
            "no history of main",
            id="deploy-without-history",
        ),
        pytest.param(
            "cd.yml",
            '.ci/build-images "$GITHUB_SHA"',
            ".ci/build-images latest",
            "image built for the commit",
            id="image-of-a-moving-tag",
        ),
        pytest.param(
            "ci.yml",
            "run: .ci/test\n",
            "run: .ci/test --changed-since=HEAD~1\n",
            "every test",
            id="main-partial",
        ),
        pytest.param(
            "ci.yml",
            "run: .ci/check",
            "run: ./pants lint check",
            "not a .ci/ script",
            id="yaml-logic",
        ),
        pytest.param(
            "ci.yml", "image: postgres:15", "image: postgres:14", "postgres:15", id="no-postgres"
        ),
        pytest.param(
            "ci.yml",
            'terraform_version: "1.11.4"',
            "terraform_version: latest",
            "Terraform",
            id="tf",
        ),
        pytest.param(
            "ci.yml", "        if: always()\n", "", "upload the test reports", id="reports-on-pass"
        ),
        pytest.param(
            "ci.yml",
            'is not run again.\n          cache-lmdb-store: "true"',
            'is not run again.\n          cache-lmdb-store: "false"',
            "local store",
            id="test-store-not-kept",
        ),
        pytest.param(
            "ci.yml", "- 5432:5432", "- 5432/tcp", "changes from run to run", id="random-db-port"
        ),
        pytest.param(
            "ci.yml",
            "needs: [checks, test]",
            "needs: [checks]",
            "every check",
            id="deploy-before-tests",
        ),
        pytest.param(
            "ci.yml",
            "if: github.event_name == 'push' && github.ref == 'refs/heads/main'",
            "if: github.event_name == 'push'",
            "more than a push to main",
            id="deploy-any-branch",
        ),
        pytest.param(
            "cd.yml",
            "  workflow_call:\n",
            "  workflow_call:\n  workflow_dispatch:\n",
            "more than a call",
            id="cd-bypasses-ci",
        ),
        pytest.param(
            "cd.yml",
            "cancel-in-progress: false",
            "cancel-in-progress: true",
            "overlap or cancel",
            id="deploys-cancel",
        ),
        pytest.param(
            "cd.yml",
            "    needs: staging\n",
            "    needs: image\n",
            "wait for staging",
            id="skip-staging",
        ),
        pytest.param(
            "cd.yml",
            '.ci/deploy production "$GITHUB_SHA"',
            ".ci/deploy production latest",
            "does not deploy the commit",
            id="deploy-moving-tag",
        ),
    ],
)
def test_breaking_a_rule_is_reported(
    tmp_path: Path, workflow: str, old: str, new: str, expected: str
) -> None:
    shutil.copytree(".github", tmp_path / ".github")
    shutil.copytree(".ci", tmp_path / ".ci")
    path = tmp_path / ".github" / "workflows" / workflow
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))

    found = problems(tmp_path)

    assert any(expected in problem for problem in found), found
