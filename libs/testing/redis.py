"""A throwaway Redis server for tests, on a free loopback port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from libs.testing.processes import free_port, stop_process

INSTALL_HINT = (
    "The tests need the redis-server binary on PATH to start a throwaway Redis "
    "(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)."
)
START_TIMEOUT_SECONDS = 10.0


class RedisUnavailable(RuntimeError):
    """Raised when no Redis server can be started."""


@contextmanager
def redis_server() -> Iterator[str]:
    """Start a private, non-persistent Redis on 127.0.0.1; yield its URL; stop it afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable(INSTALL_HINT)
    port = free_port()
    directory = tempfile.mkdtemp(prefix="redis-test-")
    options = ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        [binary, *options, "--dir", directory],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_process(process, timeout=5)
        shutil.rmtree(directory, ignore_errors=True)


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RedisUnavailable(f"redis-server exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RedisUnavailable(f"redis-server did not listen on port {port} within the timeout")
