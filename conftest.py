"""Loaded for every test: the check that lists missing tools before any test runs."""

pytest_plugins = ["libs.testing.prerequisites"]
