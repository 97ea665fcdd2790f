"""Management commands (`db upgrade`, `routes`, ...) for the API, with its settings."""

from flask.cli import FlaskGroup

from services.api.app import create_app

cli = FlaskGroup(create_app=create_app, help="Manage the items API.")

if __name__ == "__main__":
    cli()
