"""Bounded load from client threads, with every outcome recorded for the assertions."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests


@dataclass(frozen=True)
class Outcome:
    """What one request got: a status (None when no response came) and how long it took."""

    phase: str
    method: str
    status: int | None
    seconds: float
    content_type: str = ""
    error: str = ""


@dataclass
class Recorder:
    """Collects outcomes from many threads, tagged with the phase the test is in."""

    phase: str = "before"
    outcomes: list[Outcome] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, method: str, call: Callable[[], requests.Response]) -> requests.Response | None:
        """Run `call`, record its outcome in the current phase, return the response if any."""
        phase, started = self.phase, time.monotonic()
        try:
            response = call()
        except requests.RequestException as error:
            self._add(Outcome(phase, method, None, time.monotonic() - started, error=repr(error)))
            return None
        content_type = response.headers.get("Content-Type", "")
        seconds = time.monotonic() - started
        self._add(Outcome(phase, method, response.status_code, seconds, content_type))
        return response

    def in_phase(self, *phases: str) -> list[Outcome]:
        """The outcomes of requests sent in any of `phases`."""
        with self._lock:
            return [outcome for outcome in self.outcomes if outcome.phase in phases]

    def _add(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)


def statuses(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """How many outcomes had each status ("none" for no response), for the figures."""
    counts = Counter(str(outcome.status).lower() for outcome in outcomes)
    return dict(sorted(counts.items()))


def run_threads(targets: Sequence[Callable[[], None]], join_timeout: float) -> None:
    """Run each target in its own thread and wait for all of them, at most `join_timeout`."""
    with background(targets, threading.Event(), join_timeout):
        pass


@contextmanager
def background(
    targets: Sequence[Callable[[], None]], stop: threading.Event, join_timeout: float
) -> Iterator[None]:
    """Run each target in its own thread; on leaving, set `stop` and wait for them all."""
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        deadline = time.monotonic() + join_timeout
        for thread in threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.0))
    alive = sum(thread.is_alive() for thread in threads)
    assert alive == 0, f"{alive} client threads still running after {join_timeout} s"
