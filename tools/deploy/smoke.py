"""The smoke check after a rollout: the service's /ready answers 200."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from tools.deploy.errors import SmokeCheckFailed


def ready(url: str, limit: float, poll: float) -> None:
    """GET <url>/ready until it answers 200; fail when `limit` seconds pass without one."""
    deadline = time.monotonic() + limit
    last = "no answer"
    while True:
        try:
            # The URL is the service's own http(s) address from the Terraform outputs.
            request = urllib.request.Request(f"{url}/ready")  # noqa: S310
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}"
        except OSError as error:
            last = str(error)
        if time.monotonic() >= deadline:
            raise SmokeCheckFailed(
                f"{url}/ready did not answer 200 within {limit:g}s (last: {last})"
            )
        time.sleep(poll)
