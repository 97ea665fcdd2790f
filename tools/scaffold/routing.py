"""The new service's rule on the shared load balancer: a free priority and a path no one serves."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

from tools.scaffold.render import ScaffoldError

# Each generated env file claims its priority with a local of this name (see its template).
PRIORITY_CLAIM = re.compile(r"^\s*listener_priority_(\d+)\s*=", re.MULTILINE)
PATH_PATTERNS = re.compile(r"^\s*path_patterns\s*=\s*\[([^\]]*)\]", re.MULTILINE)
QUOTED = re.compile(r'"([^"]+)"')
# Below 1000 is left for rules written by hand; 50000, the last a listener allows, is the API's
# rule for every path (infra/environment/main.tf), so services sit before it.
FIRST_PRIORITY, LAST_PRIORITY = 1000, 49999


def env_files(repo_root: Path) -> list[Path]:
    """The Terraform files of every environment root."""
    return sorted((repo_root / "infra" / "envs").glob("*/*.tf"))


def claimed_priorities(repo_root: Path) -> set[int]:
    """Listener rule priorities that services in any environment have claimed."""
    return {
        int(number)
        for path in env_files(repo_root)
        for number in PRIORITY_CLAIM.findall(path.read_text(encoding="utf-8"))
    }


def pick_priority(service: str, taken: set[int]) -> int:
    """A free priority, the same for a name in every repo: a hash of the name, then the next free.

    Hashing rather than "highest plus one" keeps two branches that each add a service from
    picking the same number; if they still collide, Terraform refuses the merged files.
    """
    span = LAST_PRIORITY - FIRST_PRIORITY + 1
    start = zlib.crc32(service.encode()) % span
    for step in range(span):
        candidate = FIRST_PRIORITY + (start + step) % span
        if candidate not in taken:
            return candidate
    raise ScaffoldError("every listener rule priority is taken")


def routed_paths(repo_root: Path) -> dict[str, str]:
    """Paths already served, each with where it is declared: env route rules and OpenAPI specs."""
    found: dict[str, str] = {}
    for path in env_files(repo_root):
        for patterns in PATH_PATTERNS.findall(path.read_text(encoding="utf-8")):
            for pattern in QUOTED.findall(patterns):
                found.setdefault(pattern, path.relative_to(repo_root).as_posix())
    for spec in sorted(repo_root.glob("services/*/openapi.json")):
        for route in json.loads(spec.read_text(encoding="utf-8")).get("paths", {}):
            found.setdefault(route, spec.relative_to(repo_root).as_posix())
    return found


def check_path_free(url_path: str, repo_root: Path) -> None:
    """Refuse a base path that another service already serves, at or below it."""
    for route, source in sorted(routed_paths(repo_root).items()):
        if route == url_path or route.startswith(url_path + "/"):
            raise ScaffoldError(
                f"{route} is already served ({source}); the load balancer would send "
                f"{url_path} to one service only: pick another resource or --plural"
            )
