"""Run infra/scripts against a moto server, as an operator would with real AWS credentials."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from infra.tests.harness import Terraform

SCRIPT_TIMEOUT = 300


def run_script(
    terraform: Terraform,
    infra: Path,
    moto: str,
    *args: str,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run one of infra/scripts (the copy beside the applied state) against moto."""
    bash = shutil.which("bash")
    assert bash, "the deploy scripts need bash"
    extra = {"AWS_ENDPOINT_URL": moto, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    return subprocess.run(
        [bash, str(infra / "scripts" / args[0]), *args[1:]],
        env=terraform.env({**extra, **(env or {})}),
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
