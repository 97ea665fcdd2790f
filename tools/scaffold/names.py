"""Validation of service and resource names, and the names derived from them."""

from __future__ import annotations

import keyword
import re
from dataclasses import asdict, dataclass

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# Keeps the longest generated lines within the 100 columns black and ruff allow.
MAX_NAME_LENGTH = 24
# Modules a generated service already has; a resource package must not take one of their names.
SERVICE_MODULES = frozenset(
    {"app", "database", "extensions", "health", "manage", "migrations", "serve", "settings",
     "tests", "wsgi"}  # fmt: skip
)
# Alembic's own table lives beside the resource's table.
RESERVED_TABLES = frozenset({"alembic_version"})
# Classes the generated modules import or define; a model or view class must not shadow one.
RESERVED_CLASSES = frozenset(
    {"Any", "Api", "Base", "BaseApplication", "Blueprint", "Check", "CheckConstraint",
     "DateTime", "DefaultExecutionContext", "Dialect", "Engine", "Field", "Flask", "FlaskClient",
     "FlaskGroup", "Health", "HealthRegistry", "Iterator", "LocalServer", "Mapped", "MetaData",
     "MethodView", "Migrate", "Path", "Probe", "Ready", "SQLAlchemy", "SQLAlchemyModelFactory",
     "Schema", "String", "TestDatabase", "TypeDecorator", "UTCDateTime", "ValidationError"}
)  # fmt: skip


class InvalidName(ValueError):
    """A name the scaffolder cannot use; the message says why and what to do instead."""


def check_identifier(kind: str, name: str) -> str:
    """Return `name` if it can be a Python package, module or table name; raise otherwise."""
    if "-" in name:
        suggestion = name.replace("-", "_")
        raise InvalidName(
            f"{kind} name {name!r} has '-'; Python packages cannot, use {suggestion!r}"
        )
    if not NAME_PATTERN.fullmatch(name):
        raise InvalidName(
            f"{kind} name {name!r} must be lowercase, start with a letter and use only a-z, 0-9, _"
        )
    if name.endswith("_") or "__" in name:
        raise InvalidName(f"{kind} name {name!r} must not end in '_' or contain '__'")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise InvalidName(f"{kind} name {name!r} is a Python keyword")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(f"{kind} name {name!r} is longer than {MAX_NAME_LENGTH} characters")
    return name


def pluralise(singular: str) -> str:
    """English plural of the last word of `singular`, by the common suffix rules."""
    if re.search(r"(s|x|z|ch|sh)$", singular):
        return singular + "es"
    if re.search(r"[^aeiou]y$", singular):
        return singular[:-1] + "ies"
    return singular + "s"


def camel(name: str) -> str:
    """`line_item` -> `LineItem`."""
    return "".join(part.capitalize() for part in name.split("_"))


def words(name: str) -> str:
    """`line_item` -> `line item`, for docstrings and messages."""
    return name.replace("_", " ")


def with_article(phrase: str) -> str:
    """`order` -> `an order`; good enough for generated docstrings."""
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


@dataclass(frozen=True)
class Names:
    """Every name the templates use, derived from the service and resource names."""

    service: str
    service_slug: str
    service_class: str
    service_title: str
    resource: str
    resource_class: str
    resource_words: str
    a_resource: str
    plural: str
    plural_class: str
    plural_words: str
    url_path: str

    def as_context(self) -> dict[str, str]:
        """The names as a template context."""
        return asdict(self)


def derive_names(service: str, resource: str, plural: str | None = None) -> Names:
    """Validate the names and derive the rest; raise InvalidName with the reason on a bad name."""
    check_identifier("service", service)
    check_identifier("resource", resource)
    plural = check_identifier("plural", plural) if plural else pluralise(resource)
    check_identifier("plural", plural)
    if plural == resource:
        raise InvalidName(
            f"plural {plural!r} equals the resource name; pass a distinct --plural "
            "(the model and the collection view need different class names)"
        )
    if plural in SERVICE_MODULES:
        raise InvalidName(f"plural {plural!r} would clash with the service's {plural} module")
    if plural in RESERVED_TABLES:
        raise InvalidName(f"plural {plural!r} is the name of Alembic's own table")
    for kind, name in (("resource", resource), ("plural", plural)):
        if camel(name) in RESERVED_CLASSES:
            raise InvalidName(
                f"{kind} {name!r} would make class {camel(name)}, which the code uses"
            )
    return Names(
        service=service,
        service_slug=service.replace("_", "-"),
        service_class=camel(service),
        service_title=words(service).capitalize(),
        resource=resource,
        resource_class=camel(resource),
        resource_words=words(resource),
        a_resource=with_article(words(resource)),
        plural=plural,
        plural_class=camel(plural),
        plural_words=words(plural),
        url_path=f"/api/v1/{plural.replace('_', '-')}",
    )
