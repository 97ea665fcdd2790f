"""Checks report healthy, failing with a reason, or timed out."""

import threading

import pytest

from libs.health import HealthRegistry, Probe


def passing() -> None:
    """A check that always passes."""


def failing() -> None:
    raise ConnectionError("database refused the connection")


def test_no_checks_is_healthy():
    report = HealthRegistry().run(Probe.LIVENESS)
    assert report.healthy
    assert report.as_dict() == {"status": "ok", "checks": {}}


def test_all_passing_is_healthy():
    registry = HealthRegistry()
    registry.register("one", passing)
    registry.register("two", passing)
    report = registry.run(Probe.READINESS)
    assert report.healthy
    assert set(report.as_dict()["checks"]) == {"one", "two"}


def test_a_raising_check_fails_the_report_with_its_reason():
    registry = HealthRegistry()
    registry.register("cache", passing)
    registry.register("database", failing)
    report = registry.run(Probe.READINESS)
    assert not report.healthy
    checks = report.as_dict()["checks"]
    assert checks["cache"]["status"] == "ok"
    assert checks["database"] == {
        "status": "failing",
        "duration_ms": checks["database"]["duration_ms"],
        "reason": "ConnectionError: database refused the connection",
    }


def test_a_hanging_check_times_out():
    release = threading.Event()
    registry = HealthRegistry(timeout_seconds=0.2)
    registry.register("slow", lambda: release.wait(5))
    try:
        report = registry.run(Probe.READINESS)
    finally:
        release.set()
    assert not report.healthy
    assert report.as_dict()["checks"]["slow"]["reason"] == "timed out after 0.2s"


def test_probes_are_separate():
    registry = HealthRegistry()
    registry.register("database", failing, Probe.READINESS)
    assert registry.run(Probe.LIVENESS).healthy
    assert not registry.run(Probe.READINESS).healthy


def test_duplicate_names_are_refused():
    registry = HealthRegistry()
    registry.register("database", passing)
    with pytest.raises(ValueError, match="already registered"):
        registry.register("database", passing)
