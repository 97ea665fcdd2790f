"""A registry of named liveness and readiness checks."""

from libs.health.registry import Check, CheckResult, HealthRegistry, HealthReport, Probe

__all__ = ["Check", "CheckResult", "HealthRegistry", "HealthReport", "Probe"]
