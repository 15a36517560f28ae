"""The API's documentation: /api/openapi.json and the /api/docs/ page, served without any
outside address (Swagger UI from django-ninja's own static files)."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.test_browser import CHROMIUM, browser, expect, page, site  # noqa: F401  (fixtures)

STATIC_REF = re.compile(r'(?:src|href)="([^"]+)"')

pytestmark = pytest.mark.usefixtures("own_throttle_counts")


def test_the_openapi_document_lists_every_operation_with_an_optional_token(client, db):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "News archive API"
    assert sorted(schema["paths"]) == [
        "/api/articles/",
        "/api/articles/{article_id}/",
        "/api/coverage/",
        "/api/outlets/",
        "/api/outlets/{slug}/",
        "/api/people/",
        "/api/people/{slug}/",
        "/api/quotes/",
        "/api/search/",
    ]
    for operations in schema["paths"].values():
        operation = operations["get"]
        assert operation["security"] == [{"BearerToken": []}, {}]
        assert {"200", "304", "400", "401", "404", "422", "429"} <= set(operation["responses"])
    assert schema["components"]["securitySchemes"] == {
        "BearerToken": {"type": "http", "scheme": "bearer"}
    }


def test_the_docs_page_loads_only_the_sites_own_files(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    refs = STATIC_REF.findall(html)
    assert refs == [
        "/static/ninja/swagger-ui.css",
        "/static/ninja/favicon.svg",
        "/static/ninja/favicon.png",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
    assert "http://" not in html and "https://" not in html
    assert '"validatorUrl": null' in html and '"url": "/api/openapi.json"' in html
    for ref in refs:
        assert finders.find(ref.removeprefix("/static/")), ref
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "connect-src 'self';" in policy


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests skipped: {CHROMIUM} missing")
def test_the_docs_page_renders_the_operations_without_outside_requests(site, page):  # noqa: F811
    requested, errors = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(site["url"] + "/api/docs/")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/articles/" in paths and "/api/search/" in paths
    outside = [url for url in requested if not url.startswith((site["url"], "data:"))]
    assert outside == []
    assert errors == []
