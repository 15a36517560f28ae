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


# Every element a keyboard can reach, numbered: visible, enabled, not inside a closed
# <details> (its <summary> excepted), not the <select> behind a search-as-you-type box.
TABBABLE = """() => {
    const found = [...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'
    )].filter(el => {
        if (el.tabIndex < 0 || el.disabled || el.closest('[inert]')) return false;
        if (el.classList.contains('select2-hidden-accessible')) return false;
        for (let d = el.closest('details:not([open])'); d; d = d.parentElement.closest('details:not([open])')) {
            if (!(el.tagName === 'SUMMARY' && el.parentElement === d)) return false;
        }
        const style = getComputedStyle(el);
        if (style.visibility !== 'visible') return false;
        return el.getClientRects().length > 0;
    });
    found.forEach((el, i) => { el.dataset.tabbable = String(i); });
    return found.map(el => el.outerHTML.slice(0, 80));
}"""

FOCUSED = """() => {
    let el = document.activeElement;
    let framed = false;
    if (el.tagName === 'IFRAME' && el.contentDocument) {  // the search page's chart frame
        el = el.contentDocument.activeElement;
        framed = true;
        if (el.tagName === 'BODY') return ['frame-body', 'the frame itself', '', ''];
    }
    const style = getComputedStyle(el);
    return [framed ? 'frame' : el.dataset.tabbable ?? null, el.outerHTML.slice(0, 80),
            style.outlineStyle, style.outlineWidth];
}"""


def keyboard_paths(site):  # noqa: F811
    """The reader page types, and the admin's review queue and story edit page."""
    from archive.models import Article

    feature = site["feature"]
    facet = (
        Article.objects.published()
        .filter(outlet__isnull=False, title__icontains="Macron")
        .first()
        .outlet.slug
    )
    edited = Article.objects.filter(mentions__isnull=False, quotes__isnull=False).first()
    return {
        "home": "/",
        "article": feature.get_absolute_url(),
        "outlet": "/outlets/daily-gen/",
        "person": "/people/alice-example/",
        "year": "/dates/2021/",
        "month": "/dates/2021/03/",
        "day": "/dates/2021/03/20/",
        "quotes": "/quotes/",
        "search": f"/search/?q=Macron&outlet={facet}",
        "admin-queue": "/admin/archive/article/",
        "admin-edit": f"/admin/archive/article/{edited.pk}/change/",
    }


PAGE_TYPES = [
    "home",
    "article",
    "outlet",
    "person",
    "year",
    "month",
    "day",
    "quotes",
    "search",
    "admin-queue",
    "admin-edit",
]


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_every_control_is_reached_by_tab_with_a_visible_focus(site, page, name):  # noqa: F811
    """Tab from the top of the page reaches every link and control in turn, each drawn with
    its 3 px focus outline, and leaves the page after the last one (no keyboard trap)."""
    from django.contrib.auth.models import User

    if name == "search":
        call_command("rebuild_index")
    if name.startswith("admin"):
        User.objects.create_superuser("curator", password="pw-Curator-1")
        page.goto(site["url"] + "/admin/login/")
        page.get_by_label("Username").fill("curator")
        page.get_by_label("Password").fill("pw-Curator-1")
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(site["url"] + keyboard_paths(site)[name])
    page.wait_for_function(  # Django's search-as-you-type boxes are built when jQuery is ready
        "() => !document.querySelector("
        "'select.admin-autocomplete:not([name*=__prefix__]):not(.select2-hidden-accessible)')"
    )
    if name == "search":
        remove = page.get_by_role("link", name=re.compile(r"^Remove filter"))
        expect(remove.first).to_be_visible()  # the chip of the chosen outlet
        page.locator("iframe.coverage-frame").scroll_into_view_if_needed()  # lazily loaded
        expect(page.frame_locator("iframe.coverage-frame").locator("main")).to_be_visible()
    tabbable = page.evaluate(TABBABLE)
    reached, unmarked, framed, last = [], [], [], None
    for _ in range(len(tabbable) + 100):
        page.keyboard.press("Tab")
        index, html, style, width = page.evaluate(FOCUSED)
        if html.startswith("<body"):
            break  # past the last control: focus leaves the page
        assert (index, html) != last, f"{name}: Tab does not move on from {html}"
        last = (index, html)
        if index == "frame-body":  # the frame, between the page's controls and its own
            continue
        if index == "frame":  # a control inside a frame of the page (the coverage chart)
            framed.append(html)
            assert (style, width) == ("solid", "3px"), f"{name}: no visible focus on {html}"
            continue
        if index is None:
            unmarked.append(html)
            continue
        if int(index) in reached:
            break  # back at the top
        assert (style, width) == ("solid", "3px"), f"{name}: no visible focus on {html}"
        reached.append(int(index))
    else:
        pytest.fail(f"{name}: focus never leaves the page (last on {last[1]})")
    missed = [tabbable[i] for i in range(len(tabbable)) if i not in reached]
    assert missed == [], f"{name}: not reached by Tab: {missed}"
    assert unmarked == [], f"{name}: focus on hidden elements: {unmarked}"
    assert reached == sorted(reached), f"{name}: Tab order differs from the page order"
    assert len(reached) >= 5
    if name == "search":  # the chart's controls (if any), inside its frame
        assert all(h.startswith(("<a ", "<summary")) for h in framed), framed
