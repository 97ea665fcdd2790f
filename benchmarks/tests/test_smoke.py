"""A very short real benchmark: the four servers, driven by wrk, reported, stopped."""

import json
import os
import shutil
from pathlib import Path

import psutil
import pytest

from benchmarks.report import CHART_NAME, JSON_NAME, MARKDOWN_NAME
from benchmarks.run import main

# Where runtime_package_dependencies puts the peer's PEX in the test's sandbox.
PEER_PEX = Path("benchmarks.peers.fastapi/peer.pex")


def server_children():
    return [
        child
        for child in psutil.Process().children(recursive=True)
        if any(name in " ".join(child.cmdline()) for name in ("gunicorn", "peer.pex"))
    ]


def test_a_short_run_measures_every_endpoint_and_stops_its_servers(tmp_path, capsys):
    if shutil.which("wrk") is None and not os.environ.get("CI"):
        pytest.skip("install wrk (apt-get install wrk) to run the benchmark smoke test")
    argv = [
        "--rounds=1",
        "--duration=1",
        "--warmup=0",
        "--connections=4",
        "--items=200",
        "--users=2",  # registrations are rate limited once the API has users
        "--workers=1",
        "--threads=2",
        f"--peer-pex={PEER_PEX}",
        f"--output-dir={tmp_path}",
    ]
    if os.environ.get("TEST_DATABASE_URL"):
        argv.append(f"--database-url={os.environ['TEST_DATABASE_URL']}")

    assert main(argv) == 0

    results = json.loads((tmp_path / JSON_NAME).read_text())
    measured = {endpoint["endpoint"]: endpoint for endpoint in results["endpoints"]}
    assert list(measured) == ["get_one", "list_50", "create", "health"]
    for endpoint in measured.values():
        for server in ("service", "peer", "baseline"):
            figures = endpoint[server]
            assert figures["requests_per_s"] > 0, (endpoint["endpoint"], server)
            assert figures["non_2xx"] == 0, (endpoint["endpoint"], server)
            assert figures["p99_ms"] >= figures["p50_ms"] > 0
            assert figures["cpu_ms_per_request"] > 0
        assert endpoint["ratio"] > 0
        assert endpoint["peer_ratio"] > 0
    for name in ("get_one", "list_50"):
        figures = measured[name]["scaffolded"]
        assert figures["requests_per_s"] > 0, name
        assert figures["non_2xx"] == 0, name
        assert figures["p99_ms"] >= figures["p50_ms"] > 0
        assert measured[name]["scaffolded_ratio"] > 0
    assert measured["create"]["scaffolded"] is None
    goals = {(e["endpoint"], g["name"]) for e in results["endpoints"] for g in e["goals"]}
    assert ("create", "API/bare req/s") in goals
    assert ("get_one", "API/peer p99") in goals
    assert ("list_50", "scaffolded/API req/s") in goals
    assert len(results["memory_mb"]["service"]) == 1
    assert len(results["memory_mb"]["scaffolded"]) == 1
    assert results["memory_mb"]["peer"]
    assert results["settings"]["concurrency"] == "1x2"
    assert results["settings"]["peer_workers"] == 1
    table = (tmp_path / MARKDOWN_NAME).read_text()
    assert "| get_one |" in table
    assert "API/peer" in table
    # One table: a row per endpoint and server, the scaffolded service on the two it runs.
    for name in ("get_one", "list_50", "create", "health"):
        for server in ("API", "peer", "bare"):
            assert f"| {name} | {server} |" in table, (name, server)
    assert "| list_50 | scaffolded |" in table
    assert "| create | scaffolded |" not in table
    assert table in capsys.readouterr().out
    assert (tmp_path / CHART_NAME).read_bytes().startswith(b"\x89PNG")
    assert server_children() == []
