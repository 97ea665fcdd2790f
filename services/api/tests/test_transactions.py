"""Writes run in a transaction: what a failed request wrote is undone."""

from sqlalchemy import func, select

from services.api.items.models import Item
from services.api.tests.factories import UserFactory


def test_a_write_rolled_back_leaves_nothing_behind(db):
    owner = UserFactory()
    db.session.add(Item(owner_id=owner.id, name="draft", price=1, version=1))
    db.session.flush()  # the INSERT has run...
    db.session.rollback()  # ...and is undone: it was inside a transaction, not autocommitted
    assert db.session.scalar(select(func.count()).select_from(Item)) == 0
