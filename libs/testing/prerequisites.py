"""A pytest plugin: before any test runs, one list of the tools the selected tests need and this
machine lacks, with how to install each; then only the tests that need a missing tool fail.

A test needs a tool when its function, its fixtures, or the test helpers they call refer to a
helper that `libs.testing.tools.NEEDS` names (say `redis_server`). The root conftest.py loads
this plugin for every test.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import pytest
from werkzeug.local import LocalProxy

from libs.testing.tools import NEEDS, TOOLS, missing

NEEDED = pytest.StashKey[frozenset[str]]()
MISSING = pytest.StashKey[dict[str, str]]()
FAILED = pytest.StashKey[dict[str, list[str]]]()


def _code_names(code: CodeType) -> Iterator[str]:
    yield from code.co_names
    for constant in code.co_consts:
        if isinstance(constant, CodeType):  # nested functions, lambdas, comprehensions
            yield from _code_names(constant)


def _is_test_helper(module_name: str) -> bool:
    parts = module_name.split(".")
    return "tests" in parts or parts[:2] == ["libs", "testing"] or parts[-1] == "conftest"


def tools_of(function: Any, seen: set[int] | None = None) -> set[str]:
    """The tools `function` needs, following the test helpers it calls."""
    seen = set() if seen is None else seen
    function = inspect.unwrap(function)
    if id(function) in seen or not inspect.isfunction(function):
        return set()
    seen.add(id(function))
    found: set[str] = set()
    for name in _code_names(function.__code__):
        target = function.__globals__.get(name)
        if target is None or _is_context_proxy(target):
            continue
        key = f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', '')}"
        if key in NEEDS:
            found.update(NEEDS[key])
        elif inspect.isfunction(inspect.unwrap(target)) and (
            target.__module__ == function.__module__ or _is_test_helper(target.__module__)
        ):
            found |= tools_of(target, seen)
    return found


def _fixture_modules(item: pytest.Item, config: pytest.Config) -> list[ModuleType]:
    """The test's module and the conftest.py modules of its directory and those above it."""
    modules = [item.module] if isinstance(item, pytest.Function) and item.module else []
    for plugin in config.pluginmanager.get_plugins():
        path = Path(getattr(plugin, "__file__", None) or "")
        if path.name == "conftest.py" and Path(item.path).is_relative_to(path.parent):
            modules.append(plugin)
    return modules


def _is_context_proxy(value: object) -> bool:
    """A context-local proxy such as flask.g, which raises when asked outside its context."""
    return isinstance(value, LocalProxy)


def _fixture_named(value: object, names: set[str]) -> bool:
    if _is_context_proxy(value):
        return False
    return getattr(value, "__name__", None) in names and hasattr(value, "__wrapped__")


def needs_of(item: pytest.Item, config: pytest.Config) -> frozenset[str]:
    """The tools a collected test needs: its own code's and its fixtures' (by name)."""
    if not isinstance(item, pytest.Function):
        return frozenset()
    found = tools_of(item.function)
    names = set(item.fixturenames)
    for module in _fixture_modules(item, config):
        for value in vars(module).values():
            # A fixture's definition carries the fixture's name and wraps the function.
            if _fixture_named(value, names):
                found |= tools_of(value)
    return frozenset(found)


def report(needed_by: dict[str, list[str]], problems: dict[str, str]) -> list[str]:
    """The message: each missing tool, why, how to install it, and the tests that need it."""
    lines = [f"{len(problems)} tool(s) the selected tests need are missing:"]
    for name, problem in problems.items():
        tests = needed_by[name]
        lines += [f"  {TOOLS[name].label}: {problem}", f"    {TOOLS[name].hint()}"]
        lines.append(f"    needed by {len(tests)} test(s), which fail:")
        lines += [f"      {test}" for test in tests]
    return lines


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Work out what each selected test needs and which of it is missing."""
    needed_by: dict[str, list[str]] = {}
    for item in items:
        item.stash[NEEDED] = needs_of(item, config)
        for name in item.stash[NEEDED]:
            needed_by.setdefault(name, []).append(item.nodeid)
    config.stash[MISSING] = missing(sorted(needed_by))
    config.stash[FAILED] = {name: needed_by[name] for name in config.stash[MISSING]}


def pytest_collection_finish(session: pytest.Session) -> None:
    """Say what is missing before the first test runs."""
    failed = session.config.stash.get(FAILED, {})
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")
    if failed and terminal is not None:
        terminal.section("missing prerequisites", sep="!", red=True, bold=True)
        for line in report(failed, session.config.stash[MISSING]):
            terminal.write_line(line)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a test that needs a missing tool before its fixtures try to start it."""
    problems = item.config.stash.get(MISSING, {})
    absent = sorted(item.stash.get(NEEDED, frozenset()) & problems.keys())
    if absent:
        lines = [
            f"{TOOLS[name].label}: {problems[name]}\n    {TOOLS[name].hint()}" for name in absent
        ]
        pytest.fail("missing prerequisite(s):\n  " + "\n  ".join(lines), pytrace=False)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Repeat the list at the end, where a reader of a long run looks first."""
    failed = config.stash.get(FAILED, {})
    if failed:
        terminalreporter.section("missing prerequisites", sep="!", red=True, bold=True)
        for line in report(failed, config.stash[MISSING]):
            terminalreporter.write_line(line)
