"""From wrk runs to figures: medians over rounds, the API/bare, API/peer and scaffolded/API
ratios, the goals."""

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
class Goal:
    """One goal of the results: a figure, the bound it should reach, and whether it does."""

    name: str
    value: float | None
    target: float
    higher_is_better: bool = True

    @property
    def met(self) -> bool:
        """Whether the figure reaches the bound; a missing figure does not."""
        if self.value is None:
            return False
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    @property
    def missed_by(self) -> float | None:
        """How far short of the bound, as a fraction of it (0.1: 10% short); None if met."""
        if self.met or self.value is None:
            return None
        return round(abs(self.target - self.value) / self.target, 3)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready, with the verdict."""
        return {**asdict(self), "met": self.met, "missed_by": self.missed_by}


@dataclass(frozen=True)
class Comparison:
    """The service against the baseline (the bare handler) and its peer on one endpoint."""

    endpoint: str
    summary: str
    service: Figures
    baseline: Figures
    round_ratios: list[float | None]
    ratio: float | None
    target_ratio: float | None
    peer: Figures | None = None
    peer_round_ratios: list[float | None] = field(default_factory=list)
    peer_ratio: float | None = None
    peer_target_ratio: float | None = None
    # A service made by the scaffolder, over the API (not the API over it).
    scaffolded: Figures | None = None
    scaffolded_round_ratios: list[float | None] = field(default_factory=list)
    scaffolded_ratio: float | None = None
    scaffolded_target_ratio: float | None = None

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

    @property
    def p99_over_peer(self) -> float | None:
        """The service's p99 latency as a multiple of the peer's."""
        if self.peer is None or self.service.p99_ms is None or self.peer.p99_ms is None:
            return None
        return ratio(self.service.p99_ms, self.peer.p99_ms)

    def goals(self) -> list[Goal]:
        """The endpoint's goals: req/s over the bare handler's, and req/s and p99 against the
        peer's, where the endpoint has them."""
        goals = []
        if self.target_ratio is not None:
            goals.append(Goal("API/bare req/s", self.ratio, self.target_ratio))
        if self.peer is not None and self.peer_target_ratio is not None:
            goals.append(Goal("API/peer req/s", self.peer_ratio, self.peer_target_ratio))
            goals.append(Goal("API/peer p99", self.p99_over_peer, 1.0, higher_is_better=False))
        if self.scaffolded is not None and self.scaffolded_target_ratio is not None:
            goals.append(
                Goal("scaffolded/API req/s", self.scaffolded_ratio, self.scaffolded_target_ratio)
            )
        return goals

    def as_dict(self) -> dict[str, object]:
        """JSON-ready, derived figures included."""
        return {
            **asdict(self),
            "meets_target": self.meets_target,
            "p99_over_p50": self.p99_over_p50,
            "p99_over_peer": self.p99_over_peer,
            "goals": [goal.as_dict() for goal in self.goals()],
        }


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator to 3 places; None when the denominator is 0."""
    return round(numerator / denominator, 3) if denominator else None


def paired_ratios(
    service: Sequence[Sample], other: Sequence[Sample]
) -> tuple[list[float | None], float | None]:
    """Each round's service/other req/s (they ran back to back), and their median."""
    if len(service) != len(other):
        raise ValueError("every server needs the same number of rounds")
    round_ratios = [
        ratio(s.requests_per_s, o.requests_per_s) for s, o in zip(service, other, strict=True)
    ]
    known = [r for r in round_ratios if r is not None]
    return round_ratios, round(statistics.median(known), 3) if known else None


def compare(
    endpoint: str,
    summary: str,
    service: Sequence[Sample],
    baseline: Sequence[Sample],
    target_ratio: float | None,
    peer: Sequence[Sample] | None = None,
    peer_target_ratio: float | None = None,
    scaffolded: Sequence[Sample] | None = None,
    scaffolded_target_ratio: float | None = None,
) -> Comparison:
    """Pair the rounds of the service with the baseline's and the peer's, and the scaffolded
    service's with the service's; take median ratios."""
    round_ratios, median_ratio = paired_ratios(service, baseline)
    peer_round_ratios, peer_ratio = paired_ratios(service, peer) if peer else ([], None)
    scaffolded_round_ratios, scaffolded_ratio = (
        paired_ratios(scaffolded, service) if scaffolded else ([], None)
    )
    return Comparison(
        endpoint=endpoint,
        summary=summary,
        service=figures(service),
        baseline=figures(baseline),
        round_ratios=round_ratios,
        ratio=median_ratio,
        target_ratio=target_ratio,
        peer=figures(peer) if peer else None,
        peer_round_ratios=peer_round_ratios,
        peer_ratio=peer_ratio,
        peer_target_ratio=peer_target_ratio,
        scaffolded=figures(scaffolded) if scaffolded else None,
        scaffolded_round_ratios=scaffolded_round_ratios,
        scaffolded_ratio=scaffolded_ratio,
        scaffolded_target_ratio=scaffolded_target_ratio,
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
