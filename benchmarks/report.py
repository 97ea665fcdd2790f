"""The results as JSON, a markdown table and a PNG chart of the ratios."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

from benchmarks.summary import Comparison, Figures, SweepPoint

JSON_NAME = "latest.json"
MARKDOWN_NAME = "latest.md"
CHART_NAME = "ratios.png"


def _number(value: float | None, places: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{places}f}"


def _errors(figures: Figures) -> str:
    """Non-2xx responses and socket errors (mostly timeouts), or 0."""
    parts = [f"{figures.non_2xx} non-2xx"] if figures.non_2xx else []
    parts += [f"{figures.socket_errors} socket"] if figures.socket_errors else []
    return ", ".join(parts) or "0"


def comparison_table(comparisons: Sequence[Comparison]) -> str:
    """One markdown row per endpoint: throughput, ratio, latency and CPU of both servers."""
    lines = [
        "| endpoint | service req/s | baseline req/s | ratio (target) "
        "| service p50 / p99 ms | p99/p50 | baseline p50 / p99 ms "
        "| CPU ms/req service / baseline | errors service / baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c in comparisons:
        s, b = c.service, c.baseline
        verdict = {True: " ✓", False: " ✗", None: ""}[c.meets_target]
        target = f" ({c.target_ratio:.2f}){verdict}" if c.target_ratio is not None else ""
        lines.append(
            f"| {c.endpoint} | {_number(s.requests_per_s)} | {_number(b.requests_per_s)} "
            f"| {_number(c.ratio, 2)}{target} "
            f"| {_number(s.p50_ms, 2)} / {_number(s.p99_ms, 2)} | {_number(c.p99_over_p50, 1)} "
            f"| {_number(b.p50_ms, 2)} / {_number(b.p99_ms, 2)} "
            f"| {_number(s.cpu_ms_per_request, 2)} / {_number(b.cpu_ms_per_request, 2)} "
            f"| {_errors(s)} / {_errors(b)} |"
        )
    return "\n".join(lines)


def memory_table(memory: Mapping[str, Sequence[float]]) -> str:
    """Resident memory of each gunicorn worker after the run."""
    lines = ["| server | workers | RSS per worker (MiB) |", "| --- | ---: | --- |"]
    for server, sizes in memory.items():
        listed = ", ".join(f"{size:.1f}" for size in sizes)
        lines.append(f"| {server} | {len(sizes)} | {listed} |")
    return "\n".join(lines)


def sweep_table(points: Sequence[SweepPoint], vcpus: int) -> str:
    """The service at each workers x threads setting."""
    lines = [
        f"| workers x threads | req/s | req/s per vCPU ({vcpus} vCPU) | p50 / p99 ms "
        "| CPU ms/req | RSS per worker (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in points:
        rss = max(p.worker_rss_mb, default=0.0)
        lines.append(
            f"| {p.workers} x {p.threads} | {_number(p.requests_per_s)} "
            f"| {_number(p.requests_per_s_per_vcpu)} | {_number(p.p50_ms, 2)} / "
            f"{_number(p.p99_ms, 2)} | {_number(p.cpu_ms_per_request, 2)} | {rss:.1f} |"
        )
    return "\n".join(lines)


def markdown(results: Mapping[str, Any], comparisons: Sequence[Comparison]) -> str:
    """The whole report: settings, the comparison, memory and the sweep if one ran."""
    settings = results["settings"]
    parts = [
        "## Benchmark results",
        "",
        f"{results['started_at']}, commit `{results['git_commit']}`, "
        f"{results['machine']['vcpus']} vCPU, PostgreSQL {results['machine']['postgres']}. "
        f"{settings['rounds']} rounds of {settings['duration_s']} s per server and endpoint, "
        f"{settings['connections']} connections, gunicorn {settings['concurrency']} "
        f"(workers x threads, config: {settings['gunicorn_config'] or 'none, equivalent flags'}), "
        f"{settings['items']} items, {settings['owners']} owners, "
        f"authenticated: {settings['authenticated']}.",
        "",
        comparison_table(comparisons),
        "",
        "Memory after the run:",
        "",
        memory_table(results["memory_mb"]),
    ]
    if results.get("sweep"):
        points = [SweepPoint(**point) for point in results["sweep"]["points"]]
        best = results["sweep"]["best"]
        parts += [
            "",
            f"Sweep on `{results['sweep']['endpoint']}` (best: {best['workers']} x "
            f"{best['threads']}):",
            "",
            sweep_table(points, results["machine"]["vcpus"]),
        ]
    return "\n".join(parts) + "\n"


def chart(comparisons: Sequence[Comparison], path: Path) -> None:
    """Bars of the service/baseline ratio per endpoint, with each target marked."""
    names = [c.endpoint for c in comparisons]
    ratios = [c.ratio or 0.0 for c in comparisons]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.bar(names, ratios, color="#4c72b0")
    for index, c in enumerate(comparisons):
        if c.target_ratio is not None:
            left.hlines(c.target_ratio, index - 0.4, index + 0.4, colors="#c44e52", label="target")
        left.annotate(f"{ratios[index]:.2f}", (index, ratios[index]), ha="center", va="bottom")
    left.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    left.set_ylabel("service / baseline requests/s")
    left.set_title("Ratio to the bare handler (higher is better)")
    handles, labels = left.get_legend_handles_labels()
    if handles:
        left.legend(handles[:1], labels[:1])
    width = 0.4
    positions = range(len(names))
    right.bar(
        [x - width / 2 for x in positions],
        [c.service.requests_per_s for c in comparisons],
        width,
        label="service",
    )
    right.bar(
        [x + width / 2 for x in positions],
        [c.baseline.requests_per_s for c in comparisons],
        width,
        label="baseline",
    )
    right.set_xticks(list(positions), names)
    right.set_ylabel("requests/s")
    right.set_title("Throughput (median of rounds)")
    right.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write(results: Mapping[str, Any], comparisons: Sequence[Comparison], directory: Path) -> str:
    """Write the JSON, markdown and chart into `directory`; return the markdown."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / JSON_NAME).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    text = markdown(results, comparisons)
    (directory / MARKDOWN_NAME).write_text(text)
    chart(comparisons, directory / CHART_NAME)
    return text
