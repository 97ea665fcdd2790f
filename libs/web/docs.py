"""Interactive API docs at /docs of every service: Swagger UI from the swagger-ui-bundle, no CDN."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

blp = Blueprint("docs", __name__, url_prefix="/docs")

ASSETS_DIR = Path(str(swagger_ui_path))
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"})
ASSET_MAX_AGE = 24 * 3600
# Swagger UI sets inline styles and data: images; everything else comes from this service.
DOCS_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'"
)
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="{css}">
  <link rel="icon" type="image/png" href="{icon}">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{bundle}"></script>
  <script src="{init}"></script>
</body>
</html>
"""
# No validator badge: it would call validator.swagger.io.
INIT = """window.ui = SwaggerUIBundle({{
  url: {spec_url},
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null
}});
"""


@blp.get("")
def page() -> Response:
    """The Swagger UI page for the API's OpenAPI spec."""
    html = PAGE.format(
        title=escape(current_app.config["API_TITLE"]),
        css=url_for("docs.asset", name="swagger-ui.css"),
        icon=url_for("docs.asset", name="favicon-32x32.png"),
        bundle=url_for("docs.asset", name="swagger-ui-bundle.js"),
        init=url_for("docs.initializer"),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@blp.get("/init.js")
def initializer() -> Response:
    """Start Swagger UI on this service's spec."""
    spec_url = json.dumps(url_for("api-docs.openapi_json"))
    return Response(INIT.format(spec_url=spec_url), mimetype="text/javascript")


@blp.get("/assets/<name>")
def asset(name: str) -> Response:
    """A file of the Swagger UI distribution."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(ASSETS_DIR, name, max_age=ASSET_MAX_AGE)
