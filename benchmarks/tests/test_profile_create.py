"""The create profile runs the API's creates on a real database and reports where time goes."""

import os
import re

from benchmarks.profile_create import main, package


def test_profiled_functions_are_grouped_by_package():
    assert package("/v/lib/python3.11/site-packages/sqlalchemy/orm/session.py") == "sqlalchemy"
    assert package("/sandbox/services/api/items/service.py") == "services"
    assert package("/usr/lib/python3.11/json/encoder.py") == "stdlib"
    assert package("~", "<built-in method builtins.len>") == "builtins (C)"
    assert package("~", "<method 'execute' of 'psycopg2.extensions.cursor' objects>").startswith(
        "psycopg2"
    )


def test_a_short_profile_reports_time_per_create_by_package(tmp_path):
    output = tmp_path / "profile.md"
    argv = ["--creates=20", f"--output={output}"]
    if os.environ.get("TEST_DATABASE_URL"):
        argv.append(f"--database-url={os.environ['TEST_DATABASE_URL']}")

    assert main(argv) == 0

    text = output.read_text()
    assert "20 creates after" in text
    assert "| sqlalchemy |" in text
    assert "| psycopg2 (waiting on PostgreSQL) |" in text
    # Found the kit's create and subtracted the driver's time from it.
    orm_ms = re.search(r"result machinery\): ([\d.]+) ms per create", text)
    assert orm_ms is not None and float(orm_ms[1]) > 0
