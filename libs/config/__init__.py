"""Typed settings from the environment, validated at start-up."""

from libs.config.settings import (
    ConfigError,
    Environment,
    ServiceSettings,
    describe_errors,
    load_settings,
)

__all__ = ["ConfigError", "Environment", "ServiceSettings", "describe_errors", "load_settings"]
