"""What the resource templates need to know about the fields, worked out once in Python."""

from __future__ import annotations

from tools.scaffold.fields import Field, fit_call, title_field
from tools.scaffold.names import Names


def _from(module: str, names: set[str]) -> str:
    return f"from {module} import {', '.join(sorted(names))}"


def model_imports(fields: tuple[Field, ...]) -> list[str]:
    """The third-party imports of models.py."""
    sqlalchemy = {"Index"}
    sqlalchemy |= {"CheckConstraint"} if any(f.check for f in fields) else set()
    sqlalchemy |= {"String"} if any(f.kind == "string" for f in fields) else set()
    sqlalchemy |= {"Text"} if any(f.kind == "text" for f in fields) else set()
    sqlalchemy |= {"Numeric"} if any(f.kind == "decimal" for f in fields) else set()
    return [_from("sqlalchemy", sqlalchemy), "from sqlalchemy.orm import Mapped, mapped_column"]


def table_args(names: Names, fields: tuple[Field, ...]) -> list[str]:
    """The members of `__table_args__`: CHECK constraints, then the list's indexes."""
    members = [
        fit_call("CheckConstraint", [f'"{sql}"', f'name="{name}"'], indent=8) + ","
        for sql, name in (f.check for f in fields if f.check)
    ]
    members += [
        "# The list filters by owner and sorts by one of these, the id breaking ties; the",
        "# leading owner_id also serves lookups by owner.",
    ]
    members += [
        fit_call("Index", [f'"ix_{names.plural}_owner_id_{c}"', '"owner_id"', f'"{c}"', '"id"'], 8)
        + ","
        for c in sort_columns(fields)
    ]
    return members


def migration_lines(names: Names, fields: tuple[Field, ...], owner_table: str | None) -> list[str]:
    """The arguments of `op.create_table` after the table's name."""
    columns = [("id", "sa.Integer()", False), ("owner_id", "sa.Integer()", False)]
    columns += [(f.name, f.migration_type, f.optional) for f in fields]
    columns += [
        ("created_at", "sa.DateTime(timezone=True)", False),
        ("updated_at", "sa.DateTime(timezone=True)", False),
        ("version", "sa.Integer()", False),
    ]
    lines = [
        fit_call("sa.Column", [f'"{name}"', kind, f"nullable={nullable}"], indent=8)
        for name, kind, nullable in columns
    ]
    lines += [
        fit_call("sa.CheckConstraint", [f'"{sql}"', f'name=op.f("ck_{names.plural}_{name}")'], 8)
        for sql, name in (f.check for f in fields if f.check)
    ]
    if owner_table:
        key = f'name=op.f("fk_{names.plural}_owner_id_{owner_table}")'
        lines.append(
            fit_call(
                "sa.ForeignKeyConstraint",
                ['["owner_id"]', f'["{owner_table}.id"]', key, 'ondelete="CASCADE"'],
                indent=8,
            )
        )
    lines.append(
        fit_call("sa.PrimaryKeyConstraint", ['"id"', f'name=op.f("pk_{names.plural}")'], 8)
    )
    return [line + "," for line in lines]


def index_lines(names: Names, fields: tuple[Field, ...]) -> list[str]:
    """The `op.create_index` calls for the list's orders."""
    return [
        fit_call(
            "op.create_index",
            [
                f'"ix_{names.plural}_owner_id_{c}"',
                f'"{names.plural}"',
                f'["owner_id", "{c}", "id"]',
            ],
        )
        for c in sort_columns(fields)
    ]


def sort_columns(fields: tuple[Field, ...]) -> list[str]:
    """What a list may be sorted by: the title field, then the creation time."""
    title = title_field(fields)
    return ([title.name] if title else []) + ["created_at"]


def standard_imports(fields: tuple[Field, ...]) -> list[str]:
    """The standard-library imports of models.py."""
    lines = []
    if any(f.kind == "date" for f in fields):
        lines.append("from datetime import date")
    if any(f.kind == "decimal" for f in fields):
        lines.append("from decimal import Decimal")
    return lines


def schema_imports(names: Names, fields: tuple[Field, ...]) -> list[str]:
    """The libs and service imports of schemas.py."""
    kinds = {f.kind for f in fields}
    lines = [
        "from libs.web.pagination import PageQuerySchema",
        "from libs.web.timestamp import Timestamp",
    ]
    own_fields = {"Amount"} if "decimal" in kinds else set()
    own_fields |= {"Int32"} if "integer" in kinds else set()
    if own_fields:
        lines.append(_from("libs.web.fields", own_fields))
    if kinds & {"string", "text"}:
        lines.append("from libs.web.text import Text")
    constants = {f.constant for f in fields if f.constant}
    if constants:
        lines.append(_from(f"services.{names.service}.{names.plural}.models", constants))
    lines.append(f"from services.{names.service}.{names.plural}.service import {names.plural}")
    return lines


def records_line(names: Names, fields: tuple[Field, ...]) -> str:
    """The `Records(...)` that service.py binds to the plural name."""
    title = title_field(fields)
    sorts = ", ".join(f'"{name}"' for name in sort_columns(fields))
    arguments = [
        "db",
        names.resource_class,
        f'label="{names.resource_words.capitalize()}"',
        f"sort_columns=({sorts},)" if not title else f"sort_columns=({sorts})",
    ]
    if title:
        arguments.append(f'search="{title.name}"')
    return fit_call(f"{names.plural} = Records", arguments, indent=0)


def resource_context(
    names: Names, fields: tuple[Field, ...], owner_table: str | None
) -> dict[str, object]:
    """The template variables that come from the fields and the owner's table."""
    return {
        "fields": fields,
        "title": title_field(fields),
        "sort_columns": sort_columns(fields),
        "table_args": table_args(names, fields),
        "constants": [(f.constant, f.size) for f in fields if f.constant],
        "uses_amounts": any(f.kind == "decimal" for f in fields),
        "owner_key": f'owner_key("{owner_table}.id")' if owner_table else "owner_key()",
        "owner_table": owner_table or "",
        "model_imports": "\n".join(model_imports(fields)),
        "standard_imports": "\n".join(standard_imports(fields)),
        "schema_imports": "\n".join(schema_imports(names, fields)),
        "records_line": records_line(names, fields),
        "migration_lines": migration_lines(names, fields, owner_table),
        "index_lines": index_lines(names, fields),
        "blueprint_line": fit_call(
            "blp = Blueprint",
            [
                f'"{names.plural}"',
                "__name__",
                f'url_prefix="{names.url_path}"',
                f'description="{names.plural_words.capitalize()}."',
            ],
            indent=0,
        ),
        "write_signatures": {
            method: fit_call(
                f"def {method}",
                ["self", "data: dict[str, Any]", f"{names.resource}_id: int"],
                tail=f" -> {names.resource_class}:",
            )
            for method in ("put", "patch")
        },
        "location_line": fit_call(
            "location = url_for",
            [
                f'"{names.plural}.{names.resource_class}ById"',
                f'{names.resource}_id={names.resource}["id"]',
            ],
            indent=8,
        ),
    }
