"""How the benchmark starts the peer: its command line, and a clear error when it is not built."""

from pathlib import Path

import pytest

from benchmarks.options import DEFAULT_PEER_PEX, parse_args
from benchmarks.servers import PEER, PEER_APP, PEER_TARGET, ServerError, uvicorn, uvicorn_command


def test_the_peer_runs_its_app_under_uvicorn_with_the_given_workers():
    command = uvicorn_command(Path("/x/peer.pex"), PEER_APP, 8123, 2)
    assert command[1:] == [
        "/x/peer.pex",
        "benchmarks.peers.fastapi.main:app",
        "--host=127.0.0.1",
        "--port=8123",
        "--workers=2",
    ]


def test_a_peer_that_is_not_built_says_how_to_build_it(tmp_path):
    with (
        pytest.raises(ServerError, match=f"./pants package {PEER_TARGET}"),
        uvicorn(PEER, tmp_path / "missing.pex", 1, {}, tmp_path),
    ):
        pytest.fail("a missing PEX must not start")


def test_the_peer_pex_defaults_to_where_pants_packages_it(monkeypatch):
    monkeypatch.delenv("BENCH_AUTH_TOKEN", raising=False)
    assert parse_args([]).peer_pex == DEFAULT_PEER_PEX.resolve()
    assert Path("dist/benchmarks.peers.fastapi/peer.pex") == DEFAULT_PEER_PEX
