"""The audit sees every distribution the lockfile pins, at the pinned version."""

import re
from pathlib import Path

from tools.audit.locked_requirements import locked_pins, main

LOCKFILE = Path("3rdparty/python/default.lock")
REQUIREMENTS = Path("3rdparty/python/requirements.txt")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_direct_requirement_is_pinned_at_its_version():
    pins = {canonical(pin.split("==")[0]): pin.split("==")[1] for pin in locked_pins(LOCKFILE)}
    for line in REQUIREMENTS.read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            assert pins[canonical(name.split("[")[0])] == version, line


def test_transitive_distributions_are_pinned_too():
    names = {canonical(pin.split("==")[0]) for pin in locked_pins(LOCKFILE)}
    # werkzeug comes only through flask, and is what parses every request.
    assert "werkzeug" in names


def test_main_prints_one_pin_per_line(capsys):
    main([str(LOCKFILE)])
    lines = capsys.readouterr().out.splitlines()
    assert lines == sorted(lines)
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[^=\s]+", line) for line in lines)
