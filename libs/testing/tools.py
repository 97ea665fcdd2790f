"""The programs the tests start, how to tell whether each is here, and how to install it.

Standard library only: `.ci/ensure-test-tools` runs `python3 -m libs.testing.tools` before
anything is installed, to learn which Debian packages are missing.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# Where the browser usually is when it is not on PATH (macOS installs apps, not commands).
MACOS_BROWSERS = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
BROWSER_COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass(frozen=True)
class Tool:
    """A program some tests need: `problem()` says why it cannot be used, None when it can."""

    label: str
    problem: Callable[[], str | None]
    debian: str
    macos: str
    debian_packages: tuple[str, ...] = ()

    def hint(self) -> str:
        """The install commands, one line per system."""
        return f"Debian/Ubuntu: {self.debian}\n    macOS: {self.macos}"


def postgres_bindir() -> Path | None:
    """The directory holding `initdb` and `pg_ctl`: PATH, then pg_config, then Debian's layout."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if bindir and (Path(bindir) / "initdb").exists():
            return Path(bindir)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def browser_executable() -> str | None:
    """A Chromium or Chrome binary that Playwright can drive."""
    for command in BROWSER_COMMANDS:
        found = shutil.which(command)
        if found:
            return found
    return next((path for path in MACOS_BROWSERS if os.access(path, os.X_OK)), None)


def _command(name: str) -> Callable[[], str | None]:
    return lambda: None if shutil.which(name) else f"{name} is not on PATH"


def _commands(*names: str) -> Callable[[], str | None]:
    def problem() -> str | None:
        missing = [name for name in names if shutil.which(name) is None]
        return f"{', '.join(missing)} not on PATH" if missing else None

    return problem


def _postgres_binaries() -> str | None:
    return None if postgres_bindir() else "initdb and pg_ctl not found"


def _postgres_server() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None if postgres_bindir() else "TEST_DATABASE_URL is unset and initdb not found"
    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or 5432)
    try:
        with socket.create_connection(address, timeout=3):
            return None
    except OSError as error:
        return f"TEST_DATABASE_URL names {address[0]}:{address[1]}, which refuses: {error}"


def _browser() -> str | None:
    return None if browser_executable() else "no chromium, chromium-browser or google-chrome"


POSTGRES_DEBIAN = "sudo apt-get install postgresql"
POSTGRES_MACOS = "brew install postgresql@15 && brew link postgresql@15"

TOOLS: dict[str, Tool] = {
    "redis-server": Tool(
        "redis-server (a throwaway Redis for the shared rate limits)",
        _command("redis-server"),
        "sudo apt-get install redis-server",
        "brew install redis",
        ("redis-server",),
    ),
    "wrk": Tool(
        "wrk (the benchmark's load generator)",
        _command("wrk"),
        "sudo apt-get install wrk",
        "brew install wrk",
        ("wrk",),
    ),
    "docker-registry": Tool(
        "the distribution registry (ECR's stand-in in the deploy tests)",
        _commands("docker-registry"),
        "sudo apt-get install docker-registry",
        "brew install distribution",
        ("docker-registry",),
    ),
    "postgresql": Tool(
        "PostgreSQL server binaries (tests that start a private server)",
        _postgres_binaries,
        POSTGRES_DEBIAN,
        POSTGRES_MACOS,
        ("postgresql",),
    ),
    "postgresql-server": Tool(
        "a PostgreSQL server (TEST_DATABASE_URL, or the binaries to start one)",
        _postgres_server,
        f"{POSTGRES_DEBIAN}, or export TEST_DATABASE_URL=$(.ci/start-postgres)",
        f"{POSTGRES_MACOS}, or export TEST_DATABASE_URL=postgresql://...",
        ("postgresql",),
    ),
    "buildah": Tool(
        "buildah and debootstrap, as root (the image test builds the Dockerfile)",
        _commands("buildah", "debootstrap"),
        "sudo apt-get install buildah debootstrap",
        "not available: the image test runs on Linux (CI runs it)",
        ("buildah", "debootstrap"),
    ),
    "chromium": Tool(
        "Chromium or Chrome (the browser test of /docs)",
        _browser,
        "sudo apt-get install chromium (Ubuntu: sudo snap install chromium)",
        "brew install --cask chromium",
        ("chromium",),
    ),
    "terraform": Tool(
        "terraform >= 1.11 (the infrastructure tests)",
        _command("terraform"),
        "https://developer.hashicorp.com/terraform/install (HashiCorp's apt repository)",
        "brew install hashicorp/tap/terraform",
    ),
}

# The helpers that start a tool, by module and qualified name; a test needs a tool when its
# code, its fixtures or the test helpers they call refer to one of these.
NEEDS: dict[str, tuple[str, ...]] = {
    "libs.testing.redis.redis_server": ("redis-server",),
    "libs.testing.postgres.postgres_database": ("postgresql-server",),
    "libs.testing.postgres.postgres_server": ("postgresql",),
    "libs.testing.postgres.throwaway_server": ("postgresql",),
    "libs.testing.postgres.PostgresServer": ("postgresql",),
    "libs.testing.containers.unavailable_reason": ("buildah",),
    "libs.testing.containers.kept_buildah_storage": ("buildah",),
    "libs.testing.browser.chromium": ("chromium",),
    "benchmarks.run.main": ("wrk", "postgresql-server"),
    "benchmarks.wrk.ensure_wrk": ("wrk",),
    "infra.tests.harness.find_terraform": ("terraform",),
}


def missing(names: list[str]) -> dict[str, str]:
    """Each of `names` that cannot be used here, with the reason."""
    problems = {name: TOOLS[name].problem() for name in names}
    return {name: problem for name, problem in problems.items() if problem}


def main(argv: list[str]) -> int:
    """`python3 -m libs.testing.tools [--debian-packages] [NAME...]`: what is missing."""
    packages_only = "--debian-packages" in argv
    names = [arg for arg in argv if not arg.startswith("--")] or list(TOOLS)
    unknown = sorted(set(names) - set(TOOLS))
    if unknown:
        print(f"unknown tools: {', '.join(unknown)}; known: {', '.join(TOOLS)}", file=sys.stderr)
        return 2
    absent = missing(names)
    if packages_only:
        packages = {package for name in absent for package in TOOLS[name].debian_packages}
        print(" ".join(sorted(packages)))
        return 0
    for name, problem in absent.items():
        print(f"{TOOLS[name].label}: {problem}\n    {TOOLS[name].hint()}")
    return 1 if absent else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
