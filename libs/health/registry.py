"""Named liveness and readiness checks, each bounded by a timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from enum import Enum

Check = Callable[[], object]
"""A check returns (any value, ignored) when healthy and raises with the reason otherwise."""


class Probe(str, Enum):
    """Liveness: restart me if failing. Readiness: send me no traffic if failing."""

    LIVENESS = "liveness"
    READINESS = "readiness"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    name: str
    healthy: bool
    duration_ms: float
    reason: str | None = None

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready view of the result."""
        result: dict[str, object] = {
            "status": "ok" if self.healthy else "failing",
            "duration_ms": round(self.duration_ms, 1),
        }
        if self.reason is not None:
            result["reason"] = self.reason
        return result


@dataclass(frozen=True)
class HealthReport:
    """All checks of one probe; healthy only when every check is."""

    probe: Probe
    results: tuple[CheckResult, ...]

    @property
    def healthy(self) -> bool:
        """True when no check failed."""
        return all(result.healthy for result in self.results)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready view of the report."""
        return {
            "status": "ok" if self.healthy else "failing",
            "checks": {result.name: result.as_dict() for result in self.results},
        }


@dataclass
class HealthRegistry:
    """Holds the checks a service registers and runs them on demand."""

    timeout_seconds: float = 2.0
    _checks: dict[Probe, dict[str, Check]] = field(default_factory=dict)

    def register(self, name: str, check: Check, probe: Probe = Probe.READINESS) -> None:
        """Add `check` under `name` to `probe`; names are unique per probe."""
        checks = self._checks.setdefault(probe, {})
        if name in checks:
            raise ValueError(f"a {probe.value} check named {name!r} is already registered")
        checks[name] = check

    def run(self, probe: Probe) -> HealthReport:
        """Run every check of `probe` concurrently, each within the timeout."""
        checks = self._checks.get(probe, {})
        if not checks:
            return HealthReport(probe, ())
        # Not a context manager: leaving it would wait for a check that hangs.
        executor = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="health")
        try:
            started = time.perf_counter()
            futures = {name: executor.submit(_timed, check) for name, check in checks.items()}
            deadline = started + self.timeout_seconds
            results = tuple(
                _collect(name, future, deadline, self.timeout_seconds)
                for name, future in futures.items()
            )
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
        return HealthReport(probe, results)


def _timed(check: Check) -> tuple[float, str | None]:
    """Run `check`, returning its duration in ms and the failure reason, if any."""
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # noqa: BLE001 - a failing check is a finding, not a crash
        reason: str | None = f"{type(error).__name__}: {error}".rstrip(": ")
    else:
        reason = None
    return (time.perf_counter() - started) * 1000, reason


def _collect(
    name: str, future: Future[tuple[float, str | None]], deadline: float, timeout: float
) -> CheckResult:
    try:
        duration_ms, reason = future.result(timeout=max(deadline - time.perf_counter(), 0.0))
    except FutureTimeout:
        return CheckResult(name, False, timeout * 1000, f"timed out after {timeout:g}s")
    return CheckResult(name, reason is None, duration_ms, reason)
