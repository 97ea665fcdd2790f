"""Token requests and registrations are rate limited per client address."""

import pytest

from libs.config import ConfigError, load_settings
from libs.testing.redis import redis_server
from services.api.app import create_app
from services.api.settings import ApiSettings
from services.api.tests.factories import PASSWORD, make_settings

TOKEN_URL = "/api/v1/auth/token"
USERS_URL = "/api/v1/users"


@pytest.fixture
def limited(app, database, db):
    """An app allowing two token requests and two registrations a minute."""
    settings = make_settings(
        database.url, rate_limit_token="2/minute", rate_limit_register="2 per minute"
    )
    return create_app(settings).test_client()


def register(client, n):
    return client.post(USERS_URL, json={"email": f"u{n}@example.com", "password": PASSWORD})


def login(client):
    return client.post(TOKEN_URL, json={"email": "u0@example.com", "password": PASSWORD})


def assert_throttled(response):
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_the_third_token_request_in_a_minute_is_429_with_retry_after(limited):
    assert register(limited, 0).status_code == 201
    allowed = [login(limited) for _ in range(2)]
    assert [response.status_code for response in allowed] == [200, 200]
    assert "Retry-After" not in allowed[-1].headers
    assert allowed[-1].headers["X-RateLimit-Remaining"] == "0"
    assert_throttled(login(limited))


def test_the_third_registration_in_a_minute_is_429_with_retry_after(limited):
    assert [register(limited, n).status_code for n in range(2)] == [201, 201]
    assert_throttled(register(limited, 2))


def test_the_limits_are_counted_separately_and_spare_other_routes(limited):
    assert [register(limited, n).status_code for n in range(2)] == [201, 201]
    assert login(limited).status_code == 200
    token = login(limited).get_json()["access_token"]
    for _ in range(3):
        me = limited.get(f"{USERS_URL}/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200


def test_each_client_address_has_its_own_allowance(limited):
    assert [register(limited, n).status_code for n in range(2)] == [201, 201]
    assert_throttled(register(limited, 2))
    elsewhere = {"REMOTE_ADDR": "192.0.2.7"}
    response = limited.post(
        USERS_URL, json={"email": "u9@example.com", "password": PASSWORD}, environ_base=elsewhere
    )
    assert response.status_code == 201


def test_instances_sharing_a_redis_share_the_allowance(app, database, db):
    with redis_server() as redis_url:
        settings = make_settings(
            database.url, rate_limit_register="2/minute", rate_limit_storage_uri=redis_url
        )
        first, second = create_app(settings).test_client(), create_app(settings).test_client()
        assert [register(first, 0).status_code, register(second, 1).status_code] == [201, 201]
        assert_throttled(register(first, 2))
        assert_throttled(register(second, 3))


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("RATE_LIMIT_TOKEN", "lots"),
        ("RATE_LIMIT_REGISTER", "5/fortnight"),
        ("RATE_LIMIT_STORAGE_URI", "memcached://127.0.0.1:11211"),
    ],
)
def test_malformed_limit_settings_stop_start_up(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable):
        load_settings(ApiSettings)


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(app, database, db):
    settings = make_settings(
        database.url, rate_limit_register="1/minute", rate_limit_trusted_proxies=1
    )
    client = create_app(settings).test_client()

    def register_from(address, n, claimed=""):
        forwarded = f"{claimed}, {address}" if claimed else address
        return client.post(
            USERS_URL,
            json={"email": f"p{n}@example.com", "password": PASSWORD},
            headers={"X-Forwarded-For": forwarded},
        )

    assert register_from("198.51.100.1", 0).status_code == 201
    assert_throttled(register_from("198.51.100.1", 1))
    # A client cannot escape its allowance by claiming another address in front of its own.
    assert_throttled(register_from("198.51.100.1", 2, claimed="203.0.113.9"))
    assert register_from("198.51.100.2", 3).status_code == 201


def test_without_trusted_proxies_x_forwarded_for_is_ignored(limited):
    for n in range(2):
        assert register(limited, n).status_code == 201
    spoofed = limited.post(
        USERS_URL,
        json={"email": "s@example.com", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert_throttled(spoofed)
