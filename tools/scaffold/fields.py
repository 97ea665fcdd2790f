"""Field types of `--field NAME:TYPE[:SIZE][:optional]`, and the code each becomes.

Each type maps to a model column, a schema field with its validation, a migration column,
test data and an invalid value with the error it must get. The first `string` field names
the record: lists sort by it (and by `created_at`) and filter on it.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from tools.scaffold.imports import LINE_LENGTH
from tools.scaffold.names import InvalidName

FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Keeps the generated lines that carry a field's name (twice) within 100 columns.
MAX_FIELD_NAME_LENGTH = 20
# Names the generated code or the list's query arguments already use.
RESERVED_FIELDS = frozenset(
    {"id", "owner_id", "created_at", "updated_at", "version", "page", "page_size", "sort",
     "metadata", "query", "registry"}  # fmt: skip
)
DEFAULT_STRING_LENGTH = 200
MAX_STRING_LENGTH = 10_000
DEFAULT_SCALE = 2
MAX_SCALE = 6
TYPES = ("string", "text", "integer", "decimal", "boolean", "date")
SIZED = {
    "string": (DEFAULT_STRING_LENGTH, 1, MAX_STRING_LENGTH),
    "decimal": (DEFAULT_SCALE, 0, MAX_SCALE),
}
USAGE = "NAME:TYPE[:SIZE][:optional], TYPE one of " + ", ".join(TYPES)
# What a resource has when the command line names no field.
DEFAULT_FIELDS = ("name:string:200",)


@dataclass(frozen=True)
class Field:
    """One field of the resource."""

    name: str
    kind: str
    size: int | None = None
    optional: bool = False

    @property
    def constant(self) -> str | None:
        """The module constant that holds the size: NAME_MAX_LENGTH or PRICE_SCALE."""
        if self.kind == "string":
            return f"{self.name.upper()}_MAX_LENGTH"
        if self.kind == "decimal":
            return f"{self.name.upper()}_SCALE"
        return None

    @property
    def python_type(self) -> str:
        """The Python type of the mapped attribute."""
        base = {"string": "str", "text": "str", "integer": "int", "decimal": "Decimal",
                "boolean": "bool", "date": "date"}[self.kind]  # fmt: skip
        return f"{base} | None" if self.optional else base

    @property
    def column_type(self) -> str | None:
        """The SQLAlchemy type given to mapped_column, where the Python type is not enough."""
        return {
            "string": f"String({self.constant})",
            "text": "Text",
            "decimal": f"Numeric(AMOUNT_PRECISION, {self.constant})",
        }.get(self.kind)

    @property
    def model_line(self) -> str:
        """The mapped attribute in models.py."""
        return fit_call(
            f"{self.name}: Mapped[{self.python_type}] = mapped_column",
            [self.column_type] if self.column_type else [],
        )

    @property
    def check(self) -> tuple[str, str] | None:
        """A CHECK constraint (SQL, name) that the database enforces for this field."""
        if self.kind in ("string", "text") and not self.optional:
            return f"length({self.name}) > 0", f"{self.name}_not_empty"
        if self.kind == "decimal":
            return f"{self.name} >= 0", f"{self.name}_not_negative"
        return None

    @property
    def schema_line(self) -> str:
        """The schema field in schemas.py."""
        presence = ["load_default=None", "allow_none=True"] if self.optional else ["required=True"]
        if self.kind == "string":
            bounds = f"max={self.constant}" if self.optional else f"min=1, max={self.constant}"
            return fit_call(
                f"{self.name} = Text", [*presence, f"validate=validate.Length({bounds})"]
            )
        if self.kind == "text":
            extra = [] if self.optional else ["validate=validate.Length(min=1)"]
            return fit_call(f"{self.name} = Text", [*presence, *extra])
        if self.kind == "decimal":
            return fit_call(f"{self.name} = Amount", [*presence, f"scale={self.constant}"])
        field = {"integer": "Int32", "boolean": "fields.Boolean", "date": "fields.Date"}[self.kind]
        return fit_call(f"{self.name} = {field}", presence)

    @property
    def migration_type(self) -> str:
        """The column type as Alembic writes it."""
        return {
            "string": f"sa.String(length={self.size})",
            "text": "sa.Text()",
            "integer": "sa.Integer()",
            "decimal": f"sa.Numeric(precision=12, scale={self.size})",
            "boolean": "sa.Boolean()",
            "date": "sa.Date()",
        }[self.kind]

    @property
    def sample(self) -> str:
        """A valid value, as Python source of the JSON a client sends."""
        return {
            "string": '"A ' + self.name.replace("_", " ") + '"',
            "text": '"Some text."',
            "integer": "7",
            "decimal": '"12' + ("." + "5".ljust(self.size or 0, "0") if self.size else "") + '"',
            "boolean": "True",
            "date": '"2026-01-31"',
        }[self.kind]

    @property
    def invalid(self) -> tuple[str, str]:
        """An invalid value (Python source) and part of the error message it must get."""
        if self.kind == "string":
            message = (
                f"Longer than maximum length {self.size}."
                if self.optional
                else f"Length must be between 1 and {self.size}."
            )
            return f'"x" * {(self.size or 0) + 1}', message
        return {
            "text": ('"a\\x00b"', "Must not contain NUL"),
            "integer": ("2**31", "Must be greater than or equal to"),
            "decimal": ('"-1"', "Must be greater than or equal to 0"),
            "boolean": ('"maybe"', "Not a valid boolean."),
            "date": ('"2026-02-30"', "Not a valid date."),
        }[self.kind]

    @property
    def factory_value(self) -> str:
        """What the test factory gives this field."""
        return {
            "string": f'factory.Faker("pystr", max_chars={min(self.size or 1, 20)})',
            "text": 'factory.Faker("sentence")',
            "integer": 'factory.Faker("pyint")',
            "decimal": f"factory.LazyFunction(lambda: Decimal({self.sample}))",
            "boolean": "True",
            "date": 'factory.Faker("date_object")',
        }[self.kind]


def fit_call(head: str, arguments: list[str], indent: int = 4, tail: str = "") -> str:
    """`head(arguments)tail` laid out as black lays it out (the first line without its indent)."""
    pad, inner = " " * indent, " " * (indent + 4)
    one_line = f"{head}({', '.join(arguments)}){tail}"
    if indent + len(one_line) <= LINE_LENGTH:
        return one_line
    body = ", ".join(arguments)
    if len(inner) + len(body) <= LINE_LENGTH:
        return f"{head}(\n{inner}{body}\n{pad}){tail}"
    members = "".join(f"{inner}{argument},\n" for argument in arguments)
    return f"{head}(\n{members}{pad}){tail}"


def parse_field(spec: str) -> Field:
    """A `--field` value as a Field; InvalidName says what is wrong with it."""
    parts = spec.split(":")
    optional = parts[-1] == "optional"
    if optional:
        parts = parts[:-1]
    if len(parts) not in (2, 3):
        raise InvalidName(f"field {spec!r}: expected {USAGE}")
    name, kind = parts[0], parts[1]
    if not FIELD_NAME.fullmatch(name) or keyword.iskeyword(name):
        raise InvalidName(f"field {spec!r}: {name!r} must be a lowercase Python identifier")
    if len(name) > MAX_FIELD_NAME_LENGTH:
        raise InvalidName(f"field {spec!r}: names are at most {MAX_FIELD_NAME_LENGTH} characters")
    if name in RESERVED_FIELDS:
        raise InvalidName(f"field {spec!r}: {name!r} is set by the platform; choose another name")
    if kind not in TYPES:
        raise InvalidName(f"field {spec!r}: unknown type {kind!r}; {USAGE}")
    return Field(name, kind, _size(spec, kind, parts[2] if len(parts) == 3 else None), optional)


def _size(spec: str, kind: str, given: str | None) -> int | None:
    if kind not in SIZED:
        if given is not None:
            raise InvalidName(f"field {spec!r}: type {kind} takes no size")
        return None
    default, low, high = SIZED[kind]
    if given is None:
        return default
    if not given.isdigit() or not low <= int(given) <= high:
        raise InvalidName(f"field {spec!r}: the size of {kind} is a whole number {low} to {high}")
    return int(given)


def parse_fields(specs: list[str]) -> tuple[Field, ...]:
    """Every `--field`, checked together: at least one, no name twice."""
    fields = tuple(parse_field(spec) for spec in specs)
    names = [field.name for field in fields]
    for name in names:
        if names.count(name) > 1:
            raise InvalidName(f"field {name!r} is given twice")
    if not fields:
        raise InvalidName(f"give the resource at least one --field {USAGE}")
    return fields


def title_field(fields: tuple[Field, ...]) -> Field | None:
    """The first required string field: lists sort by it and filter on it."""
    return next((f for f in fields if f.kind == "string" and not f.optional), None)
