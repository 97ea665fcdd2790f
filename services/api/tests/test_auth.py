"""Access tokens: issuing them, and refusing requests without a valid one."""

import json
import time
from datetime import timedelta

import jwt
import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from libs.auth.keys import jwks, parse_public_keys, public_jwk, signing_key_pem, thumbprint
from libs.auth.setup import ISSUER_KEY
from libs.db.columns import utcnow
from services.api.app import create_app
from services.api.auth import passwords
from services.api.extensions import db as sqlalchemy_db
from services.api.tests.factories import PASSWORD, UserFactory, bearer, bearer_for, make_settings
from services.api.users.models import User

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/users/me"
BARE_CHALLENGE = 'Bearer realm="items-api"'
ISSUER = AUDIENCE = "items-api"
JWKS_URL = "/.well-known/jwks.json"


def login(client, email, password=PASSWORD):
    return client.post(TOKEN_URL, json={"email": email, "password": password})


def signing_key(app):
    """The app's SigningKey (private key and kid)."""
    return app.extensions[ISSUER_KEY].key


def forge(private_key, kid=None, algorithm="EdDSA", **changes):
    """Authorization headers with a token signed by `private_key`, its claims changed."""
    now = utcnow()
    claims = {"sub": "1", "iat": now, "exp": now + timedelta(minutes=5), "iss": ISSUER}
    claims["aud"] = AUDIENCE
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    headers = {"kid": kid} if kid is not None else None
    token = jwt.encode(claims, private_key, algorithm=algorithm, headers=headers)
    return {"Authorization": f"Bearer {token}"}


def new_key_pem():
    return signing_key_pem(Ed25519PrivateKey.generate())


def test_the_token_names_the_user_and_expires_after_the_ttl(app, client, user):
    response = login(client, user.email)
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    key = signing_key(app)
    assert jwt.get_unverified_header(body["access_token"])["kid"] == key.kid
    claims = jwt.decode(
        body["access_token"], key.public_key, algorithms=["EdDSA"], audience=AUDIENCE
    )
    assert claims["sub"] == str(user.id)
    assert claims["iss"] == ISSUER
    assert claims["exp"] - claims["iat"] == 900


def test_the_signing_key_signs_tokens_for_the_configured_lifetime(database, user):
    pem = new_key_pem()
    keyed = create_app(make_settings(database.url, auth_signing_key=pem, access_token_ttl=120))
    body = login(keyed.test_client(), user.email).get_json()
    assert body["expires_in"] == 120
    public_key = load_pem_private_key(pem.encode(), password=None).public_key()
    claims = jwt.decode(body["access_token"], public_key, algorithms=["EdDSA"], audience=AUDIENCE)
    assert claims["exp"] - claims["iat"] == 120


def test_apps_with_the_same_key_accept_each_others_tokens(app, database, user):
    # Every worker of a deployment loads the same AUTH_SIGNING_KEY.
    other = create_app(make_settings(database.url)).test_client()
    token = login(other, user.email).get_json()["access_token"]
    response = app.test_client().get(ME_URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_a_token_one_app_accepted_is_refused_by_an_app_with_another_key(app, database, user):
    other = create_app(make_settings(database.url, auth_signing_key=new_key_pem())).test_client()
    token = login(other, user.email).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert other.get(ME_URL, headers=headers).status_code == 200
    assert app.test_client().get(ME_URL, headers=headers).status_code == 401


def test_the_api_serves_its_public_keys_and_no_private_part(app, client):
    response = client.get(JWKS_URL)
    assert response.status_code == 200
    assert response.get_json() == jwks({signing_key(app).kid: signing_key(app).public_key})
    assert {"d", "p", "q"}.isdisjoint(response.get_json()["keys"][0])


def test_a_rotation_overlaps_the_old_and_the_new_key(database, user):
    # 1. Every service learns the new public key; 2. the API signs with the new key, its old
    # public key still listed; 3. once the old tokens expired, the old key is dropped.
    old, new = new_key_pem(), new_key_pem()
    before = create_app(make_settings(database.url, auth_signing_key=old))
    old_token = bearer_for(before, user.id)
    old_public = {"keys": [public_jwk(signing_key(before).public_key)]}
    during = create_app(
        make_settings(database.url, auth_signing_key=new, auth_public_keys=json.dumps(old_public))
    )
    new_token = bearer_for(during, user.id)
    assert (
        jwt.get_unverified_header(new_token["Authorization"][7:])["kid"] == signing_key(during).kid
    )
    for token in (old_token, new_token):
        assert during.test_client().get(ME_URL, headers=token).status_code == 200
    kids = [key["kid"] for key in during.test_client().get(JWKS_URL).get_json()["keys"]]
    assert sorted(kids) == sorted([signing_key(before).kid, signing_key(during).kid])
    after = create_app(make_settings(database.url, auth_signing_key=new))
    assert after.test_client().get(ME_URL, headers=new_token).status_code == 200
    assert after.test_client().get(ME_URL, headers=old_token).status_code == 401


def test_a_kid_is_the_rfc_7638_thumbprint_of_the_key():
    # The RFC's own Ed25519 example key (RFC 8037, A.3): its thumbprint is given there.
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    document = json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x}]})
    (kid,) = parse_public_keys(document)
    assert kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert thumbprint(parse_public_keys(document)[kid]) == kid


def test_a_token_already_accepted_still_expires(app, client, user):
    ttl = app.extensions[ISSUER_KEY].ttl
    headers = bearer(user, now=utcnow() - ttl + timedelta(seconds=2))
    assert client.get(ME_URL, headers=headers).status_code == 200
    token = headers["Authorization"].removeprefix("Bearer ")
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    deadline = time.monotonic() + 5
    while time.time() < expires and time.monotonic() < deadline:
        time.sleep(0.05)
    response = client.get(ME_URL, headers=headers)
    assert response.status_code == 401
    assert "expired" in response.headers["WWW-Authenticate"]


def test_the_token_opens_the_api(client, user):
    token = login(client, user.email).get_json()["access_token"]
    response = client.get(ME_URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["id"] == user.id


def test_token_responses_are_never_cached(client, user):
    response = login(client, user.email)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


def test_the_email_matches_whatever_its_case(client, db):
    UserFactory(email="Carol@Example.com")
    assert login(client, "carol@EXAMPLE.com").status_code == 200


def test_a_wrong_password_and_an_unknown_email_get_the_same_401(client, user):
    wrong_password = login(client, user.email, "not the password")
    unknown_email = login(client, "nobody@example.com")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == BARE_CHALLENGE
        assert "access_token" not in response.get_json()
    # Only the request id, which every response has its own of, tells them apart.
    bodies = [response.get_json() for response in (wrong_password, unknown_email)]
    assert bodies[0].pop("request_id") != bodies[1].pop("request_id")
    assert bodies[0] == bodies[1]


@pytest.mark.parametrize("known", [True, False])
def test_every_login_verifies_one_argon2_hash(client, user, monkeypatch, known):
    # An unknown e-mail must cost as much as a known one, or response times reveal accounts.
    verified = []

    class CountingHasher(PasswordHasher):
        def verify(self, password_hash, password):
            verified.append(password_hash)
            return super().verify(password_hash, password)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    email = user.email if known else "nobody@example.com"
    assert login(client, email, "not the password").status_code == 401
    assert len(verified) == 1
    assert verified[0].startswith("$argon2id$")


def test_a_hash_with_old_parameters_is_upgraded_at_login(client, db):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user = UserFactory(password_hash=weak)
    assert login(client, user.email).status_code == 200
    db.session.expire_all()
    upgraded = db.session.get(User, user.id).password_hash
    assert upgraded != weak
    assert not passwords.needs_rehash(upgraded)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "a@example.com"},
        {"password": PASSWORD},
        {"email": 1, "password": PASSWORD},
        {"email": "a\x00@example.com", "password": PASSWORD},
    ],
)
def test_incomplete_credentials_are_422(client, body):
    assert client.post(TOKEN_URL, json=body).status_code == 422


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer   "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["no header", "empty", "no token", "blank token", "basic scheme"],
)
def test_a_request_without_a_bearer_token_is_challenged(client, db, headers):
    response = client.get(ME_URL, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == BARE_CHALLENGE


def invalid_tokens(app, user):
    key = signing_key(app)
    private, kid = key.private_key, key.kid
    stranger = Ed25519PrivateKey.generate()
    return {
        "malformed": {"Authorization": "Bearer not.a.jwt"},
        "wrong signature": forge(stranger, kid, sub=str(user.id)),
        "unknown key": forge(stranger, thumbprint(stranger.public_key()), sub=str(user.id)),
        "no key id": forge(private, sub=str(user.id)),
        # HS256 "signed" with the public key: the algorithm-confusion attack.
        "public key as HMAC secret": forge(
            public_jwk(key.public_key)["x"], kid, algorithm="HS256", sub=str(user.id)
        ),
        "expired": bearer(user, now=utcnow() - timedelta(hours=1)),
        "unsigned": {
            "Authorization": "Bearer "
            + jwt.encode({"sub": str(user.id), "iss": ISSUER, "aud": AUDIENCE}, None, "none")
        },
        "wrong audience": forge(private, kid, sub=str(user.id), aud="another-service"),
        "wrong issuer": forge(private, kid, sub=str(user.id), iss="someone-else"),
        "no expiry": forge(private, kid, sub=str(user.id), exp=None),
        "not a user id": forge(private, kid, sub="admin"),
        "deleted user": forge(private, kid, sub=str(user.id + 1000)),
    }


@pytest.mark.parametrize(
    "case",
    [
        "malformed",
        "wrong signature",
        "unknown key",
        "no key id",
        "public key as HMAC secret",
        "expired",
        "unsigned",
        "wrong audience",
        "wrong issuer",
        "no expiry",
        "not a user id",
        "deleted user",
    ],
)
def test_an_invalid_token_is_401_invalid_token(app, client, user, case):
    response = client.get(ME_URL, headers=invalid_tokens(app, user)[case])
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="items-api", error="invalid_token"')
    expected = "expired" if case == "expired" else "invalid"
    assert expected in challenge


def test_every_items_route_needs_a_token(app, client, db):
    routes = [
        (method, rule.rule.replace("<int:item_id>", "1"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("items.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    ]
    assert len(routes) == 6
    for method, path in routes:
        response = client.open(path, method=method, json={}, headers={"If-Match": "*"})
        assert response.status_code == 401, (method, path)
        assert response.headers["WWW-Authenticate"] == BARE_CHALLENGE


def test_a_token_stops_working_when_its_user_is_gone(client, user, auth_headers):
    assert client.get(ME_URL, headers=auth_headers).status_code == 200
    sqlalchemy_db.session.delete(user)
    sqlalchemy_db.session.commit()
    assert client.get(ME_URL, headers=auth_headers).status_code == 401


def test_the_spec_marks_every_protected_operation(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    protected = [
        operation
        for path, operations in spec["paths"].items()
        if path.startswith("/api/v1/items") or path == ME_URL
        for method, operation in operations.items()
        if method != "parameters"
    ]
    assert len(protected) == 7
    for operation in protected:
        assert operation["security"] == [{"bearerAuth": []}]
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
    for public in (spec["paths"][TOKEN_URL]["post"], spec["paths"]["/api/v1/users"]["post"]):
        assert "security" not in public
        assert "Retry-After" in public["responses"]["429"]["headers"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/items", None),
        ("get", "/api/v1/items?page=2", None),
        ("get", "/api/v1/items/1", None),
        ("post", "/api/v1/items", {"name": "Lamp", "price": "1.00"}),
    ],
)
def test_items_refuse_a_token_whose_user_is_gone(client, user, auth_headers, method, path, body):
    sqlalchemy_db.session.delete(user)
    sqlalchemy_db.session.commit()
    response = client.open(path, method=method.upper(), json=body, headers=auth_headers)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
