"""The import-sorting filter puts generated imports where ruff's isort wants them."""

from tools.scaffold.imports import sort_imports


def test_modules_are_ordered_by_name_whatever_the_generated_names_are():
    block = (
        "from services.shop.settings import ShopSettings\n"
        "from services.shop.categories.routes import blp as categories_blueprint\n"
        "from services.shop import health\n"
        "from libs.config import load_settings\n"
        "from services.shop.database import init_database\n"
    )
    assert sort_imports(block).splitlines() == [
        "from libs.config import load_settings",
        "from services.shop import health",
        "from services.shop.categories.routes import blp as categories_blueprint",
        "from services.shop.database import init_database",
        "from services.shop.settings import ShopSettings",
    ]


def test_plain_imports_come_before_from_imports_and_numbers_sort_by_value():
    block = "from a.v10 import x\nfrom a.v2 import y\nimport zeta\n"
    assert sort_imports(block).splitlines() == [
        "import zeta",
        "from a.v2 import y",
        "from a.v10 import x",
    ]


def test_an_import_too_long_for_one_line_gets_one_name_a_line():
    names = "LongClassNameNumberOne, LongClassNameNumberTwo"
    line = f"from services.a_rather_long_service.a_long_resource_name.schemas import {names}"
    assert sort_imports(line) == (
        "from services.a_rather_long_service.a_long_resource_name.schemas import (\n"
        "    LongClassNameNumberOne,\n"
        "    LongClassNameNumberTwo,\n"
        ")\n"
    )


def test_a_short_import_stays_on_one_line():
    assert sort_imports("\nfrom services.a.b import c\n\n") == "from services.a.b import c\n"
