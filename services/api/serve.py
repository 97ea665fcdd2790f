"""Serve the API locally: `pants run services/api:serve`."""

from libs.web.serve import serve
from services.api.app import create_app
from services.api.settings import ApiSettings

if __name__ == "__main__":
    serve(create_app, ApiSettings)
