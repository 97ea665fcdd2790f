"""The report script puts the newest figures of each suite into the document, and only there."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.report import END, START, load_figures, main, update


def write(dist: Path, target: str, figures: dict[str, Any]) -> None:
    path = dist / target / "reliability" / f"{figures['suite']}.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(figures))


def test_the_newest_figures_of_each_suite_replace_the_old_section(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    write(dist, "old", {"suite": "fuzz", "finished_at": "2026-01-01T00:00:00Z", "cases": 1})
    write(dist, "new", {"suite": "fuzz", "finished_at": "2026-02-01T00:00:00Z", "cases": 1200})
    document = f"# Title\n\nProse.\n\n{START}\nstale\n{END}\n\nMore prose.\n"

    updated = update(document, load_figures(dist))

    assert updated.startswith("# Title\n\nProse.\n\n") and updated.endswith(
        f"{END}\n\nMore prose.\n"
    )
    assert "| cases | 1200 |" in updated
    assert "stale" not in updated and "| cases | 1 |" not in updated


def test_a_document_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        update("# No markers\n", {})


def test_missing_suites_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "reliability.md"
    document.write_text(f"{START}\n{END}\n")
    with pytest.raises(SystemExit):
        main(["--dist", str(tmp_path), "--document", str(document)])
    assert "no figures for abuse, concurrency" in capsys.readouterr().err
