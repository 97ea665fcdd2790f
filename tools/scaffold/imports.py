"""A Jinja2 filter that orders import lines the way ruff's isort rules do."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")
LINE_LENGTH = 100


def _natural(text: str) -> list[str | int]:
    """Compare digit runs by value, as ruff's natural ordering does (`v2` before `v10`)."""
    return [int(part) if part.isdigit() else part for part in _DIGITS.split(text.lower())]


def _key(line: str) -> tuple[bool, list[str | int]]:
    """`import x` lines first, then `from x import y`, each by module name."""
    from_import = line.startswith("from ")
    return from_import, _natural(line.split()[1])


def _wrap(line: str) -> str:
    """Split a too-long `from x import a, b` into one name a line, as isort and black do."""
    if len(line) <= LINE_LENGTH or not line.startswith("from "):
        return line
    head, names = line.split(" import ", 1)
    members = "".join(f"    {name.strip()},\n" for name in names.split(","))
    return f"{head} import (\n{members})"


def sort_imports(block: str) -> str:
    """Sort and wrap a block of one-line imports whose order and length depend on names."""
    lines = [line for line in block.splitlines() if line.strip()]
    return "\n".join(_wrap(line) for line in sorted(lines, key=_key)) + "\n"
