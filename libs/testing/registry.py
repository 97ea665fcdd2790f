"""The distribution registry (Debian's docker-registry) on a free port, standing in for ECR."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from libs.testing.processes import free_port, stop_process

INSTALL_HINT = "docker-registry is not installed (apt-get install docker-registry)"


@contextmanager
def oci_registry(root: Path) -> Iterator[str]:
    """A registry storing its blobs under `root`, speaking plain HTTP; yields host:port."""
    binary = shutil.which("docker-registry") or shutil.which("registry")
    if binary is None:
        raise RuntimeError(INSTALL_HINT)
    port = free_port()
    config = root / "config.yml"
    config.write_text(
        f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {root / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\nlog:\n  level: error\n"
    )
    process = subprocess.Popen([binary, "serve", str(config)], stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/v2/", process)
        yield f"127.0.0.1:{port}"
    finally:
        stop_process(process, timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"the registry exited with {process.returncode} before answering")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"the registry did not answer {url} within 10 s")


def tags(registry: str, repository: str) -> list[str]:
    """The tags `repository` holds in the registry (none when it does not exist)."""
    answer = requests.get(f"http://{registry}/v2/{repository}/tags/list", timeout=5)
    if answer.status_code == 404:
        return []
    answer.raise_for_status()
    return list(answer.json().get("tags") or [])
