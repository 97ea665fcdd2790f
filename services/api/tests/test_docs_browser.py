"""The /docs page in a real browser: Swagger UI renders every operation of the spec, "Try it out"
reaches this service, with and without a token, and no request leaves the host."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Route, expect
from werkzeug.serving import make_server

from libs.testing.browser import chromium
from services.api.tests.factories import ItemFactory, bearer_for

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Docs:
    """The loaded docs page, and what it tried that it should not have."""

    page: Page
    outside_requests: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)


@pytest.fixture
def base_url(app, db) -> Iterator[str]:
    """The app behind a real HTTP server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def docs(base_url) -> Iterator[Docs]:
    """/docs in headless Chromium; any request to another host is refused and recorded."""
    with chromium() as browser:
        context = browser.new_context()
        docs = Docs(context.new_page())

        def only_this_host(route: Route) -> None:
            if urlsplit(route.request.url).netloc == urlsplit(base_url).netloc:
                route.continue_()
            else:
                docs.outside_requests.append(route.request.url)
                route.abort()

        context.route("**/*", only_this_host)
        docs.page.on("pageerror", lambda error: docs.script_errors.append(str(error)))
        docs.page.goto(f"{base_url}/docs")
        docs.page.locator(".opblock").first.wait_for()
        yield docs
        context.close()


def operation(page: Page, method: str, path: str) -> Locator:
    """The operation block Swagger UI renders for `method` `path`."""
    return page.locator(f".opblock-{method}:has(.opblock-summary-path[data-path='{path}'])")


def try_it_out(page: Page, method: str, path: str) -> Locator:
    """Run "Try it out" on an operation; return the live response that comes back."""
    block = operation(page, method, path)
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    block.get_by_role("button", name="Execute").click()
    response = block.locator(".live-responses-table .response").first
    response.wait_for()
    return response


def test_every_operation_of_the_spec_renders(docs, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    expected = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in METHODS
    }
    rendered = docs.page.eval_on_selector_all(
        ".opblock",
        """blocks => blocks.map(block => [
            block.querySelector('.opblock-summary-method').textContent,
            block.querySelector('.opblock-summary-path').getAttribute('data-path'),
        ])""",
    )
    assert len(rendered) == len(expected)
    assert {tuple(pair) for pair in rendered} == expected
    assert docs.outside_requests == []
    assert docs.script_errors == []


def test_try_it_out_calls_health_on_this_service(docs):
    response = try_it_out(docs.page, "get", "/health")
    expect(response.locator(".response-col_status")).to_have_text("200")
    expect(response.locator(".response-col_description")).to_contain_text('"status": "ok"')
    assert docs.outside_requests == []


def test_try_it_out_with_a_token_lists_the_callers_items(docs, app, user):
    ItemFactory(owner_id=user.id, name="Lamp seen in the browser")
    token = bearer_for(app, user.id)["Authorization"].removeprefix("Bearer ")
    page = docs.page
    page.locator(".auth-wrapper .authorize").click()
    dialog = page.locator(".modal-ux")
    dialog.locator("input").fill(token)
    dialog.locator(".auth-btn-wrapper .authorize").click()
    dialog.get_by_role("button", name="Close").click()

    response = try_it_out(page, "get", "/api/v1/items")
    expect(response.locator(".response-col_status")).to_have_text("200")
    expect(response.locator(".response-col_description")).to_contain_text(
        "Lamp seen in the browser"
    )
    assert docs.outside_requests == []
    assert docs.script_errors == []


def test_the_guard_catches_a_request_to_another_host(docs):
    # The page's CSP already stops one; a new page without it shows the guard works on its own.
    page = docs.page.context.new_page()
    with pytest.raises(PlaywrightError):
        page.goto("http://outside.invalid/")
    assert docs.outside_requests == ["http://outside.invalid/"]
