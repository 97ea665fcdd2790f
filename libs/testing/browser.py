"""A headless Chromium for tests, driven by Playwright: the system's browser, not a download."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, sync_playwright

from libs.testing.tools import TOOLS, browser_executable


class BrowserUnavailable(RuntimeError):
    """Raised when no Chromium or Chrome binary can be found."""


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium, closed afterwards."""
    executable = browser_executable()
    if executable is None:
        raise BrowserUnavailable(f"{TOOLS['chromium'].label}: {TOOLS['chromium'].hint()}")
    # Chromium's sandbox refuses to run as root (containers, CI runners started as root).
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=args)
        try:
            yield browser
        finally:
            browser.close()
