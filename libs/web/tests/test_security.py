"""Security headers on every response; CORS only for the origins the service allows."""

import pytest

from libs.web.tests.webapp import NOTES, create_app

ALLOWED = "https://app.example.com"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "Content-Type, X-Request-ID",
}


@pytest.mark.parametrize("path", [NOTES, f"{NOTES}/9", "/no/such/path", "/probe/fail", "/metrics"])
def test_every_response_has_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_a_response_with_an_etag_may_be_kept_but_is_revalidated(client):
    assert client.get("/probe/etag").headers["Cache-Control"] == "private, no-cache"


def test_no_cors_without_origins(client):
    response = client.options(NOTES, headers={"Origin": ALLOWED, **PREFLIGHT})
    assert "Access-Control-Allow-Origin" not in response.headers
    response = client.get(NOTES, headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.fixture
def cors_client():
    return create_app(cors_origins=(ALLOWED, "https://admin.example.com")).test_client()


def test_cors_allows_a_listed_origin_the_default_headers(cors_client):
    preflight = cors_client.options(NOTES, headers={"Origin": ALLOWED, **PREFLIGHT})
    assert preflight.headers["Access-Control-Allow-Origin"] == ALLOWED
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert {"content-type", "x-request-id"} <= {name.strip() for name in allowed.split(",")}
    response = cors_client.get(NOTES, headers={"Origin": ALLOWED})
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    exposed = {
        name.strip() for name in response.headers["Access-Control-Expose-Headers"].split(",")
    }
    assert exposed == {"Location", "X-Request-ID"}


def test_cors_ignores_an_unlisted_origin(cors_client):
    for origin in ("https://evil.example.com", "https://app.example.com.evil.net"):
        response = cors_client.options(NOTES, headers={"Origin": origin, **PREFLIGHT})
        assert "Access-Control-Allow-Origin" not in response.headers
        response = cors_client.get(NOTES, headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_covers_only_the_api_paths(cors_client):
    response = cors_client.get("/metrics", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers
