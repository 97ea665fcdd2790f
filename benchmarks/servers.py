"""Servers on 127.0.0.1 (gunicorn, and the peer's uvicorn): start, wait until up, measure CPU
and memory, stop."""

from __future__ import annotations

import os
import runpy
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

from libs.testing.processes import free_port

# The servers' names, in results and logs.
SERVICE, PEER, BASELINE, SCAFFOLDED = "service", "peer", "baseline", "scaffolded"
SERVICE_APP = "services.api.wsgi:app"
BASELINE_APP = "benchmarks.baseline:create_app()"
PEER_APP = "benchmarks.peers.fastapi.main:app"
PEER_TARGET = "benchmarks/peers/fastapi:peer"
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4
_START_TIMEOUT_S = 60
_STOP_TIMEOUT_S = 15
_IDLE_CPU_FRACTION = 0.1
_RESOURCE_TRACKER = "multiprocessing.resource_tracker"


class ServerError(RuntimeError):
    """A server did not start or answer."""


@dataclass(frozen=True)
class Concurrency:
    """Gunicorn worker processes and threads per worker."""

    workers: int
    threads: int

    def __str__(self) -> str:
        return f"{self.workers}x{self.threads}"


def config_concurrency(config_file: Path | None, env: Mapping[str, str]) -> Concurrency:
    """Workers and threads as the gunicorn config file sets them under `env`.

    Without a config file: DEFAULT_WORKERS x DEFAULT_THREADS. Gunicorn's own default for
    a setting the file leaves out is 1.
    """
    if config_file is None:
        return Concurrency(workers=DEFAULT_WORKERS, threads=DEFAULT_THREADS)
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        values = runpy.run_path(str(config_file))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return Concurrency(workers=int(values.get("workers", 1)), threads=int(values.get("threads", 1)))


def gunicorn_command(
    target: str, port: int, concurrency: Concurrency, config_file: Path | None
) -> list[str]:
    """The gunicorn command line: the production config file if any, then the overrides."""
    if config_file is not None:
        settings = [f"--config={config_file}"]
    else:
        # What a production config would say; without it gunicorn runs one sync worker.
        settings = ["--worker-class=gthread", "--log-level=warning"]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        *settings,
        f"--bind=127.0.0.1:{port}",
        f"--workers={concurrency.workers}",
        f"--threads={concurrency.threads}",
        target,
    ]


@dataclass
class Server:
    """A running server's master process and the URL it serves."""

    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    concurrency: Concurrency

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and every worker, exited workers included."""
        master = psutil.Process(self.process.pid)
        times = master.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in master.children(recursive=True):
            try:
                child_times = child.cpu_times()
            except psutil.NoSuchProcess:
                continue  # exited since listed: its time is now in children_user/system
            total += child_times.user + child_times.system
        return float(total)

    def wait_until_idle(self, timeout_s: float = 300, interval_s: float = 0.5) -> float:
        """Wait until the server has drained the requests a run left queued; return the wait.

        Idle means using under a tenth of one CPU over `interval_s`, so every run starts from
        the same quiet state, whatever the previous run left behind.
        """
        started = time.monotonic()
        before = self.cpu_seconds()
        while time.monotonic() - started < timeout_s:
            time.sleep(interval_s)
            now = self.cpu_seconds()
            if now - before < interval_s * _IDLE_CPU_FRACTION:
                return time.monotonic() - started
            before = now
        raise ServerError(f"{self.name} stayed busy for {timeout_s:.0f}s after a run")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process, in MiB.

        The workers are the master's children, but for multiprocessing's resource tracker
        (uvicorn's); a master without any (uvicorn with one worker) serves requests itself.
        """
        master = psutil.Process(self.process.pid)
        sizes = []
        for child in master.children():
            try:
                if _RESOURCE_TRACKER not in " ".join(child.cmdline()):
                    sizes.append(child.memory_info().rss / 2**20)
            except psutil.NoSuchProcess:
                continue
        return sorted(sizes) or [master.memory_info().rss / 2**20]

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's output, for error messages."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def uvicorn_command(pex: Path, target: str, port: int, workers: int) -> list[str]:
    """The peer's command line: uvicorn from its PEX, with its own defaults otherwise."""
    return [
        sys.executable,
        str(pex),
        target,
        "--host=127.0.0.1",
        f"--port={port}",
        f"--workers={workers}",
    ]


@contextmanager
def gunicorn(
    name: str,
    target: str,
    concurrency: Concurrency,
    config_file: Path | None,
    env: Mapping[str, str],
    work_dir: Path,
    import_roots: Sequence[Path] = (),
) -> Iterator[Server]:
    """Run `target` under gunicorn on a free loopback port until the block exits; `target` is
    imported from `import_roots` first, then from where this process imports."""
    port = free_port()
    with _served(
        name,
        gunicorn_command(target, port, concurrency, config_file),
        port,
        concurrency,
        {**os.environ, **env, "PYTHONPATH": _python_path(import_roots)},
        work_dir,
    ) as server:
        yield server


@contextmanager
def uvicorn(
    name: str, pex: Path, workers: int, env: Mapping[str, str], work_dir: Path
) -> Iterator[Server]:
    """Run the peer (its PEX runs uvicorn) with `workers` processes until the block exits."""
    pex = pex.resolve()  # the server runs in `work_dir`
    if not pex.is_file():
        raise ServerError(
            f"the peer is not built at {pex}: run `./pants package {PEER_TARGET}` first"
        )
    port = free_port()
    # The PEX brings its own dependencies: nothing of this process's path may leak into it.
    inherited = {
        k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("PEX_")
    }
    with _served(
        name,
        uvicorn_command(pex, PEER_APP, port, workers),
        port,
        Concurrency(workers=workers, threads=1),
        {**inherited, **env},
        work_dir,
    ) as server:
        yield server


@contextmanager
def _served(
    name: str,
    command: list[str],
    port: int,
    concurrency: Concurrency,
    env: Mapping[str, str],
    work_dir: Path,
) -> Iterator[Server]:
    log_path = work_dir / f"{name}-{concurrency}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=work_dir,  # no stray ./gunicorn.conf.py is picked up
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log_path, concurrency)
    try:
        _wait_until_up(server)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server's master and its workers: quick shutdown, else kill its process group."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        # The master is not reaped yet, so its group id still names only what it started.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=_STOP_TIMEOUT_S)


def _python_path(import_roots: Sequence[Path] = ()) -> str:
    # The child imports what this process imports, whether run from a PEX or a Pants sandbox.
    entries = [*map(str, import_roots), *(entry for entry in sys.path if entry)]
    return os.pathsep.join(str(Path(entry).resolve()) for entry in entries)


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(f"{server.name} exited at start-up:\n{server.log_tail()}")
        try:
            if requests.get(server.base_url + "/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or workers still booting
            pass
        time.sleep(0.2)
    raise ServerError(f"{server.name} did not answer /health in {_START_TIMEOUT_S}s")
