"""Measuring: requests per endpoint, wrk runs on idle servers, every server in turn in rounds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import requests

from benchmarks import auth, wrk
from benchmarks.endpoints import Endpoint, endpoints
from benchmarks.options import Options
from benchmarks.progress import log
from benchmarks.servers import BASELINE, PEER, SCAFFOLDED, SERVICE, Server, ServerError
from benchmarks.stack import Seeded
from benchmarks.summary import Comparison, Sample, compare, sample


@dataclass
class Target:
    """A running server and how to send one endpoint's requests to it."""

    server: Server
    endpoint: Endpoint
    paths: list[str]
    tokens: auth.TokenSource | None = None
    token: str | None = None
    extra_headers: dict[str, str] | None = None

    def request(self) -> wrk.Request:
        """The request to send now (with a token that stays valid through the run)."""
        headers = {"Accept": "application/json"}
        if self.endpoint.body is not None:
            headers["Content-Type"] = "application/json"
        if self.endpoint.authenticated:
            token = self.tokens.current() if self.tokens else self.token
            if token:
                headers["Authorization"] = f"Bearer {token}"
            headers.update(self.extra_headers or {})
        return wrk.Request(self.endpoint.method, self.paths, headers, self.endpoint.body)


def check(target: Target) -> None:
    """One request, which must succeed: a benchmark of error responses measures nothing."""
    request = target.request()
    response = requests.request(
        request.method,
        target.server.base_url + request.paths[0],
        headers=dict(request.headers),
        data=request.body,
        timeout=30,
    )
    if not response.ok:
        raise ServerError(
            f"{target.server.name} {request.method} {request.paths[0]} answered "
            f"{response.status_code}: {response.text[:300]}"
        )


def measure(target: Target, load: wrk.Load) -> Sample:
    """One wrk run on an idle server, with the server's CPU time around it."""
    request = target.request()
    waited = target.server.wait_until_idle()
    if waited > 2:
        log(f"{target.server.name} needed {waited:.0f} s to drain the previous run")
    before = target.server.cpu_seconds()
    result = wrk.run(target.server.base_url, request, load)
    return sample(result, target.server.cpu_seconds() - before)


def targets(
    server: Server, names: tuple[str, ...], options: Options, seeded: Seeded
) -> list[Target]:
    """What to send `server` (named service, peer, baseline or scaffolded) for each endpoint;
    the scaffolded service is sent only the endpoints compared with it."""
    known = endpoints(options.list_query)
    service = server.name == SERVICE
    targets = []
    for name in names:
        endpoint = known[name]
        if server.name == SCAFFOLDED and endpoint.scaffolded_target_ratio is None:
            continue
        template = endpoint.baseline_path if server.name == BASELINE else endpoint.service_path
        targets.append(
            Target(
                server=server,
                endpoint=endpoint,
                paths=endpoint.paths(template, seeded.ids_for(server.name)),
                tokens=seeded.tokens_for(endpoint, server.name),
                token=options.token if service else None,
                extra_headers=options.headers if service else None,
            )
        )
    return targets


def compare_servers(
    servers: Sequence[Server], options: Options, seeded: Seeded
) -> list[Comparison]:
    """Warm up, then run every server per endpoint in turn, round after round."""
    grouped: dict[str, list[Target]] = {name: [] for name in options.endpoints}
    for server in servers:
        for target in targets(server, options.endpoints, options, seeded):
            grouped[target.endpoint.name].append(target)
    by_endpoint = list(grouped.values())
    for group in by_endpoint:
        for target in group:
            check(target)
    load = wrk.Load(options.connections, options.duration_s, options.wrk_threads, options.timeout_s)
    if options.warmup_s:
        log(f"warming up, {options.warmup_s} s per server and endpoint")
        for group in by_endpoint:
            for target in group:
                measure(target, replace(load, duration_s=options.warmup_s))
    samples: dict[str, dict[str, list[Sample]]] = {
        group[0].endpoint.name: {server.name: [] for server in servers} for group in by_endpoint
    }
    for round_number in range(options.rounds):
        for group in by_endpoint:
            # Who goes first rotates, so a trend in the machine's load favours no server.
            shift = round_number % len(group)
            for target in group[shift:] + group[:shift]:
                result = measure(target, load)
                samples[target.endpoint.name][target.server.name].append(result)
                log(
                    f"round {round_number + 1}/{options.rounds} {target.endpoint.name} "
                    f"{target.server.name}: {result.requests_per_s:.0f} req/s, "
                    f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms"
                )
    comparisons = []
    for group in by_endpoint:
        endpoint, measured = group[0].endpoint, samples[group[0].endpoint.name]
        comparisons.append(
            compare(
                endpoint.name,
                endpoint.summary,
                measured[SERVICE],
                measured[BASELINE],
                endpoint.target_ratio,
                peer=measured.get(PEER),
                peer_target_ratio=endpoint.peer_target_ratio,
                scaffolded=measured.get(SCAFFOLDED),
                scaffolded_target_ratio=endpoint.scaffolded_target_ratio,
            )
        )
    return comparisons
