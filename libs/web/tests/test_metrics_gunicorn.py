"""/metrics under real gunicorn with two workers: every scrape sums what all workers counted."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from libs.testing.postgres import postgres_database
from libs.testing.processes import free_port, stop_process
from libs.web.tests import webapp

COUNTED = "/probe/database"
# The hooks, wired the way a service's gunicorn configuration wires them.
GUNICORN_CONF = """\
from libs.web.metrics import mark_worker_dead, reset_multiprocess_dir


def on_starting(server):
    reset_multiprocess_dir()


def child_exit(server, worker):
    mark_worker_dead(worker)
"""


def wait_until(condition, what, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def answers(base):
    try:
        return requests.get(f"{base}{webapp.NOTES}", timeout=2).status_code == 200
    except requests.RequestException:  # not listening yet, or booting too slowly to answer
        return False


def samples(base, name):
    """Every sample of the metric family `name`, scraped from the server."""
    response = requests.get(f"{base}/metrics", timeout=5)
    assert response.status_code == 200, response.text
    for family in text_string_to_metric_families(response.text):
        if family.name == name:
            return family.samples
    return []


def counted(base):
    return sum(
        sample.value
        for sample in samples(base, "http_requests")
        if sample.name == "http_requests_total"
        and sample.labels == {"method": "GET", "route": COUNTED, "status": "200"}
    )


@pytest.fixture(scope="module")
def database_url():
    with postgres_database() as database:
        yield database.url


@pytest.fixture
def server(database_url, tmp_path):
    """gunicorn with 2 sync workers in multiprocess mode, on a real database.

    Yields its URL, process and metrics directory.
    """
    multiproc_dir = tmp_path / "prometheus"
    multiproc_dir.mkdir()
    # Left by an earlier server in the same directory: the new one must not add it up.
    (multiproc_dir / "counter_99999.db").write_bytes(b"stale")
    conf = tmp_path / "gunicorn_conf.py"
    conf.write_text(GUNICORN_CONF)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(os.path.abspath(path) for path in sys.path),
        "DATABASE_URL": database_url,
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir),
    }
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", str(conf), "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}", f"{webapp.__name__}:from_environment()"]
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(base) or process.poll() is not None, "gunicorn to answer")
        assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
        yield base, process, multiproc_dir
    finally:
        stop_process(process, timeout=30)
        log.close()


def test_counts_add_up_across_workers_and_survive_a_dead_worker(server):
    base, process, multiproc_dir = server
    port = int(base.rsplit(":", 1)[1])
    # Hold one worker on an unfinished request, so the next requests all go to the other one.
    held = socket.create_connection(("127.0.0.1", port), timeout=30)
    request_head = f"GET {COUNTED} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
    held.sendall(request_head.encode())
    for _ in range(5):
        response = requests.get(f"{base}{COUNTED}", timeout=30)
        assert response.status_code == 200, response.text
    held.sendall(b"\r\n")
    reply = held.makefile("rb").read()
    held.close()
    assert reply.startswith(b"HTTP/1.1 200")

    # One worker counted 1 and the other 5: only the sum over both makes 6, whichever scrapes.
    assert counted(base) == 6
    assert counted(base) == 6

    # Summed over the live workers; every request has given its connection back.
    (in_use,) = samples(base, "db_pool_connections_in_use")
    assert in_use.value == 0
    (build,) = samples(base, f"{webapp.SERVICE}_build_info")
    assert build.value == 1

    # A worker that exits leaves its counts behind, but its live gauges go with it.
    gauge_files = sorted(multiproc_dir.glob("gauge_livesum_*.db"))
    assert len(gauge_files) == 2
    gauge_file = gauge_files[0]
    worker_pid = int(gauge_file.stem.rsplit("_", 1)[1])
    assert worker_pid != process.pid
    os.kill(worker_pid, signal.SIGTERM)
    wait_until(lambda: not gauge_file.exists(), "child_exit to drop the dead worker's gauges")
    wait_until(lambda: answers(base), "gunicorn to answer again")
    assert counted(base) == 6
