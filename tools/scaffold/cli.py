"""The command line: `new-service NAME --resource SINGULAR [--plural PLURAL] --field ...`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from tools.scaffold.fields import DEFAULT_FIELDS, TYPES, Field, parse_fields
from tools.scaffold.names import InvalidName, Names, derive_names
from tools.scaffold.render import Plan, ScaffoldError, scaffold
from tools.scaffold.resource import resource_context
from tools.scaffold.routing import check_path_free, claimed_priorities, pick_priority


def find_repo_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding pants.toml and services/."""
    for candidate in (start, *start.parents):
        if (candidate / "pants.toml").is_file() and (candidate / "services").is_dir():
            return candidate
    raise ScaffoldError(f"no repo root (pants.toml beside services/) at or above {start}")


def template_context(
    names: Names,
    listener_priority: int,
    fields: tuple[Field, ...] = (),
    owner_table: str | None = None,
    today: date | None = None,
) -> dict[str, object]:
    """The variables every template sees: the names, the fields, the service's load balancer
    rule priority, and the date for the migration header."""
    fields = fields or parse_fields(list(DEFAULT_FIELDS))
    return {
        **names.as_context(),
        **resource_context(names, fields, owner_table),
        "listener_priority": str(listener_priority),
        "created": (today or date.today()).isoformat(),
    }


def parser() -> argparse.ArgumentParser:
    """The argument parser."""
    root = argparse.ArgumentParser(prog="scaffold", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new-service", help="Create services/NAME with one resource.")
    new.add_argument("name", help="service package name, e.g. orders")
    new.add_argument("--resource", required=True, help="singular resource name, e.g. order")
    new.add_argument("--plural", help="plural of the resource when the simple rules get it wrong")
    new.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME:TYPE[:SIZE][:optional]",
        help=f"a field of the resource, repeated; TYPE is one of {', '.join(TYPES)} "
        f"(docs/scaffolding.md); default {' '.join(DEFAULT_FIELDS)}",
    )
    new.add_argument(
        "--owner-table",
        help="a table of the service's own database whose rows own the records (the API: users)",
    )
    new.add_argument(
        "--repo-root", type=Path, help="the repo to write into (default: found from the cwd)"
    )
    return root


def report(names: Names, the_plan: Plan) -> str:
    """What was written, what was left out, and what to do next."""
    service = f"services/{names.service}"
    lines = ["created:", *(f"  {anchor}" for anchor in the_plan.anchors)]
    if the_plan.skipped:
        lines.append("skipped (their directory does not exist in this repo):")
        lines.extend(f"  {planned.destination}" for planned in the_plan.skipped)
    lines += [
        "next:",
        f"  ./pants tailor --check update-build-files --check lint check {service}::",
        f"  ./pants test {service}::",
        f"  ./pants run {service}:serve    # http://127.0.0.1:8000{names.url_path}",
        f"  then add your rules to {service}/{names.plural}/service.py and schemas.py.",
    ]
    if any(anchor.parts[0] == "infra" for anchor in the_plan.anchors):
        lines += [
            '  deploy it (infra/README.md, "Adding a service"), in each environment:',
            "    terraform -chdir=infra/envs/<environment> plan, then apply",
            "    infra/scripts/init-secrets.sh <environment>",
            "    then CD deploys it with every push to main that changes it (docs/ci-cd.md)",
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; exit 0 on success, 2 with a message when nothing could be written."""
    args = parser().parse_args(argv)
    try:
        names = derive_names(args.name, args.resource, args.plural)
        fields = parse_fields(args.field or list(DEFAULT_FIELDS))
        repo_root = (args.repo_root or find_repo_root(Path.cwd())).resolve()
        check_path_free(names.url_path, repo_root)
        priority = pick_priority(names.service, claimed_priorities(repo_root))
        context = template_context(names, priority, fields, args.owner_table)
        the_plan = scaffold(repo_root, context)
    except (InvalidName, ScaffoldError) as error:
        print(f"scaffold: {error}", file=sys.stderr)
        return 2
    print(report(names, the_plan))
    return 0
