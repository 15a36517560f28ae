"""The Content-Security-Policy in a real browser (headless Chromium): reader pages and the
admin work under it and nothing on them is refused. Skipped like ``tests/test_browser.py``
when Chromium or Playwright is missing."""

import re

import pytest
from django.contrib.auth.models import User

from archive.models import Article, Outlet
from tests.test_browser import CHROMIUM, browser, expect, page, site  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests skipped: {CHROMIUM} missing"),
]


@pytest.fixture
def refused(page):  # noqa: F811
    """Messages of everything the browser refused under the policy, as the pages load."""
    messages = []
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return messages


def test_reader_pages_load_everything_under_the_policy(site, page, refused):  # noqa: F811
    article = Article.objects.published().filter(outlet__isnull=False).first()
    for path in (
        "/",
        "/outlets/daily-gen/",
        article.get_absolute_url(),
        "/people/alice-example/",
        "/quotes/",
        "/search/?q=Macron",
        "/no/such/page/",
    ):
        response = page.goto(site["url"] + path)
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        # the stylesheet applied: the header has the site's own background panel
        assert page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).borderBottomStyle"
        ) == ("solid"), path
    page.goto(site["url"] + "/outlets/daily-gen/")
    bar = page.locator(".bars svg.bar rect").nth(1)
    expect(bar).to_be_visible()
    assert refused == []


def test_the_admin_runs_its_scripts_under_the_policy(site, page, refused):  # noqa: F811
    User.objects.create_superuser("admin", password="pw-Admin-1")
    page.goto(site["url"] + "/admin/login/?next=/admin/archive/article/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("pw-Admin-1")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/archive/article/$"))
    article = Article.objects.filter(outlet__isnull=False).first()
    page.goto(site["url"] + f"/admin/archive/article/{article.pk}/change/")
    # Scripts from files ran: the date field's shortcuts and the outlet's autocomplete box
    expect(page.locator(".datetimeshortcuts").first).to_be_attached()
    expect(page.locator(".select2-container").first).to_be_visible()
    # the article form's own stylesheet applied (it was an inline <style> before)
    assert page.evaluate("getComputedStyle(document.querySelector('.raw-and-clean')).display") == (
        "grid"
    )
    page.get_by_label("Title:").fill("Retitled under the policy")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/archive/article/$"))
    article.refresh_from_db()
    assert article.title == "Retitled under the policy"
    page.goto(site["url"] + f"/admin/archive/outlet/{Outlet.objects.first().pk}/change/")
    expect(page.locator("#id_name")).to_be_visible()
    assert refused == []
