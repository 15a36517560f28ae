"""Reader pages in headless Chromium: the timeline's year marks and table, one search box on
a phone, the article beside its people and quotes on a wide screen, the unknown outlet, the
feed notes. Skipped like ``tests/test_browser.py`` when Chromium or Playwright is missing."""

import re

import pytest
from django.core.management import call_command

from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    VIEWPORTS,
    browser,
    expect,
    page,
    shoot,
    site,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests skipped: {CHROMIUM} missing"),
]


def test_timeline_has_year_marks_and_a_table(site, page):  # noqa: F811
    page.goto(site["url"] + "/")
    labels = page.locator("figure.timeline .axis text")
    expect(labels).to_have_text(["2021", "2022"])
    first, second = (labels.nth(i).bounding_box() for i in range(2))
    assert first["x"] + first["width"] < second["x"], "year labels overlap"
    bars = page.locator("figure.timeline .bars a")
    expect(bars.first).to_be_visible()
    table = page.get_by_role("table", name="Stories per year")
    expect(table).to_be_hidden()
    page.get_by_text("Stories per year, as a table").click()
    expect(table).to_be_visible()
    table.get_by_role("link", name="2021").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2021")


def test_one_search_box_on_the_search_page_at_phone_width(site, page):  # noqa: F811
    call_command("rebuild_index")
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(site["url"] + "/search/?q=Macron")
    expect(page.get_by_role("searchbox")).to_have_count(1)
    expect(page.get_by_role("searchbox", name="Search for")).to_have_value("Macron")
    page.goto(site["url"] + "/outlets/")  # other pages keep the header's box
    expect(page.get_by_role("searchbox", name="Search stories")).to_be_visible()


def test_article_aside_beside_the_body_on_a_wide_screen_below_on_a_phone(site, page):  # noqa: F811
    page.goto(site["url"] + site["feature"].get_absolute_url())
    body = page.locator("article.article").bounding_box()
    aside = page.locator(".article-aside").bounding_box()
    assert aside["x"] >= body["x"] + body["width"], (body, aside)
    assert aside["y"] < body["y"] + body["height"]
    assert aside["x"] + aside["width"] > 1000, "the aside uses the right of a 1,280 px screen"
    expect(page.locator(".article-aside").get_by_role("heading", name="Quotes")).to_be_visible()
    page.set_viewport_size(VIEWPORTS["phone"])
    body = page.locator("article.article").bounding_box()
    aside = page.locator(".article-aside").bounding_box()
    assert aside["y"] >= body["y"] + body["height"], (body, aside)
    assert abs(aside["x"] - body["x"]) < 1
    shoot(page, "article-layout")


def test_unknown_outlet_is_reachable_from_the_outlets_and_feeds_explained(site, page):  # noqa: F811
    page.goto(site["url"] + "/outlets/")
    rows = page.locator("table.data tbody th")
    expect(rows.first).to_have_text("Unknown outlet")
    names = rows.all_inner_texts()[1:]
    assert names == sorted(names, key=str.casefold)
    page.get_by_role("link", name="Unknown outlet").click()
    expect(page).to_have_url(re.compile(r"/unknown-outlet/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Unknown outlet")
    expect(page.locator("ol.stories li")).to_have_count(2)  # the seeds without an outlet
    shoot(page, "unknown-outlet")
    page.goto(site["url"] + "/outlets/daily-gen/")
    expect(page.locator("main .feed-note")).to_contain_text("copy the link's address")


def test_every_link_and_control_on_the_home_page_shows_its_focus(site, page):  # noqa: F811
    page.goto(site["url"] + "/")
    focusable = page.evaluate(
        "document.querySelectorAll('a[href], button, input, select, summary').length"
    )
    seen = set()
    for _ in range(focusable):
        page.keyboard.press("Tab")
        element = page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return [el.outerHTML.slice(0, 80), style.outlineStyle, style.outlineWidth];
            }"""
        )
        html, style, width = element
        if html.startswith("<body"):
            break  # past the last control (the links in the closed table are skipped)
        assert style == "solid" and width == "3px", f"no visible focus on {html}"
        seen.add(html)
    # the skip link, the header, the search, the timeline's bars and table, the stories
    assert len(seen) >= 30
    assert any("Stories per year, as a table" in h for h in seen)
    assert any(h.startswith('<a href="/dates/2021/03/">') for h in seen)
