"""GitHub Actions expressions (`${{ ... }}`): the subset the workflows use, with GitHub's rules.

Operators `!`, `==`, `!=`, `&&`, `||` and parentheses; literals; context paths with `.` and
`[...]`; the functions format, contains, startsWith, endsWith, join, toJSON, fromJSON, hashFiles
and the status checks. As on GitHub, `&&` and `||` return an operand, string comparison ignores
case, and a missing property is null.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<number>-?\d+(?:\.\d+)?)|(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||[!()\[\].,])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
_TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


class ExpressionError(ValueError):
    """An expression this evaluator cannot read."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(f"cannot read {text!r} at {text[position:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _truthy(value: Any) -> bool:
    return value not in (None, False, 0, "") and value == value  # NaN is false


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    return bool(left == right)


def _format(template: str, *arguments: Any) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: _text(arguments[int(m.group(1))]), template)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


class Evaluator:
    """Evaluates expressions against contexts (github, env, vars, job, needs, steps...)."""

    def __init__(
        self, contexts: Mapping[str, Any], workspace: Path, status: Callable[[], str]
    ) -> None:
        self.contexts = contexts
        self.workspace = workspace
        self.status = status  # "success", "failure" or "cancelled" of the job so far

    def functions(self) -> dict[str, Callable[..., Any]]:
        """The built-in functions by lower-case name."""
        return {
            "format": _format,
            "contains": lambda haystack, needle: (
                any(_equal(item, needle) for item in haystack)
                if isinstance(haystack, list)
                else _text(needle).lower() in _text(haystack).lower()
            ),
            "startswith": lambda text, prefix: _text(text)
            .lower()
            .startswith(_text(prefix).lower()),
            "endswith": lambda text, suffix: _text(text).lower().endswith(_text(suffix).lower()),
            "join": lambda items, separator=",": _text(separator).join(map(_text, items)),
            "tojson": lambda value: json.dumps(value, indent=2),
            "fromjson": json.loads,
            "hashfiles": self.hash_files,
            "success": lambda: self.status() == "success",
            "failure": lambda: self.status() == "failure",
            "cancelled": lambda: self.status() == "cancelled",
            "always": lambda: True,
        }

    def hash_files(self, *patterns: str) -> str:
        """SHA-256 of the SHA-256 of each matching file, as GitHub computes it ('' for none)."""
        files = sorted({path for pattern in patterns for path in self.workspace.glob(pattern)})
        if not files:
            return ""
        digest = hashlib.sha256()
        for path in files:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    def evaluate(self, expression: str) -> Any:
        """The value of one expression (the text between `${{` and `}}`)."""
        parser = _Parser(_tokens(expression), self)
        value = parser.either()
        if parser.position != len(parser.tokens):
            raise ExpressionError(
                f"unexpected {parser.tokens[parser.position][1]!r} in {expression!r}"
            )
        return value

    def condition(self, text: str | bool | None) -> bool:
        """An `if:`: with no status function in it, success() && (it), as GitHub reads it."""
        if text is None:
            return self.status() == "success"
        if isinstance(text, bool):
            return text and self.status() == "success"
        expression = _TEMPLATE.sub(lambda m: m.group(1), str(text)).strip()
        if not re.search(r"\b(success|failure|cancelled|always)\s*\(", expression):
            expression = f"success() && ({expression})"
        return _truthy(self.evaluate(expression))

    def substitute(self, value: Any) -> Any:
        """A workflow value with every `${{ }}` replaced (recursively in mappings and lists)."""
        if isinstance(value, str):
            whole = _TEMPLATE.fullmatch(value.strip())
            if whole:  # a value that is one expression keeps its type
                return self.evaluate(whole.group(1))
            return _TEMPLATE.sub(lambda m: _text(self.evaluate(m.group(1))), value)
        if isinstance(value, dict):
            return {key: self.substitute(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.substitute(item) for item in value]
        return value


class _Parser:
    """Recursive descent over the tokens, lowest precedence first."""

    def __init__(self, tokens: list[tuple[str, str]], evaluator: Evaluator) -> None:
        self.tokens = tokens
        self.position = 0
        self.evaluator = evaluator

    def peek(self) -> str:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ExpressionError("the expression ends too early")
        token = self.tokens[self.position]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, got {token[1]!r}")
        self.position += 1
        return token

    def either(self) -> Any:
        left = self.both()
        while self.peek() == "||":
            self.take()
            right = self.both()
            left = left if _truthy(left) else right
        return left

    def both(self) -> Any:
        left = self.comparison()
        while self.peek() == "&&":
            self.take()
            right = self.comparison()
            left = right if _truthy(left) else left
        return left

    def comparison(self) -> Any:
        left = self.unary()
        while self.peek() in ("==", "!="):
            operator = self.take()[1]
            right = self.unary()
            left = _equal(left, right) if operator == "==" else not _equal(left, right)
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not _truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Any:
        kind, text = self.take()
        if text == "(":
            value = self.either()
            self.take(")")
            return value
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r}")
        literal = {"true": True, "false": False, "null": None}
        if text in literal:
            return literal[text]
        if self.peek() == "(":
            return self.call(text)
        return self.evaluator.contexts.get(text)

    def call(self, name: str) -> Any:
        function = self.evaluator.functions().get(name.lower())
        if function is None:
            raise ExpressionError(f"unknown function {name}()")
        self.take("(")
        arguments = []
        while self.peek() != ")":
            arguments.append(self.either())
            if self.peek() == ",":
                self.take()
        self.take(")")
        return function(*arguments)

    def postfix(self, value: Any) -> Any:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                key: Any = self.take()[1]
            else:
                key = self.either()
                self.take("]")
            if isinstance(value, dict):
                value = value.get(key, value.get(str(key)))
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                value = None
        return value
