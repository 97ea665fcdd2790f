"""From wrk runs to figures: medians over rounds and the service/baseline ratios."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from benchmarks.wrk import WrkResult


@dataclass(frozen=True)
class Sample:
    """One wrk run against one server, with the CPU time the server spent during it."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int
    cpu_ms_per_request: float


def sample(result: WrkResult, cpu_seconds: float) -> Sample:
    """Combine a wrk result with the server CPU seconds measured around it."""
    cpu_ms = cpu_seconds * 1000 / result.requests if result.requests else 0.0
    return Sample(
        requests_per_s=result.requests_per_s,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        requests=result.requests,
        non_2xx=result.non_2xx,
        socket_errors=result.socket_errors,
        cpu_ms_per_request=round(cpu_ms, 4),
    )


@dataclass(frozen=True)
class Figures:
    """One server's figures for one endpoint: medians over the rounds, error totals."""

    requests_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    cpu_ms_per_request: float | None
    non_2xx: int
    socket_errors: int
    rounds: list[Sample] = field(default_factory=list)


def figures(samples: Sequence[Sample]) -> Figures:
    """Medians of `samples` (one per round), which a single slow round cannot drag.

    Latency and CPU per request come from the rounds that completed requests; None if none did.
    """
    if not samples:
        raise ValueError("no samples")
    served = [s for s in samples if s.requests]
    return Figures(
        requests_per_s=statistics.median(s.requests_per_s for s in samples),
        p50_ms=statistics.median(s.p50_ms for s in served) if served else None,
        p99_ms=statistics.median(s.p99_ms for s in served) if served else None,
        cpu_ms_per_request=(
            statistics.median(s.cpu_ms_per_request for s in served) if served else None
        ),
        non_2xx=sum(s.non_2xx for s in samples),
        socket_errors=sum(s.socket_errors for s in samples),
        rounds=list(samples),
    )


@dataclass(frozen=True)
class Comparison:
    """The service against the baseline on one endpoint."""

    endpoint: str
    summary: str
    service: Figures
    baseline: Figures
    round_ratios: list[float | None]
    ratio: float | None
    target_ratio: float | None

    @property
    def meets_target(self) -> bool | None:
        """Whether the ratio reaches the target; None when there is no target."""
        if self.target_ratio is None:
            return None
        return self.ratio is not None and self.ratio >= self.target_ratio

    @property
    def p99_over_p50(self) -> float | None:
        """The service's tail: p99 latency as a multiple of p50."""
        if self.service.p99_ms is None or self.service.p50_ms is None:
            return None
        return ratio(self.service.p99_ms, self.service.p50_ms)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready, derived figures included."""
        return {
            **asdict(self),
            "meets_target": self.meets_target,
            "p99_over_p50": self.p99_over_p50,
        }


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator to 3 places; None when the denominator is 0."""
    return round(numerator / denominator, 3) if denominator else None


def compare(
    endpoint: str,
    summary: str,
    service: Sequence[Sample],
    baseline: Sequence[Sample],
    target_ratio: float | None,
) -> Comparison:
    """Pair the rounds (service and baseline ran back to back) and take the median ratio."""
    if len(service) != len(baseline):
        raise ValueError("service and baseline need the same number of rounds")
    round_ratios = [
        ratio(s.requests_per_s, b.requests_per_s) for s, b in zip(service, baseline, strict=True)
    ]
    known = [r for r in round_ratios if r is not None]
    return Comparison(
        endpoint=endpoint,
        summary=summary,
        service=figures(service),
        baseline=figures(baseline),
        round_ratios=round_ratios,
        ratio=round(statistics.median(known), 3) if known else None,
        target_ratio=target_ratio,
    )


@dataclass(frozen=True)
class SweepPoint:
    """The service at one workers x threads setting."""

    workers: int
    threads: int
    requests_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    cpu_ms_per_request: float | None
    requests_per_s_per_vcpu: float
    worker_rss_mb: list[float]


def best(points: Sequence[SweepPoint]) -> SweepPoint:
    """The setting with the most requests/s per vCPU; fewer processes win a tie (less memory)."""
    return max(points, key=lambda p: (p.requests_per_s_per_vcpu, -p.workers, -p.threads))
