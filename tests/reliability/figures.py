"""The figures each suite measured, written where Pants collects them for docs/reliability.md."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

# Pants copies a test's extra-output/ directory to dist/test/extra-output/ after the run.
OUTPUT_DIR = Path("extra-output") / "reliability"


def write_figures(suite: str, figures: dict[str, Any]) -> Path:
    """Write `figures` of `suite` as JSON, stamped with the time of the run."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUTPUT_DIR / f"{suite}.json"
    stamped = {"suite": suite, "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    path.write_text(json.dumps({**stamped, **figures}, indent=2, sort_keys=True) + "\n")
    return path
