"""Test data: settings for a test database, and factory_boy factories bound to the app's session."""

from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from services.api.extensions import db
from services.api.items.models import Item
from services.api.settings import ApiSettings


class ItemFactory(SQLAlchemyModelFactory):
    class Meta:
        model = Item
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    name = factory.Sequence(lambda n: f"item {n}")
    description = factory.Faker("sentence")
    price = factory.LazyFunction(lambda: Decimal("9.99"))


def make_settings(database_url: str, **overrides: object) -> ApiSettings:
    """Test settings pointing at `database_url`."""
    return ApiSettings(app_env="test", database_url=database_url, **overrides)  # type: ignore[arg-type]
