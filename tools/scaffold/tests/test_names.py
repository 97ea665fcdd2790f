"""Names: what is refused and why, and what a service and resource name turn into."""

import pytest

from tools.scaffold.names import InvalidName, derive_names, pluralise


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("order", "orders"),
        ("category", "categories"),
        ("key", "keys"),
        ("box", "boxes"),
        ("bus", "buses"),
        ("batch", "batches"),
        ("wish", "wishes"),
        ("line_item", "line_items"),
    ],
)
def test_simple_pluralisation(singular, plural):
    assert pluralise(singular) == plural


def test_derived_names_follow_the_resource():
    names = derive_names("orders", "order")
    assert (names.plural, names.resource_class, names.plural_class) == ("orders", "Order", "Orders")
    assert names.url_path == "/api/v1/orders"
    assert names.service_class == "Orders"
    assert names.a_resource == "an order"


def test_multi_word_names_become_classes_and_hyphenated_urls():
    names = derive_names("stock_levels", "warehouse_entry")
    assert names.plural == "warehouse_entries"
    assert names.resource_class == "WarehouseEntry"
    assert names.service_class == "StockLevels"
    assert names.service_slug == "stock-levels"
    assert names.url_path == "/api/v1/warehouse-entries"
    assert names.a_resource == "a warehouse entry"


def test_plural_override_wins():
    names = derive_names("people", "person", plural="people")
    assert (names.plural, names.plural_class, names.url_path) == (
        "people",
        "People",
        "/api/v1/people",
    )


@pytest.mark.parametrize(
    ("service", "message"),
    [
        ("Orders", "must be lowercase"),
        ("1orders", "start with a letter"),
        ("_orders", "start with a letter"),
        ("order-service", "use 'order_service'"),
        ("orders!", "only a-z, 0-9, _"),
        ("", "must be lowercase"),
        ("class", "Python keyword"),
        ("match", "Python keyword"),
        ("orders_", "must not end in '_'"),
        ("order__x", "contain '__'"),
        ("a" * 25, "longer than 24"),
    ],
)
def test_bad_service_names_are_refused_with_the_reason(service, message):
    with pytest.raises(InvalidName, match="service name") as refused:
        derive_names(service, "order")
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("resource", "plural", "message"),
    [
        ("Order", None, "resource name 'Order' must be lowercase"),
        ("import", None, "resource name 'import' is a Python keyword"),
        ("test", None, "clash with the service's tests module"),
        ("setting", None, "clash with the service's settings module"),
        ("sheep", "sheep", "equals the resource name"),
        ("order", "alembic_version", "Alembic's own table"),
        ("string", None, "class String"),
        ("order", "Orders", "plural name 'Orders' must be lowercase"),
        ("order", "order-s", "has '-'"),
    ],
)
def test_bad_resource_names_are_refused_with_the_reason(resource, plural, message):
    with pytest.raises(InvalidName) as refused:
        derive_names("shop", resource, plural)
    assert message in str(refused.value)


def test_longest_names_are_accepted():
    names = derive_names("s" * 24, "r" * 23 + "a", plural="p" * 24)
    assert len(names.service) == len(names.plural) == 24
