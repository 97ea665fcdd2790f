"""Serve the API locally with gunicorn on 127.0.0.1, migrating the embedded database first."""

from __future__ import annotations

from flask import Flask
from gunicorn.app.base import BaseApplication

from libs.config import load_settings
from services.api.app import create_app
from services.api.database import upgrade_to_head
from services.api.settings import ApiSettings


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


def main() -> None:
    """Start the server; the embedded SQLite database is created and migrated on the way."""
    settings = load_settings(ApiSettings)
    app = create_app(settings)
    if settings.uses_embedded_database:
        upgrade_to_head(app)
    options = {"bind": f"127.0.0.1:{settings.port}", "workers": 1, "threads": 4}
    LocalServer(app, options).run()


if __name__ == "__main__":
    main()
