"""Serve a service locally with gunicorn on 127.0.0.1, migrating the embedded database first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask
from gunicorn.app.base import BaseApplication

from libs.config import ServiceSettings, load_settings
from libs.db.setup import upgrade_to_head

SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


class LocalServer(BaseApplication):
    """Gunicorn serving an app object that already exists."""

    def __init__(self, app: Flask, options: dict[str, object]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(create_app: Callable[[SettingsT], Flask], settings_class: type[SettingsT]) -> None:
    """Start the server; the embedded SQLite database is created and migrated on the way."""
    settings = load_settings(settings_class)
    app = create_app(settings)
    if settings.uses_embedded_database:
        upgrade_to_head(app)
    options = {"bind": f"127.0.0.1:{settings.port}", "workers": 1, "threads": 4}
    LocalServer(app, options).run()
