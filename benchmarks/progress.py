"""Progress messages on stderr, so stdout carries only the report."""

import sys


def log(message: str) -> None:
    """Print one progress line."""
    print(f"benchmark: {message}", file=sys.stderr, flush=True)
