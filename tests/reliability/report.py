"""Copy the figures of the last reliability run into docs/reliability.md.

After `./pants --tag=reliability test ::`, run `python3 tests/reliability/report.py` from the
repository root: it reads the JSON each suite left in dist/test/ and rewrites the part of the
document between the figures markers. Standard library only, so it runs without Pants.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

START = "<!-- figures:start (tests/reliability/report.py writes this part) -->"
END = "<!-- figures:end -->"
SUITES = ["fuzz", "database_faults", "graceful_shutdown", "concurrency", "abuse"]


def load_figures(dist: Path) -> dict[str, dict[str, Any]]:
    """The newest figures of each suite found under `dist` (Pants' dist/test/)."""
    found: dict[str, dict[str, Any]] = {}
    for path in dist.glob("*/reliability/*.json"):
        figures = json.loads(path.read_text())
        suite = figures["suite"]
        if suite not in found or figures["finished_at"] > found[suite]["finished_at"]:
            found[suite] = figures
    return found


def describe(value: Any) -> str:
    """A figure as Markdown text: mappings inline, as `key: value` pairs."""
    if isinstance(value, dict):
        return ", ".join(f"{key}: {describe(inner)}" for key, inner in value.items())
    return f"`{value}`" if isinstance(value, str) else str(value)


def render(figures: dict[str, dict[str, Any]]) -> str:
    """The figures section: one table per suite, in the order the document presents them."""
    lines = [START, ""]
    for suite in sorted(figures, key=lambda name: [*SUITES, name].index(name)):
        measured = dict(figures[suite])
        del measured["suite"]
        lines += [f"#### {suite.replace('_', ' ')} (finished {measured.pop('finished_at')})", ""]
        lines += ["| figure | value |", "| --- | --- |"]
        lines += [
            f"| {key.replace('_', ' ')} | {describe(value)} |" for key, value in measured.items()
        ]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def update(document: str, figures: dict[str, dict[str, Any]]) -> str:
    """`document` with its figures section replaced by `figures`."""
    before, found_start, rest = document.partition(START)
    _, found_end, after = rest.partition(END)
    if not (found_start and found_end):
        raise ValueError(f"the document lacks the markers {START!r} and {END!r}")
    return before + render(figures) + after


def main(argv: list[str] | None = None) -> None:
    """Rewrite the figures section of the document from the JSON files under dist/test/."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dist", type=Path, default=Path("dist/test"))
    parser.add_argument("--document", type=Path, default=Path("docs/reliability.md"))
    arguments = parser.parse_args(argv)
    figures = load_figures(arguments.dist)
    missing = sorted(set(SUITES) - set(figures))
    if missing:
        parser.error(f"no figures for {', '.join(missing)}: run ./pants --tag=reliability test ::")
    arguments.document.write_text(update(arguments.document.read_text(), figures))


if __name__ == "__main__":
    main()
