"""/metrics under real gunicorn with two workers: every scrape sums what all workers counted."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from libs.testing.processes import free_port, stop_process
from services.api.app import create_app
from services.api.tests.factories import bearer_for, make_settings

ITEMS = "/api/v1/items"
# The hooks, wired the way services/api's gunicorn configuration wires them.
GUNICORN_CONF = """\
from services.api.metrics import mark_worker_dead, reset_multiprocess_dir


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
        return requests.get(f"{base}/health", timeout=2).status_code == 200
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


def items_listed(base):
    return sum(
        sample.value
        for sample in samples(base, "http_requests")
        if sample.name == "http_requests_total"
        and sample.labels == {"method": "GET", "route": ITEMS, "status": "200"}
    )


@pytest.fixture
def server(app, user, tmp_path):
    """gunicorn with 2 sync workers in multiprocess mode on the migrated test database.

    Yields its URL, process, metrics directory, and headers authenticating `user` to it.
    """
    # The workers must share a key, as in production; the test signs its token with the same.
    secret_key = secrets.token_urlsafe(32)
    database_url = app.extensions["settings"].database_url
    keyed = create_app(make_settings(database_url, secret_key=secret_key))
    auth_headers = bearer_for(keyed, user.id)
    multiproc_dir = tmp_path / "prometheus"
    multiproc_dir.mkdir()
    # Left by an earlier server in the same directory: the new one must not add it up.
    (multiproc_dir / "counter_99999.db").write_bytes(b"stale")
    conf = tmp_path / "gunicorn_conf.py"
    conf.write_text(GUNICORN_CONF)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(os.path.abspath(path) for path in sys.path),
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir),
        "LOG_LEVEL": "WARNING",
    }
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", str(conf), "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}", "services.api.wsgi:app"]
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(base) or process.poll() is not None, "gunicorn to answer")
        assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
        yield base, process, multiproc_dir, auth_headers
    finally:
        stop_process(process, timeout=30)
        log.close()


def test_counts_add_up_across_workers_and_survive_a_dead_worker(server):
    base, process, multiproc_dir, auth_headers = server
    port = int(base.rsplit(":", 1)[1])
    # Hold one worker on an unfinished request, so the next requests all go to the other one.
    held = socket.create_connection(("127.0.0.1", port), timeout=30)
    request_head = f"GET {ITEMS} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
    request_head += f"Authorization: {auth_headers['Authorization']}\r\n"
    held.sendall(request_head.encode())
    for _ in range(5):
        response = requests.get(f"{base}{ITEMS}", headers=auth_headers, timeout=30)
        assert response.status_code == 200, response.text
    held.sendall(b"\r\n")
    reply = held.makefile("rb").read()
    held.close()
    assert reply.startswith(b"HTTP/1.1 200")

    # One worker counted 1 and the other 5: only the sum over both makes 6, whichever scrapes.
    assert items_listed(base) == 6
    assert items_listed(base) == 6

    # Summed over the live workers; every request has given its connection back.
    (in_use,) = samples(base, "db_pool_connections_in_use")
    assert in_use.value == 0
    (build,) = samples(base, "api_build_info")
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
    assert items_listed(base) == 6
