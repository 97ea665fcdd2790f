"""The command line turns into the settings the benchmark runs with."""

import argparse

import pytest

from benchmarks.options import parse_args, parse_concurrency_list, parse_pairs
from benchmarks.servers import Concurrency


def test_sweep_settings_are_workers_by_threads():
    assert parse_concurrency_list("1x4, 2x8") == (Concurrency(1, 4), Concurrency(2, 8))
    for bad in ["2", "0x4", "2x", "axb"]:
        with pytest.raises(argparse.ArgumentTypeError):
            parse_concurrency_list(bad)


def test_headers_and_environment_are_name_value_pairs():
    assert parse_pairs(["X-Api-Key: a:b"], ":") == {"X-Api-Key": "a:b"}
    assert parse_pairs(["RATELIMIT_ENABLED=false"], "=") == {"RATELIMIT_ENABLED": "false"}
    with pytest.raises(argparse.ArgumentTypeError):
        parse_pairs(["no separator"], "=")


def test_defaults_are_the_documented_bounded_run(monkeypatch):
    monkeypatch.delenv("BENCH_AUTH_TOKEN", raising=False)
    options = parse_args([])
    assert (options.rounds, options.duration_s, options.connections) == (5, 6, 32)
    assert options.items >= 10_000
    assert options.endpoints == ("get_one", "list_50", "create", "health")
    assert options.token is None


def test_the_token_comes_from_the_environment_not_the_command_line(monkeypatch):
    monkeypatch.setenv("BENCH_AUTH_TOKEN", "a.b.c")
    assert parse_args(["--endpoints", "get_one"]).token == "a.b.c"


def test_unknown_endpoints_are_refused():
    with pytest.raises(SystemExit):
        parse_args(["--endpoints", "get_one,nope"])
