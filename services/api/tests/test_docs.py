"""The OpenAPI spec, its committed copy, and the offline docs page at /docs."""

import json
import re
from pathlib import Path

COMMITTED_SPEC = Path(__file__).parents[1] / "openapi.json"
REGENERATE = "./pants run services/api:manage -- openapi write services/api/openapi.json"


def test_committed_spec_matches_the_code(client):
    served = client.get("/api/v1/openapi.json").get_json()
    committed = json.loads(COMMITTED_SPEC.read_text())
    assert committed == served, f"services/api/openapi.json is stale; run: {REGENERATE}"


def test_spec_is_openapi_3(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert (spec["info"]["title"], spec["info"]["version"]) == ("Items API", "v1")


def test_docs_page_loads_only_local_assets(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(urls) >= 3
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_docs_assets_are_served_by_the_service(client):
    html = client.get("/docs").get_data(as_text=True)
    types = {}
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.data) > 0, url
        types[url.rsplit(".", 1)[-1]] = asset.mimetype
    assert types["css"] == "text/css"
    assert types["js"] == "text/javascript"
    bundle = client.get("/docs/assets/swagger-ui-bundle.js").get_data(as_text=True)
    assert "SwaggerUIBundle" in bundle


def test_docs_start_swagger_ui_on_the_served_spec(client):
    script = client.get("/docs/init.js").get_data(as_text=True)
    (spec_url,) = re.findall(r'url: "([^"]+)"', script)
    assert client.get(spec_url).get_json()["openapi"].startswith("3.")
    assert "validatorUrl: null" in script


def test_only_the_listed_assets_are_served(client):
    assert client.get("/docs/assets/index.html").status_code == 404
    assert client.get("/docs/assets/..%2f__init__.py").status_code == 404
