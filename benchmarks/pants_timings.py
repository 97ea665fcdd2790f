"""Time `pants test` on this repo: cold, warm no-op, warm forced, and changed-only after an edit.

Run from the repo root with the Python 3.11 that runs the code (standard library only):

    python3 benchmarks/pants_timings.py [--pairs N]

Cold means empty Pants caches: the runs use a local store, named caches, work dir and pantsd
of their own in a temporary directory (Pants itself stays installed), so the caches and pantsd
of this or any other checkout are neither used nor disturbed; `--no-daemon` runs without one.
Then a warm no-op rerun; then, N times back to back, a full warm run that re-executes every
test (`--test-force`; tool and requirement PEXes cached) and a changed-only run after a
different one-line change, in alternating order, so each ratio compares runs made under about
the same machine load (each step records the load average before and after it, and the CPU time
the machine spent busy: run it on an otherwise idle machine). The change is reverted before the
script returns, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_CHANGE = Path("services/api/items/routes.py")
DEFAULT_OUTPUT = Path("benchmarks/results/pants_timings.json")
CHANGE_LINE = "# benchmarks/pants_timings.py: one-line change {number}, reverted after the run\n"
# One line per test process; a batch of files run in one process is "<first> and N other files".
_RESULT = re.compile(
    r"^\S+ (?P<target>\S+)(?: and (?P<others>\d+) other files?)? "
    r"(?P<outcome>succeeded|failed|timed out)"
    r"(?: in (?P<seconds>[\d.]+)s)?(?: \((?P<cache>[^)]*)\))?\.?\s*$"
)
# The targets: warm no-op at most 15% of cold, changed-only at most 30% of a full warm run.
TARGETS = {"warm_noop_over_cold": 0.15, "changed_only_over_warm_full": 0.30}
_STEP_TIMEOUT_S = 3600
PARALLELISM_ENV = "PANTS_PROCESS_EXECUTION_LOCAL_PARALLELISM"
PROC_STAT = Path("/proc/stat")
GIT = shutil.which("git") or "git"


@dataclass(frozen=True)
class TestCounts:
    """Test targets (files) a `pants test` run reported, ran, took from cache and failed, the
    pytest processes it ran them in (a batch runs several files in one), and the sum of those
    processes' durations (busy slots: unlike wall time, it does not depend on how they packed)."""

    total: int
    ran: int
    cached: int
    failed: int
    processes: int
    process_seconds: float = 0.0


@dataclass(frozen=True)
class Step:
    """One timed Pants invocation, with the 1-minute load average before and after it and the
    CPU time the whole machine spent busy meanwhile (None where /proc/stat is missing)."""

    name: str
    command: list[str]
    seconds: float
    exit_code: int
    tests: TestCounts
    load: tuple[float, float] = (0.0, 0.0)
    cpu_seconds: float | None = None


def count_tests(output: str) -> TestCounts:
    """Count the test targets in the result lines Pants prints at the end of `test`."""
    total = ran = cached = failed = processes = 0
    process_seconds = 0.0
    for line in output.splitlines():
        match = _RESULT.match(line.strip())
        if match is None:
            continue
        files = 1 + int(match["others"] or 0)
        total += files
        if match["outcome"] != "succeeded":
            failed += files
        if match["cache"] and ("cached" in match["cache"] or "memoized" in match["cache"]):
            cached += files
        else:
            ran += files
            processes += 1
            process_seconds += float(match["seconds"] or 0)
    return TestCounts(total, ran, cached, failed, processes, round(process_seconds, 1))


def busy_cpu_seconds(stat: str) -> float:
    """Seconds of CPU time all cores spent busy since boot, from /proc/stat's first line: user,
    nice, system, irq and softirq (not idle, iowait or time the hypervisor stole)."""
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in stat.split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float | None:
    """busy_cpu_seconds of this machine now; None where there is no /proc/stat (macOS)."""
    return busy_cpu_seconds(PROC_STAT.read_text()) if PROC_STAT.exists() else None


def share(part: float, whole: float) -> float | None:
    """part / whole to 3 places; None when whole is 0."""
    return round(part / whole, 3) if whole else None


def pants_options(cache_root: Path, daemon: bool) -> list[str]:
    """Global options giving these runs caches, and a pantsd if any, of their own."""
    options = [
        f"--local-store-dir={cache_root / 'lmdb_store'}",
        f"--named-caches-dir={cache_root / 'named_caches'}",
        f"--pants-workdir={cache_root / 'workdir'}",
    ]
    if not daemon:
        return ["--no-pantsd", *options]
    # Its own metadata dir makes it a second daemon, beside any this checkout already runs.
    return ["--pantsd", f"--pants-subprocessdir={cache_root / 'pids'}", *options]


def stop_daemons(cache_root: Path) -> None:
    """Stop the pantsd these runs started (found through their own metadata dir)."""
    for pid_file in (cache_root / "pids").glob("**/pantsd/pid"):
        pid = int(pid_file.read_text().strip() or 0)
        cmdline = Path(f"/proc/{pid}/cmdline")
        if pid <= 0 or not cmdline.exists() or b"pantsd" not in cmdline.read_bytes():
            continue
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.5)


def shown(command: Sequence[str], pants: str, cache_root: Path) -> list[str]:
    """`command` as the results show it: no paths of this machine."""
    return [part.replace(pants, "./pants").replace(str(cache_root), "$CACHES") for part in command]


def run_step(name: str, command: list[str], log_dir: Path) -> Step:
    """Run one Pants command, keep its output in `log_dir`, and time it."""
    print(f"pants_timings: {name}: {' '.join(command)}", file=sys.stderr, flush=True)
    load_before = os.getloadavg()[0]
    busy_before = machine_busy_seconds()
    started = time.monotonic()
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=_STEP_TIMEOUT_S, check=False
    )
    seconds = round(time.monotonic() - started, 1)
    busy_after = machine_busy_seconds()
    cpu = None if busy_before is None or busy_after is None else round(busy_after - busy_before)
    load = (round(load_before, 2), round(os.getloadavg()[0], 2))
    output = completed.stdout + completed.stderr
    (log_dir / f"{name}.log").write_text(output)
    step = Step(name, command, seconds, completed.returncode, count_tests(output), load, cpu)
    print(
        f"pants_timings: {name}: {seconds} s, {cpu} CPU s, load {load}, {step.tests}",
        file=sys.stderr,
    )
    return step


def tracked_changes() -> str:
    """`git status` of tracked files: empty when the working tree is clean."""
    return subprocess.run(
        [GIT, "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def measure(
    pants: str, change: Path, pairs: int, cache_root: Path, log_dir: Path, daemon: bool
) -> list[Step]:
    """Cold, warm no-op, then `pairs` times a forced full run and a changed-only run."""
    options = pants_options(cache_root, daemon)
    steps = [
        run_step("cold", [pants, *options, "test", "::"], log_dir),
        run_step("warm_noop", [pants, *options, "test", "::"], log_dir),
    ]
    changed = [pants, *options, "--changed-since=HEAD", "--changed-dependents=transitive", "test"]
    full = [pants, *options, "test", "--test-force", "::"]
    for number in range(1, pairs + 1):
        if number % 2 == 0:  # every other pair changed-only first, so that drift cancels
            steps.append(run_changed(f"changed_only_{number}", changed, change, number, log_dir))
        steps.append(run_step(f"warm_full_{number}", full, log_dir))
        if number % 2 == 1:
            steps.append(run_changed(f"changed_only_{number}", changed, change, number, log_dir))
    return steps


def run_changed(name: str, command: list[str], change: Path, number: int, log_dir: Path) -> Step:
    """Run `command` with a one-line change appended to `change`, then revert it."""
    original = change.read_bytes()
    try:
        # A different line each time: the same one would find the last pair's results cached.
        change.write_bytes(original + CHANGE_LINE.format(number=number).encode())
        return run_step(name, command, log_dir)
    finally:
        change.write_bytes(original)


def summary(steps: Sequence[Step]) -> dict[str, object]:
    """The issue's ratios: warm no-op / cold, and changed-only / warm full for each pair."""
    by_name = {step.name: step for step in steps}
    pairs = sorted(int(name.rsplit("_", 1)[1]) for name in by_name if name.startswith("warm_full_"))
    changed_over_full = [
        share(by_name[f"changed_only_{n}"].seconds, by_name[f"warm_full_{n}"].seconds)
        for n in pairs
    ]
    measured = [ratio for ratio in changed_over_full if ratio is not None]
    ratios = {
        "warm_noop_over_cold": share(by_name["warm_noop"].seconds, by_name["cold"].seconds),
        "changed_only_over_warm_full": statistics.median(measured) if measured else None,
    }
    busy_over_full = [
        share(
            by_name[f"changed_only_{n}"].tests.process_seconds,
            by_name[f"warm_full_{n}"].tests.process_seconds,
        )
        for n in pairs
    ]
    return {
        **ratios,
        "changed_only_over_warm_full_per_pair": changed_over_full,
        "changed_only_over_warm_full_process_seconds_per_pair": busy_over_full,
        "targets": TARGETS,
        # None where a ratio was not measured (no pairs were run).
        "met": {
            name: None if ratio is None else ratio <= TARGETS[name]
            for name, ratio in ratios.items()
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the timings and write them as JSON; 1 if a run failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--change-file", type=Path, default=DEFAULT_CHANGE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--pairs",
        type=int,
        default=2,
        help="full warm + changed-only pairs (default 2; 0 times only cold and warm no-op)",
    )
    parser.add_argument("--keep-caches", action="store_true", help="keep the temporary caches")
    parser.add_argument(
        "--no-daemon",
        dest="daemon",
        action="store_false",
        help="run without pantsd (the default starts one of its own, as developers have)",
    )
    args = parser.parse_args(argv)
    pants = str(Path("pants").resolve())
    if not Path(pants).is_file() or not args.change_file.is_file():
        parser.error("run from the repo root (./pants and --change-file must exist)")
    if args.pairs < 0:
        parser.error("--pairs must be 0 or more")
    if tracked_changes():
        parser.error("the working tree has changes; commit or stash them first")
    if not os.environ.get("TEST_DATABASE_URL"):
        print(
            "pants_timings: TEST_DATABASE_URL unset: tests start their own servers", file=sys.stderr
        )
    cache_root = Path(tempfile.mkdtemp(prefix="pants-timings-"))
    log_dir = Path(tempfile.mkdtemp(prefix="pants-timings-logs-"))
    print(f"pants_timings: output of each run in {log_dir}", file=sys.stderr)
    try:
        steps = measure(pants, args.change_file, args.pairs, cache_root, log_dir, args.daemon)
    finally:
        stop_daemons(cache_root)
        if not args.keep_caches:
            shutil.rmtree(cache_root, ignore_errors=True)
    if tracked_changes():
        raise RuntimeError("the working tree was left modified")  # measure() restores it
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": subprocess.run(
            [GIT, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip(),
        "vcpus": os.cpu_count(),
        "pantsd": args.daemon,
        # Pants' slots for processes: the variable where set, else its default, one a core.
        "local_parallelism": os.environ.get(PARALLELISM_ENV, "cores"),
        "test_database_url_set": bool(os.environ.get("TEST_DATABASE_URL")),
        "change_file": str(args.change_file),
        "steps": [
            {**asdict(step), "command": shown(step.command, pants, cache_root)} for step in steps
        ],
        "ratios": summary(steps),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(
        json.dumps({step.name: [step.seconds, step.tests.ran, step.tests.total] for step in steps})
    )
    print(json.dumps(results["ratios"]))
    return 1 if any(step.exit_code or step.tests.failed for step in steps) else 0


if __name__ == "__main__":
    sys.exit(main())
