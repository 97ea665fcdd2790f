"""Security headers, CORS from the allow-list only, and the production start-up refusals."""

import json

import pytest

from libs.auth.keys import jwks, load_signing_key
from libs.config import ConfigError
from services.api.app import create_app
from services.api.tests.factories import make_settings, test_signing_key

URL = "/api/v1/items"
ALLOWED = "https://app.example.com"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "Authorization, Content-Type",
}


@pytest.mark.parametrize("path", [URL, f"{URL}/999", "/health", "/api/v1/openapi.json"])
def test_every_response_has_the_security_headers(auth_client, path):
    headers = auth_client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_no_cors_by_default(client):
    response = client.options(URL, headers={"Origin": ALLOWED, **PREFLIGHT})
    assert "Access-Control-Allow-Origin" not in response.headers
    response = client.get(URL, headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.fixture
def cors_client(database, db):
    settings = make_settings(database.url, cors_origins=f"{ALLOWED}, https://admin.example.com")
    return create_app(settings).test_client()


def test_cors_allows_a_listed_origin(cors_client):
    preflight = cors_client.options(URL, headers={"Origin": ALLOWED, **PREFLIGHT})
    assert preflight.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    response = cors_client.get(URL, headers={"Origin": ALLOWED})
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "X-Request-ID" in response.headers["Access-Control-Expose-Headers"]


def test_cors_ignores_an_unlisted_origin(cors_client):
    for origin in ("https://evil.example.com", "https://app.example.com.evil.net"):
        response = cors_client.options(URL, headers={"Origin": origin, **PREFLIGHT})
        assert "Access-Control-Allow-Origin" not in response.headers
        response = cors_client.get(URL, headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers


GOOD_SECRET = test_signing_key()


@pytest.fixture
def production_env(monkeypatch, database):
    """A complete production environment; each test then breaks one thing."""
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setenv("AUTH_SIGNING_KEY", GOOD_SECRET)
    monkeypatch.delenv("DEBUG", raising=False)
    return monkeypatch


def test_production_starts_with_safe_settings(production_env):
    app = create_app()
    assert app.extensions["settings"].is_production
    assert app.debug is False


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        (
            "AUTH_SIGNING_KEY",
            None,
            "AUTH_PUBLIC_KEYS .or, for the issuing service, AUTH_SIGNING_KEY. is required",
        ),
        ("AUTH_SIGNING_KEY", "too-short", "AUTH_SIGNING_KEY is not an unencrypted PEM private key"),
        ("DEBUG", "true", "DEBUG must be false"),
        ("DATABASE_URL", None, "DATABASE_URL must name a PostgreSQL server"),
        ("DATABASE_URL", "sqlite:///prod.sqlite3", "DATABASE_URL must name a PostgreSQL server"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(
    production_env, variable, value, complaint
):
    if value is None:
        production_env.delenv(variable)
    else:
        production_env.setenv(variable, value)
    with pytest.raises(ConfigError, match=complaint) as refused:
        create_app()
    assert GOOD_SECRET not in str(refused.value)


def test_production_refuses_an_issuer_with_public_keys_only(production_env):
    # Verifying services need only AUTH_PUBLIC_KEYS; the API signs, so it needs its key.
    production_env.delenv("AUTH_SIGNING_KEY")
    production_env.setenv("AUTH_PUBLIC_KEYS", json.dumps(jwks(public_keys_of(GOOD_SECRET))))
    with pytest.raises(ConfigError, match="AUTH_SIGNING_KEY is required when APP_ENV=production"):
        create_app()


@pytest.mark.parametrize(
    "document",
    ["not json", '{"keys": {}}', '{"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}]}'],
)
def test_unusable_public_keys_stop_start_up(production_env, document):
    production_env.setenv("AUTH_PUBLIC_KEYS", document)
    with pytest.raises(ConfigError, match="AUTH_PUBLIC_KEYS"):
        create_app()


def public_keys_of(pem):
    key = load_signing_key(pem)
    return {key.kid: key.public_key}
