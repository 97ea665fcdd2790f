"""ItemSchema's unrolled dump gives exactly what marshmallow's fields give."""

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from services.api.items.schemas import ItemSchema

ITEM = {
    "id": 7,
    "owner_id": 3,
    "name": "Lamp",
    "description": None,
    "price": Decimal("19.90"),
    "created_at": datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    "updated_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    "version": 2,
}


def field_by_field(obj, many=False):
    """marshmallow's generic dump: the unrolled one is skipped when only= is given."""
    schema = ItemSchema(many=many, only=sorted(ItemSchema().dump_fields))
    return schema.dump(obj)


def test_objects_and_row_mappings_dump_as_the_fields_say():
    as_object = SimpleNamespace(**ITEM)
    expected = field_by_field(ITEM)
    assert expected["price"] == "19.90"
    assert expected["created_at"] == "2026-01-02T03:04:05.678901+00:00"
    assert ItemSchema().dump(ITEM) == expected
    assert ItemSchema().dump(as_object) == field_by_field(as_object) == expected
    assert ItemSchema(many=True).dump([ITEM, as_object]) == [expected, expected]


def test_a_description_and_whole_prices_keep_their_form():
    item = {**ITEM, "description": "A desk lamp", "price": Decimal("3.00")}
    assert ItemSchema().dump(item) == field_by_field(item)
    assert ItemSchema().dump(item)["price"] == "3.00"
