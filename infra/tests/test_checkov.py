"""Quick tier: checkov finds nothing in either environment beyond the reasoned skip list."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.tests.harness import INFRA, copy_infra
from tools.scaffold.cli import main as scaffold

CHECKOV_PEX = INFRA / "checkov" / "checkov.pex"
SKIPS = INFRA / "checkov" / "skips.txt"
POLICIES = INFRA / "checkov" / "policies"
ENVIRONMENTS = ["envs/staging", "envs/production"]
SAMPLE_CERTIFICATE = (
    "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
)
_SKIP_LINE = re.compile(r"^(?P<check>CKV\S+)\s+(?P<scope>\S+)\s+(?P<reason>.+)$")


@dataclass(frozen=True)
class Skip:
    """A checkov finding the repository accepts, with why."""

    check: str
    scope: str
    reason: str

    def covers(self, check: str, environment: str) -> bool:
        return self.check == check and self.scope in ("*", environment)


def read_skips() -> list[Skip]:
    """Parse skips.txt; a line without a real reason is an error."""
    skips = []
    for number, line in enumerate(SKIPS.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _SKIP_LINE.match(line)
        assert match, f"skips.txt:{number}: expected '<check> <scope> <reason>': {line!r}"
        assert len(match["reason"].split()) >= 8, f"skips.txt:{number}: give a real reason"
        skips.append(Skip(match["check"], match["scope"], match["reason"]))
    return skips


def run_checkov(environment: str, scratch: Path, infra: Path = INFRA) -> list[dict[str, Any]]:
    """Checks checkov ran on one environment root with its tfvars, each marked passed or not."""
    root = infra / environment
    var_files = [root / "terraform.tfvars"]
    if environment == "envs/production":
        # Production requires a certificate, which its tfvars leaves to the operator.
        certificate = scratch / "certificate.tfvars"
        certificate.write_text(f'certificate_arn = "{SAMPLE_CERTIFICATE}"\n')
        var_files.append(certificate)
    command = [
        sys.executable,
        str(CHECKOV_PEX),
        "--directory",
        str(root),
        "--framework",
        "terraform",
    ]
    for var_file in var_files:
        command += ["--var-file", str(var_file)]
    command += ["--external-checks-dir", str(POLICIES), "--skip-download", "--compact"]
    command += ["--output", "json"]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={"PEX_ROOT": str(scratch / "pex"), "PATH": "/usr/bin:/bin", "HOME": str(scratch)},
    )
    assert result.returncode in (0, 1) and result.stdout.startswith(
        ("{", "[")
    ), f"checkov did not report ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    summary = reports[0]["summary"]
    assert summary["parsing_errors"] == 0 and summary["resource_count"] > 50, summary
    return [
        dict(check, passed=outcome == "passed_checks")
        for r in reports
        for outcome in ("passed_checks", "failed_checks")
        for check in r["results"][outcome]
    ]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("checkov")


def unexpected(checks: list[dict[str, Any]], environment: str) -> list[str]:
    """Failed checks that skips.txt does not accept for the environment."""
    skips = read_skips()
    return [
        f"{check['check_id']} {check['check_name']}: {check['resource']}"
        for check in checks
        if not check["passed"]
        and not any(skip.covers(check["check_id"], environment) for skip in skips)
    ]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_checkov_finds_nothing_outside_the_skip_list(environment: str, scratch: Path) -> None:
    skips = read_skips()
    checks = run_checkov(environment, scratch)
    findings = unexpected(checks, environment)
    assert findings == [], "checkov findings:\n" + "\n".join(findings)
    found = {check["check_id"] for check in checks if not check["passed"]}
    stale = [s.check for s in skips if s.scope in ("*", environment) and s.check not in found]
    assert stale == [], f"skips.txt lists checks that no longer fail here; remove them: {stale}"


def test_a_scaffolded_service_adds_no_finding(scratch: Path) -> None:
    infra = copy_infra(scratch / "scaffolded")
    # No services/ beside this infra/, so only the service's Terraform is written.
    arguments = ["new-service", "orders", "--resource", "order", "--repo-root", str(infra.parent)]
    assert scaffold(arguments) == 0
    checks = run_checkov("envs/staging", scratch, infra)
    assert any(check["resource"].startswith("module.orders.") for check in checks)
    findings = unexpected(checks, "envs/staging")
    assert findings == [], "checkov findings:\n" + "\n".join(findings)
