"""The API under real gunicorn, as production runs it, on a free 127.0.0.1 port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from libs.testing.processes import free_port
from libs.web.gunicorn_config import GRACEFUL_TIMEOUT_SECONDS

START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 30.0
# The image's command: its gunicorn settings (workers, threads, timeouts, hooks), unchanged.
GUNICORN_CONFIG = "python:libs.web.gunicorn_config"


@dataclass
class Service:
    """A running gunicorn master serving services.api.wsgi:app."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path
    graceful_timeout: float = GRACEFUL_TIMEOUT_SECONDS

    @property
    def port(self) -> int:
        """The port gunicorn listens on."""
        return int(self.base.rsplit(":", 1)[1])

    def url(self, path: str) -> str:
        """The absolute URL of `path`."""
        return self.base + path

    def terminate(self) -> None:
        """Ask the master to shut down gracefully (what ECS and Kubernetes send)."""
        self.process.send_signal(signal.SIGTERM)

    def log_text(self) -> str:
        """Everything gunicorn and the app wrote so far."""
        return self.log.read_text(errors="replace")


def wait_until(condition: Callable[[], bool], what: str, seconds: float) -> None:
    """Poll `condition` until it holds, at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@contextmanager
def gunicorn(directory: Path, environment: dict[str, str]) -> Iterator[Service]:
    """Start gunicorn as the image does, with `environment` (the API's settings) in `directory`.

    It listens on a free 127.0.0.1 port and is stopped on leaving.
    """
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # The child imports the same code and third-party packages as this test process.
        "PYTHONPATH": os.pathsep.join(os.path.abspath(path) for path in sys.path if path),
        "HOME": str(directory),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PROMETHEUS_MULTIPROC_DIR": str(directory / "metrics"),
        **environment,
    }
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG]
    command += ["services.api.wsgi:app"]
    log = directory / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=directory, env=env, stdout=output, stderr=output)
    service = Service(base, process, log)
    try:
        wait_until(
            lambda: process.poll() is not None or _answers(base),
            "gunicorn to answer /health",
            START_TIMEOUT_SECONDS,
        )
        assert process.poll() is None, f"gunicorn exited:\n{service.log_text()}"
        yield service
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn if it still runs: its quick shutdown, then SIGKILL after the timeout.

    Quick (SIGQUIT) rather than graceful (SIGTERM), which lingers on idle keep-alive connections
    for seconds: what SIGTERM does is test_graceful_shutdown's subject, which sends it itself.
    """
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
