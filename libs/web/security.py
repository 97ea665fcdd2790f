"""Security headers on every response, and CORS for the configured origins only."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response
from flask_cors import CORS

from libs.web.request_context import REQUEST_ID_HEADER

# An API answer is data, never a page to render, frame or execute.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
# What a browser script on an allowed origin may send and read, unless the service says more.
CORS_REQUEST_HEADERS = ("Content-Type", REQUEST_ID_HEADER)
CORS_EXPOSED_HEADERS = ("Location", REQUEST_ID_HEADER)
# (lower-case name, name, value) of each header a response gets unless it has its own.
_DEFAULTS = tuple(
    (name.lower(), name, value)
    for name, value in {**SECURITY_HEADERS, "Content-Security-Policy": API_CSP}.items()
)


def _secure(response: Response) -> Response:
    # One pass over the headers: werkzeug's lookups each rescan them and raise on a miss.
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    for lower, name, value in _DEFAULTS:
        if lower not in present:
            headers.add(name, value)
    if "cache-control" not in present:
        # A response with an ETag may be kept but must be revalidated; others are not stored.
        etag = "etag" in present and response.get_etag()[0]
        headers.add("Cache-Control", "private, no-cache" if etag else "no-store")
    return response


def init_security(
    app: Flask,
    cors_origins: Sequence[str],
    *,
    request_headers: Sequence[str] = CORS_REQUEST_HEADERS,
    exposed_headers: Sequence[str] = CORS_EXPOSED_HEADERS,
    cors_paths: str = r"/api/*",
) -> None:
    """Add the security headers to every response; allow CORS from `cors_origins` only.

    Allowed origins may call `cors_paths`, send `request_headers` and read `exposed_headers`.
    """
    app.after_request(_secure)
    if cors_origins:
        CORS(
            app,
            resources={cors_paths: {"origins": list(cors_origins)}},
            allow_headers=list(request_headers),
            expose_headers=list(exposed_headers),
            max_age=600,
        )
