"""X-Pagination keeps flask-smorest's format, which the OpenAPI spec documents."""

import json

import flask_smorest
import pytest

from libs.web.pagination import page_metadata


@pytest.mark.parametrize("total", [0, 1, 19, 20, 21, 100, 101])
@pytest.mark.parametrize("page", [1, 2, 5, 6, 7])
@pytest.mark.parametrize("page_size", [1, 20])
def test_the_metadata_is_what_flask_smorest_would_send(total, page, page_size):
    theirs = flask_smorest.Blueprint._make_pagination_metadata(page, page_size, total)
    # Compared as the header text, so that the order of the members agrees too.
    assert json.dumps(page_metadata(page, page_size, total)) == json.dumps(theirs)
