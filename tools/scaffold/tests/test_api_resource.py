"""The API's items resource is what the scaffolder generates for it, line for line."""

import difflib
from datetime import date
from pathlib import Path, PurePosixPath

from tools.scaffold.cli import template_context
from tools.scaffold.fields import parse_fields
from tools.scaffold.names import derive_names
from tools.scaffold.render import render_files

REPO = Path(__file__).resolve().parents[3]
# The command that generates services/api/items (docs/scaffolding.md shows it too).
API_FIELDS = ["name:string:200", "description:string:2000:optional", "price:decimal:2"]
REGENERATE = "new-service api --resource item --owner-table users " + " ".join(
    f"--field {field}" for field in API_FIELDS
)


def test_the_api_resource_files_are_the_rendered_templates():
    context = template_context(
        derive_names("api", "item"), 0, parse_fields(API_FIELDS), "users", date(2026, 1, 1)
    )
    rendered = render_files(context, "services/__service__/__plural__")
    assert {str(path) for path in rendered} == {
        "services/api/items/BUILD",
        "services/api/items/__init__.py",
        "services/api/items/models.py",
        "services/api/items/routes.py",
        "services/api/items/schemas.py",
        "services/api/items/service.py",
    }
    assert rendered.pop(PurePosixPath("services/api/items/BUILD")) == "python_sources()\n"
    drift = []
    for path, text in rendered.items():
        committed = (REPO / str(path)).read_text(encoding="utf-8")
        if committed != text:
            lines = difflib.unified_diff(
                committed.splitlines(), text.splitlines(), str(path), "template", lineterm=""
            )
            drift.append("\n".join(lines))
    assert not drift, (
        "services/api/items drifted from tools/scaffold/templates (what `"
        + REGENERATE
        + "` renders); make them the same:\n"
        + "\n".join(drift)
    )
