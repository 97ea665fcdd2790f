"""Registration and /users/me."""

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from services.api.auth.passwords import verify_password
from services.api.tests.factories import PASSWORD, UserFactory
from services.api.users.models import User

URL = "/api/v1/users"


def register(client, email="ann@example.com", password=PASSWORD, **extra):
    return client.post(URL, json={"email": email, "password": password, **extra})


def test_register_returns_the_user_without_any_password(client, db):
    response = register(client)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "email", "created_at"}
    assert body["email"] == "ann@example.com"
    stored = db.session.get(User, body["id"])
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert verify_password(stored.password_hash, PASSWORD)


def test_email_is_unique_whatever_its_case(client):
    assert register(client, email="Ann@Example.com").status_code == 201
    assert register(client, email="ann@example.COM").status_code == 409


def test_the_database_refuses_a_second_email_differing_only_in_case(db):
    UserFactory(email="bob@example.com")
    db.session.add(User(email="BOB@example.com", password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("ann@example.com", "x" * 11, "password"),
        ("ann@example.com", "x" * 129, "password"),
        ("not an email", PASSWORD, "email"),
        ("", PASSWORD, "email"),
    ],
)
def test_invalid_registrations_are_422(client, db, email, password, field):
    response = register(client, email=email, password=password)
    assert response.status_code == 422
    assert f'"{field}"' in response.get_data(as_text=True)  # named in the per-field errors
    assert db.session.query(User).count() == 0


def test_a_password_of_twelve_characters_is_enough(client):
    assert register(client, password="x" * 12).status_code == 201


@pytest.mark.parametrize("field", ["id", "password_hash", "created_at"])
def test_server_set_fields_cannot_be_sent(client, db, field):
    response = register(client, **{field: "1"})
    assert response.status_code == 422
    assert f'"{field}"' in response.get_data(as_text=True)  # named in the per-field errors
    assert db.session.query(User).count() == 0


def test_neither_password_nor_hash_reaches_the_logs(client, db, caplog):
    caplog.set_level(logging.DEBUG)
    user_id = register(client).get_json()["id"]
    token = client.post(
        "/api/v1/auth/token", json={"email": "ann@example.com", "password": PASSWORD}
    )
    assert token.status_code == 200
    stored_hash = db.session.get(User, user_id).password_hash
    assert PASSWORD not in caplog.text
    assert stored_hash not in caplog.text


def test_me_returns_the_caller(auth_client, user):
    response = auth_client.get(f"{URL}/me")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": user.id,
        "email": user.email,
        "created_at": user.created_at.isoformat(),
    }


def test_me_needs_a_token(client):
    response = client.get(f"{URL}/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
