"""Capturing what libs/logging writes, with the root logger put back afterwards."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from libs.logging import configure_logging


@contextmanager
def json_log_lines(level: str = "INFO") -> Iterator[io.StringIO]:
    """A buffer that receives the JSON log lines while the block runs."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    for handler in saved_handlers:
        root.removeHandler(handler)
    buffer = io.StringIO()
    configure_logging(level, stream=buffer)
    try:
        yield buffer
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
