"""Security headers on every response, and CORS for the configured origins only."""

from __future__ import annotations

from flask import Flask, Response
from flask_cors import CORS

from services.api.request_context import REQUEST_ID_HEADER

# An API answer is data, never a page to render, frame or execute.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
# What a browser script on an allowed origin may send and read.
CORS_REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    REQUEST_ID_HEADER,
]
CORS_EXPOSED_HEADERS = [
    "ETag",
    "Link",
    "Location",
    "Retry-After",
    "X-Pagination",
    REQUEST_ID_HEADER,
]


def _secure(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", API_CSP)
    if "Cache-Control" not in response.headers:
        # A response with an ETag may be kept but must be revalidated; others are not stored.
        response.headers["Cache-Control"] = (
            "private, no-cache" if response.get_etag()[0] else "no-store"
        )
    return response


def init_security(app: Flask, cors_origins: tuple[str, ...]) -> None:
    """Add the security headers to every response; allow CORS from `cors_origins` only."""
    app.after_request(_secure)
    if cors_origins:
        CORS(
            app,
            resources={r"/api/*": {"origins": list(cors_origins)}},
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            max_age=600,
        )
