"""Test data: settings for a test database, and factory_boy factories bound to the app's session."""

from decimal import Decimal
from functools import cache
from pathlib import Path

import factory
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from factory.alchemy import SQLAlchemyModelFactory
from flask import Flask

from libs.auth.keys import signing_key_pem
from libs.auth.setup import issue_access_token
from libs.db.setup import upgrade_to_head
from services.api.app import create_app
from services.api.auth.passwords import hash_password
from services.api.extensions import db
from services.api.items.models import Item
from services.api.settings import ApiSettings
from services.api.users.models import User

PASSWORD = "correct horse battery"


@cache
def password_hash():
    """One real argon2 hash of PASSWORD, shared because hashing is slow on purpose."""
    return hash_password(PASSWORD)


class UserFactory(SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password_hash = factory.LazyFunction(password_hash)


class ItemFactory(SQLAlchemyModelFactory):
    class Meta:
        model = Item
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    owner_id = factory.LazyFunction(lambda: UserFactory().id)
    name = factory.Sequence(lambda n: f"item {n}")
    description = factory.Faker("sentence")
    price = factory.LazyFunction(lambda: Decimal("9.99"))


def bearer(user, **token_options) -> dict[str, str]:
    """Authorization headers carrying a fresh access token for `user`."""
    token, _ = issue_access_token(user.id, **token_options)
    return {"Authorization": f"Bearer {token}"}


def bearer_for(app, user_id: int) -> dict[str, str]:
    """Authorization headers with a token signed by `app`'s key."""
    with app.app_context():
        token, _ = issue_access_token(user_id)
    return {"Authorization": f"Bearer {token}"}


@cache
def test_signing_key() -> str:
    """The PEM of one Ed25519 key this test process signs with, as AUTH_SIGNING_KEY."""
    return signing_key_pem(Ed25519PrivateKey.generate())


def make_settings(database_url: str, **overrides: object) -> ApiSettings:
    """Test settings pointing at `database_url`; rate limits high unless a test lowers them."""
    defaults = {
        "rate_limit_token": "1000/minute",
        "rate_limit_register": "1000/minute",
        "auth_signing_key": test_signing_key(),
    }
    return ApiSettings(app_env="test", database_url=database_url, **{**defaults, **overrides})  # type: ignore[arg-type]


def migrated_sqlite_app(directory: Path) -> Flask:
    """The API on a SQLite file in `directory` (local development's database), at head."""
    settings = make_settings("postgresql://unused/x").model_copy(
        update={"database_url": None, "sqlite_path": str(directory / "api.sqlite3")}
    )
    app = create_app(settings)
    upgrade_to_head(app)
    return app
