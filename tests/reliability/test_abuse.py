"""Abuse: stolen, forged and expired tokens, password guessing, huge and hostile input."""

from __future__ import annotations

import base64
import itertools
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import psycopg2
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.auth.keys import load_signing_key
from libs.testing.redis import redis_server
from tests.reliability.api import PASSWORD, TIMEOUT_SECONDS, assert_problem, unique_email
from tests.reliability.conftest import service_environment
from tests.reliability.service import Service, gunicorn

TOKEN_LIMIT = 5
GUESSES = 12
MIB = 1024 * 1024
ISSUER = AUDIENCE = "items-api"
ITEMS = "/api/v1/items"
requests_sent: Counter[str] = Counter()
addresses = (f"198.51.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@dataclass(frozen=True)
class Account:
    """A registered user, its token and one item it owns, with that item's ETag."""

    id: int
    email: str
    token: str
    item_id: int
    etag: str

    @property
    def auth(self) -> dict[str, str]:
        """The Authorization header with this user's token."""
        return {"Authorization": f"Bearer {self.token}"}


def client(address: str | None = None) -> dict[str, str]:
    """Headers that make a request come from `address` behind the trusted proxy.

    The service trusts one proxy (as behind an ALB), so the last X-Forwarded-For entry is
    the client; each test takes fresh addresses so the token rate limit counts them apart.
    """
    return {"X-Forwarded-For": address or next(addresses)}


def send(service: Service, method: str, path: str, **kwargs: Any) -> requests.Response:
    """Send one request and check it did not fail on the server; count it for the figures."""
    timeout = kwargs.pop("timeout", TIMEOUT_SECONDS)
    response = requests.request(method, service.url(path), timeout=timeout, **kwargs)
    requests_sent[str(response.status_code)] += 1
    assert response.status_code < 500, (method, path, response.status_code, response.text[:300])
    return response


def token_for(service: Service, email: str, password: str, address: str | None = None) -> Any:
    """POST /api/v1/auth/token from `address`."""
    body = {"email": email, "password": password}
    return send(service, "POST", "/api/v1/auth/token", json=body, headers=client(address))


@pytest.fixture(scope="module", autouse=True)
def count_requests(figures: dict[str, Any]) -> Iterator[None]:
    """Put how many requests the suite sent, by status, into the figures."""
    yield
    figures["requests"] = sum(requests_sent.values())
    figures["statuses"] = dict(sorted(requests_sent.items()))


@pytest.fixture(scope="module")
def service(
    database_url: str, secret_key: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The service behind one trusted proxy, with a tight token limit counted in Redis."""
    with redis_server() as redis_url:
        environment = service_environment(
            database_url,
            secret_key,
            rate_limit_token=f"{TOKEN_LIMIT}/minute",
            rate_limit_storage_uri=redis_url,
            rate_limit_trusted_proxies="1",
        )
        with gunicorn(tmp_path_factory.mktemp("abuse"), environment) as running:
            yield running


def make_account(service: Service, prefix: str) -> Account:
    """Register a user, get its token, create an item."""
    email = unique_email(prefix)
    body = {"email": email, "password": PASSWORD}
    registered = send(service, "POST", "/api/v1/users", json=body, headers=client())
    assert registered.status_code == 201, registered.text
    token = token_for(service, email, PASSWORD).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    item = send(
        service, "POST", ITEMS, json={"name": f"{prefix}'s", "price": "1.00"}, headers=headers
    )
    assert item.status_code == 201, item.text
    return Account(registered.json()["id"], email, token, item.json()["id"], item.headers["ETag"])


@pytest.fixture(scope="module")
def victim(service: Service) -> Account:
    """The user whose item the attacks aim at."""
    return make_account(service, "victim")


@pytest.fixture(scope="module")
def attacker(service: Service) -> Account:
    """Another registered user, with a valid token of their own."""
    return make_account(service, "attacker")


def claims(subject: int, issued: int, expires: int, audience: str = AUDIENCE) -> dict[str, Any]:
    """JWT claims as the service writes them."""
    return {"sub": str(subject), "iat": issued, "exp": expires, "iss": ISSUER, "aud": audience}


def tampered(token: str, subject: int) -> str:
    """`token` with its payload rewritten to name `subject`, keeping the original signature."""
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    rewritten = json.dumps({**decoded, "sub": str(subject)}).encode()
    return ".".join([header, base64.urlsafe_b64encode(rewritten).decode().rstrip("="), signature])


def credentials(kind: str, victim: Account, attacker: Account, secret_key: str) -> dict[str, str]:
    """The Authorization header of each kind of bad credential, all claiming to be the victim."""
    now = int(time.time())
    key = load_signing_key(secret_key)
    kid = {"kid": key.kid}
    forger = Ed25519PrivateKey.generate()
    tokens = {
        "expired": jwt.encode(
            claims(victim.id, now - 3600, now - 60), key.private_key, "EdDSA", headers=kid
        ),
        "forged": jwt.encode(claims(victim.id, now, now + 600), forger, "EdDSA", headers=kid),
        "alg-none": jwt.encode(claims(victim.id, now, now + 600), "", "none"),
        "other-audience": jwt.encode(
            claims(victim.id, now, now + 600, audience="another-service"),
            key.private_key,
            "EdDSA",
            headers=kid,
        ),
        "tampered": tampered(attacker.token, victim.id),
        "malformed": "not.a.jwt",
        "other-user": attacker.token,
    }
    if kind == "none":
        return {}
    if kind == "basic":
        return {"Authorization": "Basic " + base64.b64encode(b"victim:password").decode()}
    return {"Authorization": f"Bearer {tokens[kind]}"}


ROUTES = [
    ("GET", ITEMS),
    ("POST", ITEMS),
    ("GET", ITEMS + "/{item}"),
    ("PUT", ITEMS + "/{item}"),
    ("PATCH", ITEMS + "/{item}"),
    ("DELETE", ITEMS + "/{item}"),
    ("GET", "/api/v1/users/me"),
]
NO_CREDENTIALS = ["none", "basic"]
INVALID_TOKENS = ["expired", "forged", "alg-none", "other-audience", "tampered", "malformed"]


def victim_item(database_url: str, victim: Account) -> tuple[Any, ...]:
    """The victim's item as stored, and how many items the victim has."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, price, version, (SELECT count(*) FROM items WHERE owner_id = %s) "
            "FROM items WHERE id = %s",
            (victim.id, victim.item_id),
        )
        return tuple(cursor.fetchone())


@pytest.mark.parametrize("kind", NO_CREDENTIALS + INVALID_TOKENS + ["other-user"])
@pytest.mark.parametrize(("method", "route"), ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
def test_authorization_matrix(
    service: Service,
    database_url: str,
    secret_key: str,
    victim: Account,
    attacker: Account,
    method: str,
    route: str,
    kind: str,
    figures: dict[str, Any],
) -> None:
    before = victim_item(database_url, victim)
    headers = {**credentials(kind, victim, attacker, secret_key), "If-Match": victim.etag}
    body = {"name": "taken over", "price": "0.00"} if method in ("POST", "PUT", "PATCH") else None
    path = route.format(item=victim.item_id)
    response = send(service, method, path, json=body, headers=headers)
    figures.setdefault("authorization_matrix", Counter())[str(response.status_code)] += 1

    if kind in NO_CREDENTIALS:
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="items-api"'
    elif kind in INVALID_TOKENS:
        assert_problem(response, 401)
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    elif "{item}" in route:
        # Another user's item is exactly as missing as one that never existed.
        assert_problem(response, 404)
    elif route == ITEMS and method == "GET":
        assert response.status_code == 200
        assert victim.item_id not in [item["id"] for item in response.json()]
    elif route == ITEMS:
        assert response.status_code == 201  # the attacker's own item, not the victim's
    else:
        assert response.status_code == 200
        assert response.json()["id"] == attacker.id
    assert victim_item(database_url, victim) == before


def test_password_guessing_is_throttled_with_retry_after(
    service: Service, victim: Account, figures: dict[str, Any]
) -> None:
    guesser = next(addresses)
    statuses = []
    for guess in range(GUESSES):
        # What a client writes into X-Forwarded-For itself is ignored; the proxy's entry counts.
        spoofed = {"X-Forwarded-For": f"10.{guess}.0.1, {guesser}"}
        body = {"email": victim.email, "password": f"guess number {guess:04d}"}
        response = send(service, "POST", "/api/v1/auth/token", json=body, headers=spoofed)
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert_problem(response, 429)
            assert 0 < int(response.headers["Retry-After"]) <= 60
    figures["password_guessing"] = {"guesses": GUESSES, "statuses": dict(Counter(statuses))}
    assert statuses == [401] * TOKEN_LIMIT + [429] * (GUESSES - TOKEN_LIMIT)
    # Throttled is throttled: the right password from that address waits too...
    assert token_for(service, victim.email, PASSWORD, guesser).status_code == 429
    # ...while other clients are not locked out.
    assert token_for(service, victim.email, PASSWORD).status_code == 200


def test_a_wrong_password_and_an_unknown_address_look_the_same(
    service: Service, victim: Account
) -> None:
    address = next(addresses)
    wrong = token_for(service, victim.email, "a wrong password!", address)
    unknown = token_for(service, unique_email("nobody"), "a wrong password!", address)
    assert assert_problem(wrong, 401)["detail"] == assert_problem(unknown, 401)["detail"]


def padded_item(size: int) -> bytes:
    """A JSON item body of exactly `size` bytes."""
    empty = json.dumps({"name": "big", "price": "1.00", "description": ""}).encode()
    return empty[:-2] + b"x" * (size - len(empty)) + empty[-2:]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        pytest.param(ITEMS, padded_item(MIB + 1), 413, id="one-byte-over-the-limit"),
        pytest.param(ITEMS, padded_item(16 * MIB), 413, id="16-MiB"),
        pytest.param("/api/v1/users", padded_item(2 * MIB), 413, id="unauthenticated-route"),
        pytest.param(ITEMS, padded_item(MIB), 422, id="exactly-the-limit-is-read"),
    ],
)
def test_bodies_over_the_limit_are_413(
    service: Service, victim: Account, path: str, body: bytes, status: int
) -> None:
    headers = {**victim.auth, "Content-Type": "application/json"}
    assert_problem(send(service, "POST", path, data=body, headers=headers), status)


def test_a_chunked_body_over_the_limit_is_413(service: Service, victim: Account) -> None:
    body = padded_item(2 * MIB)
    chunks = (body[start : start + 65536] for start in range(0, len(body), 65536))
    headers = {**victim.auth, "Content-Type": "application/json"}
    assert_problem(send(service, "POST", ITEMS, data=chunks, headers=headers), 413)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"name": "Lamp", "price": ', id="truncated"),
        pytest.param(b"{'name': 'Lamp', 'price': '1'}", id="single-quotes"),
        pytest.param(b'{"name": "Lamp", "price": "1"} trailing', id="trailing-garbage"),
        pytest.param(b'{"name": "\xff\xfe", "price": "1"}', id="invalid-utf-8"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="arrays-100000-deep"),
        pytest.param(b'{"a":' * 50_000 + b"1" + b"}" * 50_000, id="objects-50000-deep"),
        pytest.param(b'{"name": "Lamp", "price": ' + b"9" * 5000 + b"}", id="5000-digit-number"),
    ],
)
def test_malformed_json_is_400(service: Service, victim: Account, body: bytes) -> None:
    headers = {**victim.auth, "Content-Type": "application/json"}
    problem = assert_problem(send(service, "POST", ITEMS, data=body, headers=headers), 400)
    assert problem["detail"] == "The request body is not valid JSON."


VERBATIM = [
    "'; DROP TABLE items; --",
    "Robert'); DROP TABLE users;--",
    "1 OR 1=1",
    "' OR '1'='1",
    "%_\\ LIKE wildcards",
    "${jndi:ldap://127.0.0.1/a}",
    "<script>alert(1)</script>",
    "\t\n\r\x01\x08\x1b\x7f control characters",
    "\u202eright-to-left override\ufeff",
    "\U0001f600" * 200,
    "x" * 200,
]


@pytest.mark.parametrize("name", VERBATIM, ids=[f"verbatim-{n}" for n in range(len(VERBATIM))])
def test_hostile_names_are_stored_and_returned_verbatim(
    service: Service, victim: Account, name: str
) -> None:
    description = name[:2000]
    body = {"name": name, "description": description, "price": "9999999999.99"}
    created = send(service, "POST", ITEMS, json=body, headers=victim.auth)
    assert created.status_code == 201, created.text
    assert (created.json()["name"], created.json()["description"]) == (name, description)
    fetched = send(service, "GET", created.headers["Location"], headers=victim.auth).json()
    assert (fetched["name"], fetched["description"], fetched["price"]) == (
        name,
        description,
        "9999999999.99",
    )
    found = send(service, "GET", ITEMS, params={"name": name}, headers=victim.auth).json()
    assert created.json()["id"] in [item["id"] for item in found]


REJECTED = {
    "name-201-characters": {"name": "x" * 201},
    "name-100000-characters": {"name": "x" * 100_000},
    "name-with-nul": {"name": "a\x00b"},
    "name-with-lone-surrogate": {"name": "a\ud800b"},
    "description-2001-characters": {"description": "x" * 2001},
    "price-1e400": {"price": 1e400},
    "price-10**400": {"price": 10**400},
    "price-nan": {"price": "NaN"},
    "price-negative": {"price": "-0.01"},
    "price-over-the-maximum": {"price": "10000000000.00"},
    "price-three-places": {"price": "0.001"},
    "price-exponent": {"price": "1e3"},
    "price-boolean": {"price": True},
    "name-is-an-object": {"name": {"$ne": ""}},
    "owner-in-the-body": {"owner_id": 1},
}


@pytest.mark.parametrize("fields", REJECTED.values(), ids=REJECTED.keys())
def test_out_of_range_and_hostile_values_are_422(
    service: Service, victim: Account, fields: dict[str, Any]
) -> None:
    body = {"name": "Lamp", "price": "1.00", **fields}
    data = json.dumps(body, allow_nan=True)
    headers = {**victim.auth, "Content-Type": "application/json"}
    problem = assert_problem(send(service, "POST", ITEMS, data=data, headers=headers), 422)
    assert set(problem["errors"]["json"]) == set(fields)


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        (ITEMS, {"sort": "name; DROP TABLE items"}, 422),
        (ITEMS, {"name": "' OR '1'='1"}, 200),
        (ITEMS, {"page": str(10**30)}, 200),
        (ITEMS, {"page_size": str(10**30)}, 422),
        (ITEMS + "/" + "9" * 30, {}, 404),
        (ITEMS + "/0", {}, 404),
    ],
)
def test_hostile_queries_and_ids_never_fail_on_the_server(
    service: Service, victim: Account, path: str, params: dict[str, str], status: int
) -> None:
    response = send(service, "GET", path, params=params, headers=victim.auth)
    assert response.status_code == status, response.text
    if status == 200:
        assert victim.item_id not in [item["id"] for item in response.json()]


def test_sql_looking_credentials_are_ordinary_text(service: Service) -> None:
    email = f"o'brien+{unique_email('sql')}"
    body = {"email": email, "password": "' OR '1'='1' -- ok"}
    registered = send(service, "POST", "/api/v1/users", json=body, headers=client())
    assert registered.status_code == 201, registered.text
    assert registered.json()["email"] == email
    assert token_for(service, email, "' OR '1'='1' -- ok").status_code == 200
    assert token_for(service, "' OR '1'='1' --", "' OR '1'='1' --").status_code == 401
