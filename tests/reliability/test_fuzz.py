"""Fuzzing: schemathesis sends generated requests to every operation of the running service."""

from __future__ import annotations

import collections
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis

from tests.reliability.api import new_user
from tests.reliability.conftest import service_environment
from tests.reliability.service import Service, gunicorn

# Generated cases per operation in the fuzzing phase; the examples and coverage phases add more.
MAX_EXAMPLES = 100
MIN_CASES = 1000
# No 5xx, and every response as the spec documents it; plus 405 with Allow for undeclared
# methods, and 401 when a secured operation is called without credentials.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "unsupported_method",
    "ignored_auth",
)
# gunicorn answers a request line over its limit (4094 bytes) itself, in HTML, before the app
# sees the request; only negative cases with long query strings get there.
REQUEST_LINE_TOO_LONG = 414
cases: collections.Counter[str] = collections.Counter()
statuses: collections.Counter[int] = collections.Counter()


@pytest.fixture(scope="module")
def service(
    database_url: str, secret_key: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service under gunicorn on the migrated test database."""
    directory: Path = tmp_path_factory.mktemp("fuzz")
    with gunicorn(directory, service_environment(database_url, secret_key)) as running:
        yield running


@pytest.fixture(scope="module")
def seed(request: pytest.FixtureRequest) -> int:
    """The seed of this run: --hypothesis-seed=N replays one; otherwise a fresh one, printed."""
    given = request.config.getoption("hypothesis_seed")
    value = int(given) if given is not None else secrets.randbelow(2**31)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"fuzzing seed {value}: replay with -- --hypothesis-seed={value}")
    return value


@pytest.fixture(scope="module")
def auth_headers(service: Service) -> dict[str, str]:
    """A registered user's bearer token."""
    return new_user(service.base, "fuzz")[1]


@pytest.fixture(scope="module")
def api_schema(service: Service, seed: int) -> Any:
    """The running service's own OpenAPI document, configured for this run."""
    config = schemathesis.Config.from_dict(
        {
            "seed": seed,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "with-security-parameters": False,
                "database": "none",
            },
            # Generation may be slow on a busy CI machine; that is no defect of the API.
            "suppress-health-check": ["too_slow"],
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "request-timeout": 30,
        }
    )
    return schemathesis.openapi.from_url(service.url("/api/v1/openapi.json"), config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_every_operation_conforms_and_never_fails_on_the_server(
    case: Any, auth_headers: dict[str, str]
) -> None:
    cases[case.operation.label] += 1
    # Passed here rather than in the config, so that ignored_auth knows them for credentials.
    response = case.call(headers=auth_headers)
    statuses[response.status_code] += 1
    if (
        response.status_code == REQUEST_LINE_TOO_LONG
        and "Request Line is too large" in response.text
    ):
        return
    case.validate_response(response, headers=auth_headers)


def test_at_least_the_minimum_number_of_cases_was_sent(seed: int, figures: dict[str, Any]) -> None:
    figures.update(
        seed=seed,
        operations=len(cases),
        cases=sum(cases.values()),
        cases_per_operation=dict(sorted(cases.items())),
        statuses={str(code): count for code, count in sorted(statuses.items())},
        server_errors=sum(count for code, count in statuses.items() if code >= 500),
        refused_by_gunicorn_request_line_too_long=statuses[REQUEST_LINE_TOO_LONG],
    )
    assert sum(cases.values()) >= MIN_CASES, dict(cases)
