"""The sweep: the service alone at each workers x threads setting."""

from __future__ import annotations

import os
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from benchmarks import wrk
from benchmarks.measure import check, measure, targets
from benchmarks.options import Options
from benchmarks.progress import log
from benchmarks.servers import SERVICE, SERVICE_APP, gunicorn
from benchmarks.stack import Seeded, concurrency_environment
from benchmarks.summary import SweepPoint, best, figures


def sweep(
    options: Options, service_env: dict[str, str], seeded: Seeded, config: Path | None, work: Path
) -> dict[str, Any]:
    """The service alone at each workers x threads setting, on one endpoint."""
    vcpus = os.cpu_count() or 1
    load = wrk.Load(options.connections, options.duration_s, options.wrk_threads, options.timeout_s)
    points = []
    for concurrency in options.sweep:
        metrics_dir = work / f"prometheus-{concurrency}"
        metrics_dir.mkdir(exist_ok=True)
        env = {
            **service_env,
            **concurrency_environment(options, concurrency),
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        }
        with gunicorn(SERVICE, SERVICE_APP, concurrency, config, env, work) as server:
            if seeded.tokens is not None:
                seeded.tokens.base_url = server.base_url
            (target,) = targets(server, (options.sweep_endpoint,), options, seeded)
            check(target)
            if options.warmup_s:
                measure(target, replace(load, duration_s=options.warmup_s))
            median = figures([measure(target, load) for _ in range(options.rounds)])
            points.append(
                SweepPoint(
                    workers=concurrency.workers,
                    threads=concurrency.threads,
                    requests_per_s=median.requests_per_s,
                    p50_ms=median.p50_ms,
                    p99_ms=median.p99_ms,
                    cpu_ms_per_request=median.cpu_ms_per_request,
                    requests_per_s_per_vcpu=round(median.requests_per_s / vcpus, 1),
                    worker_rss_mb=[round(size, 1) for size in server.worker_rss_mb()],
                )
            )
            log(f"sweep {concurrency}: {median.requests_per_s:.0f} req/s")
    return {
        "endpoint": options.sweep_endpoint,
        "points": [asdict(point) for point in points],
        "best": asdict(best(points)),
    }
