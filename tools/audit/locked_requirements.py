"""Print every distribution a Pants lockfile pins, as `name==version` lines for pip-audit."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def locked_pins(lockfile: Path) -> list[str]:
    """`name==version` of each distribution locked in `lockfile` (a Pants/pex lockfile)."""
    # The JSON follows a header of `//` comment lines that Pants writes.
    text = "\n".join(
        line for line in lockfile.read_text().splitlines() if not line.startswith("//")
    )
    pins = {
        f"{locked['project_name']}=={locked['version']}"
        for resolve in json.loads(text)["locked_resolves"]
        for locked in resolve["locked_requirements"]
    }
    return sorted(pins)


def main(argv: list[str] | None = None) -> None:
    """Write the pins of the given lockfile to stdout."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("lockfile", type=Path)
    arguments = parser.parse_args(argv)
    sys.stdout.write("".join(f"{pin}\n" for pin in locked_pins(arguments.lockfile)))


if __name__ == "__main__":
    main()
