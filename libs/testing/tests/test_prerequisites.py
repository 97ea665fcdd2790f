"""The prerequisites check: one list up front, and only the tests needing a missing tool fail."""

import dataclasses

import pytest

from libs.testing import tools

pytest_plugins = ["pytester"]

SUITE = """
import pytest
from libs.testing.redis import redis_server

@pytest.fixture
def shared_redis():
    with redis_server() as url:
        yield url

def start_limiter():
    with redis_server() as url:
        return url

def test_through_a_fixture(shared_redis):
    assert shared_redis

def test_through_a_helper():
    assert start_limiter()

def test_without_redis():
    assert 1 + 1 == 2
"""


@pytest.fixture
def redis_missing(monkeypatch):
    tool = dataclasses.replace(tools.TOOLS["redis-server"], problem=lambda: "not on PATH")
    monkeypatch.setitem(tools.TOOLS, "redis-server", tool)


def run(pytester, **files):
    pytester.makepyfile(**files)
    return pytester.runpytest_inprocess(
        "-p", "libs.testing.prerequisites", "-p", "no:cacheprovider"
    )


def test_only_the_tests_that_need_a_missing_tool_fail_each_named(pytester, redis_missing):
    result = run(pytester, test_suite=SUITE)
    result.assert_outcomes(passed=1, errors=2)
    output = result.stdout.str()
    first_result = output.index("test_suite.py ")
    listing = output.index("missing prerequisites")
    assert listing < first_result, "the list comes before the first test runs"
    assert output.count("missing prerequisites") == 2, "and again at the end"
    for expected in (
        "redis-server (a throwaway Redis for the shared rate limits): not on PATH",
        "Debian/Ubuntu: sudo apt-get install redis-server",
        "macOS: brew install redis",
        "needed by 2 test(s), which fail:",
        "test_suite.py::test_through_a_fixture",
        "test_suite.py::test_through_a_helper",
    ):
        assert expected in output
    assert "test_suite.py::test_without_redis\n" not in output[listing:first_result]
    result.stdout.fnmatch_lines(["ERROR test_suite.py::test_through_a_fixture - Failed: missing*"])


def test_fixtures_of_a_conftest_count_and_nothing_is_listed_when_all_is_here(pytester, monkeypatch):
    pytester.makeconftest("""
import pytest
from libs.testing.postgres import postgres_server

@pytest.fixture
def server():
    return postgres_server
""")
    tool = dataclasses.replace(tools.TOOLS["postgresql"], problem=lambda: "initdb not found")
    monkeypatch.setitem(tools.TOOLS, "postgresql", tool)
    result = run(pytester, test_db="def test_db(server):\n    assert server\n")
    result.assert_outcomes(errors=1)
    assert "test_db.py::test_db" in result.stdout.str()

    present = dataclasses.replace(tools.TOOLS["postgresql"], problem=lambda: None)
    monkeypatch.setitem(tools.TOOLS, "postgresql", present)
    result = pytester.runpytest_inprocess("-p", "libs.testing.prerequisites")
    result.assert_outcomes(passed=1)
    assert "missing prerequisites" not in result.stdout.str()


def test_the_command_line_names_the_debian_packages_to_install(redis_missing, capsys):
    assert tools.main(["--debian-packages", "redis-server", "wrk"]) == 0
    packages = capsys.readouterr().out.split()
    assert "redis-server" in packages
    assert tools.main(["redis-server"]) == 1
    assert "brew install redis" in capsys.readouterr().out
    assert tools.main(["no-such-tool"]) == 2
    assert "unknown tools: no-such-tool" in capsys.readouterr().err


def test_a_test_database_url_that_refuses_connections_is_reported(monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://u:p@127.0.0.1:1/postgres")
    problem = tools.missing(["postgresql-server"])["postgresql-server"]
    assert "127.0.0.1:1, which refuses" in problem
