"""One benchmark run: databases, the four servers, rotating rounds, optional sweep, results."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import scaffolded, wrk
from benchmarks.keys import RunKey
from benchmarks.measure import compare_servers
from benchmarks.options import DEFAULT_CONFIG_MODULE, Options, default_config
from benchmarks.progress import log
from benchmarks.servers import (
    BASELINE,
    BASELINE_APP,
    PEER,
    SCAFFOLDED,
    SERVICE,
    SERVICE_APP,
    Concurrency,
    config_concurrency,
    gunicorn,
    uvicorn,
)
from benchmarks.stack import (
    baseline_environment,
    benchmark_server,
    concurrency_environment,
    migrate,
    peer_environment,
    seed,
    seed_scaffolded,
    service_environment,
)
from benchmarks.summary import Comparison
from benchmarks.sweep import sweep
from libs.testing.postgres import database_on


def run(options: Options) -> tuple[dict[str, Any], list[Comparison]]:
    """The whole benchmark; every process it starts is stopped when it returns or fails."""
    wrk_version = wrk.version(wrk.ensure_wrk())
    started = datetime.now(UTC).isoformat(timespec="seconds")
    load_before = os.getloadavg()
    config = options.gunicorn_config
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as work_name,
        benchmark_server(options.database_url) as admin_url,
        database_on(admin_url) as database,
        database_on(admin_url) as scaffolded_database,
    ):
        work = Path(work_name)
        log(f"PostgreSQL {database.server_version}: migrating")
        migrate(database.url)
        scaffolded_root = scaffolded.render(work / "scaffolded-repo")
        log(f"scaffolded {scaffolded.APP} into {scaffolded_root}: migrating its database")
        scaffolded.migrate(scaffolded_root, scaffolded_database.url)
        key = RunKey.generate()
        env = service_environment(database.url, options, work, key)
        found = config_concurrency(config, env)
        concurrency = Concurrency(
            options.workers or found.workers, options.threads or found.threads
        )
        env.update(concurrency_environment(options, concurrency))
        shown = _display_path(config) or "none"
        log(f"service and baseline under gunicorn {concurrency}, config: {shown}")
        log(f"peer under uvicorn with {concurrency.workers} workers: {options.peer_pex}")
        with ExitStack() as servers:
            service = servers.enter_context(
                gunicorn(SERVICE, SERVICE_APP, concurrency, config, env, work)
            )
            seeded = seed(service, database.url, options)
            log(f"seeded {options.items} items, {seeded.owners} owners")
            peer = servers.enter_context(
                uvicorn(
                    PEER,
                    options.peer_pex,
                    concurrency.workers,
                    peer_environment(database.url, key),
                    work,
                )
            )
            baseline_env = {
                **baseline_environment(database.url, concurrency.threads, options, seeded, work),
                **concurrency_environment(options, concurrency),
            }
            baseline = servers.enter_context(
                gunicorn(BASELINE, BASELINE_APP, concurrency, config, baseline_env, work)
            )
            seed_scaffolded(scaffolded_database.url, options, seeded)
            made = servers.enter_context(
                gunicorn(
                    SCAFFOLDED,
                    scaffolded.APP,
                    concurrency,
                    config,
                    {
                        **scaffolded.environment(scaffolded_database.url, key.jwks, work),
                        **options.service_env,
                        **concurrency_environment(options, concurrency),
                    },
                    work,
                    import_roots=[scaffolded_root],
                )
            )
            measured = [service, peer, baseline, made]
            comparisons = compare_servers(measured, options, seeded)
            memory = {server.name: server.worker_rss_mb() for server in measured}
        sweep_results = sweep(options, env, seeded, config, work) if options.sweep else None
    results = {
        "schema_version": 2,
        "started_at": started,
        "git_commit": git_commit(),
        "machine": {
            "vcpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "wrk": wrk_version,
            "postgres": database.server_version,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "settings": {
            "rounds": options.rounds,
            "duration_s": options.duration_s,
            "warmup_s": options.warmup_s,
            "connections": options.connections,
            "wrk_threads": options.wrk_threads,
            "concurrency": str(concurrency),
            "peer_workers": concurrency.workers,
            "scaffolded_app": scaffolded.APP,
            "gunicorn_config": _display_path(config),
            "items": options.items,
            "owners": seeded.owners,
            "authenticated": bool(seeded.tokens or options.token),
            "list_query": options.list_query,
            "list_sort": options.list_sort,
        },
        "endpoints": [c.as_dict() for c in comparisons],
        "memory_mb": {k: [round(v, 1) for v in sizes] for k, sizes in memory.items()},
        "sweep": sweep_results,
    }
    return results, comparisons


def _display_path(path: Path | None) -> str | None:
    if path is None:
        return None
    if path == default_config():
        return f"python:{DEFAULT_CONFIG_MODULE}"
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def git_commit() -> str:
    """The commit measured, marked -dirty when the working tree has changes."""
    try:
        git = shutil.which("git") or "git"
        commit = subprocess.run(
            [git, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")
