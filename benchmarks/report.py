"""The results as JSON, markdown tables (figures and goals) and a PNG chart."""

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


# The servers in the report's order and names; the API is what the others are compared with.
SERVERS = ("API", "peer", "scaffolded", "bare")


def _servers(c: Comparison) -> list[tuple[str, Figures]]:
    """The servers measured on an endpoint, in the report's order and names."""
    measured = {"API": c.service, "peer": c.peer, "scaffolded": c.scaffolded, "bare": c.baseline}
    return [(name, figures) for name in SERVERS if (figures := measured[name]) is not None]


def _against_api(c: Comparison, server: str) -> tuple[str, str]:
    """The ratio a server's row carries (always with the API on top but for the scaffolded
    service, which is held to the API), and its req/s goal with the verdict."""
    ratio, target, label = {
        "peer": (c.peer_ratio, c.peer_target_ratio, "API/peer"),
        "scaffolded": (c.scaffolded_ratio, c.scaffolded_target_ratio, "scaffolded/API"),
        "bare": (c.ratio, c.target_ratio, "API/bare"),
    }.get(server, (None, None, ""))
    if not label:
        return "", ""
    goal = ""
    if target is not None:
        goal = f"≥ {target:.2f} " + ("✓" if ratio is not None and ratio >= target else "✗")
    return f"{label} {_number(ratio, 2)}", goal


def comparison_table(comparisons: Sequence[Comparison]) -> str:
    """One row per endpoint and server: throughput, latency, CPU, errors, and on each row but
    the API's its ratio with the API and the req/s goal."""
    lines = [
        "| endpoint | server | req/s | p50 ms | p99 ms | CPU ms/req | errors | ratio | goal |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for c in comparisons:
        for server, f in _servers(c):
            ratio, goal = _against_api(c, server)
            lines.append(
                f"| {c.endpoint} | {server} | {_number(f.requests_per_s)} "
                f"| {_number(f.p50_ms, 2)} | {_number(f.p99_ms, 2)} "
                f"| {_number(f.cpu_ms_per_request, 2)} | {_errors(f)} | {ratio} | {goal} |"
            )
    return "\n".join(lines)


def goals_table(comparisons: Sequence[Comparison]) -> str:
    """Each goal of each endpoint: the figure, the bound, met or by how much it is missed."""
    lines = ["| endpoint | goal | figure | bound | met |", "| --- | --- | ---: | ---: | --- |"]
    for c in comparisons:
        for goal in c.goals():
            bound = ("≥ " if goal.higher_is_better else "≤ ") + f"{goal.target:.2f}"
            missed = f"✗, missed by {goal.missed_by:.0%}" if goal.missed_by is not None else "✗"
            lines.append(
                f"| {c.endpoint} | {goal.name} | {_number(goal.value, 2)} | {bound} "
                f"| {'✓' if goal.met else missed} |"
            )
    return "\n".join(lines)


def memory_table(memory: Mapping[str, Sequence[float]]) -> str:
    """Resident memory of each server's worker processes after the run."""
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
        f"{settings['connections']} connections. API and bare handler: gunicorn "
        f"{settings['concurrency']} (workers x threads, config: "
        f"{settings['gunicorn_config'] or 'none, equivalent flags'}); peer (FastAPI, SQLModel, "
        f"psycopg 3): uvicorn, {settings['peer_workers']} workers. "
        f"{settings['items']} items, {settings['owners']} owners, "
        f"authenticated: {settings['authenticated']}.",
        "",
        "The scaffolded service is one made by the scaffolder (`new-service scaffolded "
        "--resource item`, the API's item fields, rendered at run time), under the API's gunicorn "
        "config, on a database of its own seeded with the same rows; it is measured on get one "
        "and a page of 50.",
        "",
        comparison_table(comparisons),
        "",
        "Goals:",
        "",
        goals_table(comparisons),
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
    """Bars of the API's ratios to the bare handler and to the peer, the scaffolded service's to
    the API, and each server's req/s."""
    names = [c.endpoint for c in comparisons]
    positions = range(len(names))
    width = 0.8 / 3
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for offset, label, values in (
        (-width, "API / bare", [c.ratio for c in comparisons]),
        (0.0, "API / peer", [c.peer_ratio for c in comparisons]),
        (width, "scaffolded / API", [c.scaffolded_ratio for c in comparisons]),
    ):
        # An endpoint without the ratio (not run on that server) gets no bar, not a 0.
        known = [
            (x + offset, value)
            for x, value in zip(positions, values, strict=True)
            if value is not None
        ]
        if known:
            bars = left.bar([x for x, _ in known], [v for _, v in known], width, label=label)
            left.bar_label(bars, fmt="%.2f", fontsize=8)
    for index, c in enumerate(comparisons):
        if c.target_ratio is not None:
            left.hlines(
                c.target_ratio,
                index - 1.5 * width,
                index - width / 2,
                colors="#c44e52",
                label="API/bare target",
            )
    left.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    left.set_xticks(list(positions), names)
    left.set_ylabel("requests/s over the other's")
    left.set_title("Ratios (higher is better)")
    handles, labels = left.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    left.legend(unique.values(), unique.keys(), fontsize=8)
    quarter = 0.8 / len(SERVERS)
    for index, server in enumerate(SERVERS):
        # As on the left: an endpoint a server did not run gets no bar.
        known = [
            (x + (index - 1.5) * quarter, dict(_servers(c))[server].requests_per_s)
            for x, c in zip(positions, comparisons, strict=True)
            if server in dict(_servers(c))
        ]
        if known:
            right.bar([x for x, _ in known], [v for _, v in known], quarter, label=server)
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
