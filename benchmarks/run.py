"""The benchmark's command: `./pants run benchmarks:run -- [options]` (see --help)."""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from types import FrameType

from benchmarks import harness, report
from benchmarks.auth import AuthError
from benchmarks.options import parse_args
from benchmarks.servers import ServerError
from benchmarks.wrk import WrkError
from libs.testing.postgres import PostgresUnavailable


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # SystemExit unwinds through every context manager, which stops the servers.
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, write benchmarks/results/, print the table; 1 if a request failed."""
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # Ctrl-C raises KeyboardInterrupt even when started where SIGINT was ignored (`cmd &`).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        results, comparisons = harness.run(options)
    except (AuthError, PostgresUnavailable, ServerError, WrkError) as error:
        print(f"benchmark: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("benchmark: interrupted; every server it started is stopped", file=sys.stderr)
        return 130
    print(report.write(results, comparisons, options.output_dir))
    failed = [
        c.endpoint
        for c in comparisons
        if c.service.non_2xx or c.baseline.non_2xx or (c.peer is not None and c.peer.non_2xx)
    ]
    if failed:
        print(f"benchmark: non-2xx responses on {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
