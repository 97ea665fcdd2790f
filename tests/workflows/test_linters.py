"""actionlint and zizmor (offline) find nothing in the workflows, and do flag a broken one."""

import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

WORKFLOWS = sorted(str(path) for path in Path(".github/workflows").glob("*.yml"))
ZIZMOR_CONFIG = ".github/zizmor.yml"


def tool(name: str) -> str:
    """The binary a locked wheel installed beside this interpreter, else the one on PATH."""
    beside = Path(sysconfig.get_path("scripts")) / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} not found: install the python-default resolve (pip install {name})")
    return found


def actionlint(*files: str, cwd: str = ".") -> subprocess.CompletedProcess[str]:
    """Run actionlint without its optional shellcheck and pyflakes passes, which vary by machine."""
    command = [tool("actionlint"), "-no-color", "-oneline", "-shellcheck=", "-pyflakes=", *files]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def zizmor(directory: str, cwd: str = ".") -> subprocess.CompletedProcess[str]:
    """Run zizmor's offline audits with the repository's documented ignores."""
    command = [tool("zizmor"), "--offline", "--no-progress", "--color=never"]
    command += ["--config", ZIZMOR_CONFIG, directory]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of .github/ whose ci.yml has `old` replaced by `new`."""
    shutil.copytree(".github", tmp_path / ".github")
    ci = tmp_path / ".github" / "workflows" / "ci.yml"
    text = ci.read_text()
    assert old in text
    ci.write_text(text.replace(old, new, 1))
    return tmp_path


def test_there_are_workflows_to_lint() -> None:
    assert [Path(path).name for path in WORKFLOWS] == ["cd.yml", "ci.yml"]


def test_actionlint_finds_nothing() -> None:
    result = actionlint(*WORKFLOWS)

    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_zizmor_finds_nothing() -> None:
    result = zizmor(".github/workflows")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_actionlint_reports_a_job_that_needs_a_missing_job(tmp_path: Path) -> None:
    root = broken_copy(tmp_path, "needs: [checks, test]", "needs: [checks, tests]")

    result = actionlint(".github/workflows/ci.yml", cwd=str(root))

    assert result.returncode == 1
    assert '"tests"' in result.stdout


def test_zizmor_reports_a_checkout_that_keeps_the_token(tmp_path: Path) -> None:
    root = broken_copy(tmp_path, "persist-credentials: false\n", "fetch-tags: false\n")

    result = zizmor(".github/workflows", cwd=str(root))

    assert result.returncode != 0
    assert "artipacked" in result.stdout
