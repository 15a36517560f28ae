"""The story edit page's raw/clean view (JSON Lines, HTML) and the undo page in headless
Chromium: axe-core finds no serious or critical violation at either width in either colour
scheme, and Restore and Undo work with the mouse. Screenshots go to
``artifacts/screenshots/curate/``. Skipped like the other browser tests."""

import json
import re

import pytest
from django.contrib.auth.models import User

from archive import curation
from archive.importer import import_uploads
from archive.models import Article
from tests.test_admin_raw_views import PAGE, RECORD
from tests.test_browser import SHOTS, VIEWPORTS, browser, expect  # noqa: F401  (fixtures)
from tests.test_browser_a11y import AXE, CHROMIUM, axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests skipped: {CHROMIUM} missing"),
    pytest.mark.skipif(not AXE.exists(), reason=f"accessibility checks skipped: {AXE} missing"),
]


def _import(name, data):
    result = import_uploads([(name, data)], review=True)
    return Article.objects.get(pk=result.outcomes[0].article_id)


@pytest.fixture
def curated(transactional_db, live_server):
    User.objects.create_superuser("curator", password="pw-Curator-1")
    jsonl = _import("export.jsonl", (json.dumps(RECORD) + "\n").encode())
    html = _import("harbour.html", PAGE.encode())
    bulk = curation.set_articles(Article.objects.all(), status=Article.Status.HIDDEN)
    return {"url": live_server.url, "jsonl": jsonl, "html": html, "operation": bulk.operation}


def _sign_in(tab, url):
    tab.goto(url + "/admin/login/")
    tab.get_by_label("Username").fill("curator")
    tab.get_by_label("Password").fill("pw-Curator-1")
    tab.get_by_role("button", name="Log in").click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_raw_views_and_undo_page_have_no_serious_violations(curated, browser, width, scheme):  # noqa: F811
    context = browser.new_context(viewport=VIEWPORTS[width], color_scheme=scheme, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    folder = SHOTS / "curate"
    folder.mkdir(parents=True, exist_ok=True)
    pages = {
        "change-jsonl": f"/admin/archive/article/{curated['jsonl'].pk}/change/",
        "change-html": f"/admin/archive/article/{curated['html'].pk}/change/",
        "undo": f"/admin/archive/changerecord/undo/{curated['operation']}/",
        "change-records": "/admin/archive/changerecord/",
    }
    found = []
    try:
        _sign_in(tab, curated["url"])
        for name, path in pages.items():
            assert tab.goto(curated["url"] + path).status == 200, name
            tab.screenshot(path=str(folder / f"{name}-{width}-{scheme}.png"), full_page=True)
            found += [f"{name}: {line}" for line in axe_violations(tab)]
    finally:
        context.close()
    assert found == [], "\n".join(found)


def test_restore_and_undo_with_the_mouse(curated, browser):  # noqa: F811
    html_only = Article.objects.filter(pk=curated["html"].pk)
    curation.set_articles(html_only, status=Article.Status.PUBLISHED)
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    try:
        _sign_in(tab, curated["url"])
        tab.goto(curated["url"] + "/admin/archive/changerecord/")
        tab.get_by_role("link", name="Undo").first.click()  # the newest: publish the page
        tab.get_by_role("button", name="Undo").click()
        expect(tab.locator(".messagelist")).to_contain_text("Undid the bulk change of 1 stories.")
        assert Article.objects.get(pk=curated["html"].pk).status == "hidden"

        tab.goto(curated["url"] + f"/admin/archive/article/{curated['jsonl'].pk}/change/")
        expect(tab.locator(".raw-and-clean h3").first).to_have_text(
            "JSON Lines record (6 fields, 2 lines removed)"
        )
        tab.locator('button[name="_restore_line"][value="5"]').click()
        expect(tab.locator(".messagelist")).to_contain_text(
            "Restored “Source link” as paragraph 3."
        )
        # the first bulk change (hide both) touched the story restored since: refused
        tab.goto(curated["url"] + f"/admin/archive/changerecord/undo/{curated['operation']}/")
        expect(tab.locator(".messagelist")).to_contain_text(
            "“Council approves new budget” has changed since; the change cannot be undone."
        )
    finally:
        context.close()
    assert Article.objects.get(pk=curated["jsonl"].pk).status == "hidden"
