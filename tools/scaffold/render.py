"""Render the template tree into a staging directory, then move it into the repo all at once."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tools.scaffold.imports import sort_imports

TEMPLATES_DIR = Path(__file__).parent / "templates"
SUFFIX = ".j2"
# Path segments may hold these tokens; each becomes the value of the same-named context key.
PATH_TOKENS = ("service", "resource", "plural")


class ScaffoldError(RuntimeError):
    """The scaffolder refused to write anything; the message says why."""


@dataclass(frozen=True)
class Planned:
    """One template and where its output goes, relative to the repo root."""

    template: str
    destination: PurePosixPath
    # The first path the template creates (a new directory or the file itself); it and
    # everything under it are new, so moving it into place is what publishes the output.
    anchor: PurePosixPath


@dataclass(frozen=True)
class Plan:
    """What a run writes, and which templates it leaves out because their place is missing."""

    files: tuple[Planned, ...]
    skipped: tuple[Planned, ...]

    @property
    def anchors(self) -> tuple[PurePosixPath, ...]:
        """The new top-level paths, in a stable order."""
        return tuple(sorted({planned.anchor for planned in self.files}))


def _substitute(segment: str, context: Mapping[str, object]) -> tuple[str, bool]:
    """Replace `__token__` markers in one path segment; report whether there were any."""
    replaced = segment
    for token in PATH_TOKENS:
        replaced = replaced.replace(f"__{token}__", str(context[token]))
    return replaced, replaced != segment


def plan(repo_root: Path, context: Mapping[str, object], templates: Path = TEMPLATES_DIR) -> Plan:
    """Map every `*.j2` under `templates` to its destination; templates mirror the repo layout.

    A template is optional by place: it is rendered only if the directory that would hold its
    first new path already exists (so `infra/...` templates wait until `infra/` exists).
    """
    files: list[Planned] = []
    skipped: list[Planned] = []
    for path in sorted(templates.rglob(f"*{SUFFIX}")):
        template = path.relative_to(templates).as_posix()
        parts: list[str] = []
        anchor_length = 0
        for segment in PurePosixPath(template.removesuffix(SUFFIX)).parts:
            replaced, tokenised = _substitute(segment, context)
            parts.append(replaced)
            if tokenised and not anchor_length:
                anchor_length = len(parts)
        if not anchor_length:
            raise ScaffoldError(
                f"template {template} has no __service__, __resource__ or __plural__ in its path, "
                "so a second service would overwrite its output"
            )
        destination = PurePosixPath(*parts)
        planned = Planned(template, destination, PurePosixPath(*parts[:anchor_length]))
        place_exists = (repo_root / planned.anchor.parent).is_dir()
        (files if place_exists else skipped).append(planned)
    return Plan(tuple(files), tuple(skipped))


def environment(templates: Path = TEMPLATES_DIR) -> Environment:
    """Jinja2 set up for source code: strict variables, no HTML escaping, files kept verbatim."""
    env = Environment(
        loader=FileSystemLoader(templates),
        undefined=StrictUndefined,
        # Generated files are Python, TOML, INI and HCL: escaping is for HTML only.
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["sort_imports"] = sort_imports
    return env


def check_free(repo_root: Path, anchors: tuple[PurePosixPath, ...]) -> None:
    """Refuse to run if any path the scaffolder would create exists already."""
    taken = [str(anchor) for anchor in anchors if os.path.lexists(repo_root / anchor)]
    if taken:
        raise ScaffoldError(f"refusing to overwrite existing paths: {', '.join(taken)}")


@contextmanager
def staging_dir(repo_root: Path) -> Iterator[Path]:
    """A scratch directory on the repo's file system (so renames out of it are atomic)."""
    # A dot-directory: Pants and `git status --ignored` aside, nothing looks at it.
    stage = Path(tempfile.mkdtemp(prefix=".scaffold-", dir=repo_root))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def render_into(
    stage: Path, files: tuple[Planned, ...], context: Mapping[str, object], templates: Path
) -> None:
    """Write every planned file under `stage`."""
    env = environment(templates)
    for planned in files:
        target = stage / planned.destination
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(env.get_template(planned.template).render(context), encoding="utf-8")


def render_files(
    context: Mapping[str, object], under: str, templates: Path = TEMPLATES_DIR
) -> dict[PurePosixPath, str]:
    """What the templates below `under` (a folder of the template tree) render to, by path."""
    env = environment(templates)
    rendered = {}
    for path in sorted((templates / under).rglob(f"*{SUFFIX}")):
        template = path.relative_to(templates).as_posix()
        parts = [_substitute(segment, context)[0] for segment in PurePosixPath(template).parts]
        destination = PurePosixPath(*parts).with_suffix("")
        rendered[destination] = env.get_template(template).render(context)
    return rendered


def publish(stage: Path, repo_root: Path, anchors: tuple[PurePosixPath, ...]) -> None:
    """Move each anchor from `stage` into the repo; on any failure remove what was moved."""
    placed: list[Path] = []
    try:
        for anchor in anchors:
            source, target = stage / anchor, repo_root / anchor
            # Claim the name exclusively first (fails if it exists), then rename over the claim:
            # rename alone would silently replace an existing file or empty directory.
            if source.is_dir():
                target.mkdir()
            else:
                os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            placed.append(target)
            os.replace(source, target)
    except BaseException:
        for target in reversed(placed):
            _remove(target)
        raise


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def scaffold(
    repo_root: Path, context: Mapping[str, object], templates: Path = TEMPLATES_DIR
) -> Plan:
    """Render the templates for `context` into `repo_root`, all or nothing; return the plan."""
    the_plan = plan(repo_root, context, templates)
    if not the_plan.files:
        raise ScaffoldError(f"no template has a place to go in {repo_root}; is it the repo root?")
    check_free(repo_root, the_plan.anchors)
    with staging_dir(repo_root) as stage:
        render_into(stage, the_plan.files, context, templates)
        publish(stage, repo_root, the_plan.anchors)
    return the_plan
