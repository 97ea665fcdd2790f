"""Drive a server with wrk: the Lua request script, the command line, and the parsed figures."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = (
    "wrk is not on PATH. Install it (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk)."
)
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
_DURATION = r"([\d.]+)(us|ms|s|m|h)"


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed something that is not a wrk report."""


@dataclass(frozen=True)
class Load:
    """How hard and how long one wrk run drives the server."""

    connections: int
    duration_s: int
    threads: int = 1
    timeout_s: int = 10


@dataclass(frozen=True)
class Request:
    """What each request sends: method, paths cycled in order, headers and body."""

    method: str
    paths: Sequence[str]
    headers: Mapping[str, str]
    body: str | None = None


@dataclass(frozen=True)
class WrkResult:
    """The figures one wrk run reports."""

    requests: int
    duration_s: float
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


def ensure_wrk() -> str:
    """The wrk binary; installed from apt first when missing and this process may do so."""
    path = shutil.which("wrk")
    if path is not None:
        return path
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise WrkError(INSTALL_HINT)
    print("benchmark: wrk is missing; installing it: apt-get install wrk", file=sys.stderr)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in ([apt, "update", "-qq"], [apt, "install", "-y", "-qq", "wrk"]):
        if subprocess.run(step, env=environment, check=False).returncode != 0:
            raise WrkError(f"{' '.join(step)} failed. {INSTALL_HINT}")
    path = shutil.which("wrk")
    if path is None:
        raise WrkError(INSTALL_HINT)
    return path


def version(wrk: str) -> str:
    """What `wrk -v` says about itself (first line)."""
    completed = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    return (completed.stdout or completed.stderr).strip().splitlines()[0]


def lua_script(request: Request) -> str:
    """A wrk script sending `request`, cycling through its paths."""
    if not request.paths:
        raise ValueError("a request needs at least one path")
    lines = [f"wrk.method = {_lua_string(request.method)}"]
    lines += [
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request.headers.items()
    ]
    if request.body is not None:
        lines.append(f"wrk.body = {_lua_string(request.body)}")
    lines.append("local paths = {" + ", ".join(_lua_string(p) for p in request.paths) + "}")
    lines += [
        "local next_index = 0",
        "request = function()",
        "  next_index = next_index % #paths + 1",
        "  return wrk.format(nil, paths[next_index])",
        "end",
    ]
    return "\n".join(lines) + "\n"


def _lua_string(value: str) -> str:
    # For printable ASCII, a JSON string literal is also a valid Lua one.
    if not (value.isascii() and value.isprintable()):
        raise ValueError("wrk script values must be printable ASCII")
    return json.dumps(value)


def command(wrk: str, base_url: str, script: Path, load: Load) -> list[str]:
    """The wrk command line for one run."""
    if load.connections < load.threads:
        raise ValueError("wrk needs at least one connection per thread")
    if load.duration_s < 1 or load.timeout_s < 1:
        raise ValueError("wrk takes whole seconds: duration and timeout must be at least 1")
    return [
        wrk,
        f"--threads={load.threads}",
        f"--connections={load.connections}",
        f"--duration={load.duration_s}s",
        f"--timeout={load.timeout_s}s",
        "--latency",
        f"--script={script}",
        base_url,
    ]


def run(base_url: str, request: Request, load: Load) -> WrkResult:
    """Run wrk once against `base_url` and return its parsed figures."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise WrkError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as directory:
        script = Path(directory) / "request.lua"
        script.write_text(lua_script(request))
        completed = subprocess.run(
            command(wrk, base_url, script, load),
            capture_output=True,
            text=True,
            timeout=load.duration_s + load.timeout_s + 30,
            check=False,
        )
    if completed.returncode != 0:
        raise WrkError(f"wrk exited with {completed.returncode}: {completed.stderr.strip()}")
    return parse_output(completed.stdout)


def parse_output(text: str) -> WrkResult:
    """Parse the report `wrk --latency` prints."""
    totals = re.search(r"^\s*(\d+) requests in " + _DURATION, text, re.MULTILINE)
    rate = re.search(r"^Requests/sec:\s*([\d.]+)", text, re.MULTILINE)
    percentiles = {
        int(match[1]): _milliseconds(match[2], match[3])
        for match in re.finditer(r"^\s*(\d+)%\s+" + _DURATION + r"\s*$", text, re.MULTILINE)
    }
    if totals is None or rate is None or not {50, 99} <= percentiles.keys():
        raise WrkError(f"not a wrk --latency report:\n{text}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return WrkResult(
        requests=int(totals[1]),
        duration_s=_milliseconds(totals[2], totals[3]) / 1000,
        requests_per_s=float(rate[1]),
        p50_ms=percentiles[50],
        p99_ms=percentiles[99],
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(count) for count in errors.groups()) if errors else 0,
    )


def _milliseconds(number: str, unit: str) -> float:
    return float(number) * _UNITS[unit]
