"""End-to-end tests of the reader pages in headless Chromium (Debian's package, via Playwright).

They run against pytest-django's ``live_server`` and save screenshots of each page type at
phone and desktop widths to ``artifacts/screenshots/``. Skipped, with the reason, when
``/usr/bin/chromium`` or the ``playwright`` package is missing.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from tests.pages_data import make_archive, make_story, person

CHROMIUM = Path(os.environ.get("ARCHIVE_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium)",
    ),
]
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: the playwright package is missing"
)
expect = playwright_api.expect


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by
    # the tests themselves (creating data) are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(transactional_db, live_server, seeded):
    """The live server with the seed stories plus a month of generated, dated stories."""
    stories = make_archive(12, start=datetime.date(2021, 3, 1))
    alice = person("Alice Example")
    feature = make_story(
        title="Alice Example sets out the plan",
        outlet=stories[0].outlet,
        published=datetime.date(2021, 3, 20),
        standfirst="A long interview about the plan, the money and the people behind it.",
        byline="By Jo Writer",
        people=[alice],
        quotes=[(alice, "We will build it together"), ("a spokesman", "No further comment")],
    )
    return {"url": live_server.url, "stories": stories, "feature": feature}


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def shoot(page, name):
    """Screenshots of the current URL at phone and desktop widths, full page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        if label == "phone":
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways on a phone by {overflow}px"
    page.set_viewport_size(VIEWPORTS["desktop"])


def test_home_outlet_article_person(site, page):
    page.goto(site["url"] + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("News archive")
    expect(page.get_by_role("searchbox", name="Search the archive")).to_be_visible()
    expect(page.get_by_role("heading", name="Latest stories")).to_be_visible()
    expect(page.locator("figure.timeline svg rect").first).to_be_visible()
    shoot(page, "home")

    page.get_by_role("complementary").get_by_role("link", name="Daily Gen").click()
    expect(page).to_have_url(re.compile(r"/outlets/daily-gen/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Daily Gen")
    expect(page.get_by_role("heading", name="By month")).to_be_visible()
    shoot(page, "outlet")

    page.get_by_role("link", name="Alice Example sets out the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Example sets out the plan")
    expect(page.locator(".article-body q.quote").first).to_have_text("We will build it together")
    expect(page.get_by_text("By Jo Writer")).to_be_visible()
    expect(page.get_by_role("navigation", name="More from Daily Gen")).to_be_visible()
    shoot(page, "article")

    page.locator("#people-heading + ul").get_by_role("link", name="Alice Example").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Example")
    expect(page.get_by_role("heading", name="Often mentioned with")).to_be_visible()
    expect(page.locator(".quote-list blockquote").first).to_contain_text(
        "We will build it together"
    )
    shoot(page, "person")


def test_browse_by_date_down_to_a_day(site, page):
    page.goto(site["url"] + "/")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Dates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Browse by date")
    shoot(page, "dates")
    page.get_by_role("link", name=re.compile(r"^2021")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2021")
    expect(page.get_by_role("link", name="Next year 2022")).to_be_visible()
    shoot(page, "year")
    page.get_by_role("link", name=re.compile(r"^March")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("March 2021")
    expect(page.get_by_role("table", name="Stories per day, March 2021")).to_be_visible()
    shoot(page, "month")
    page.get_by_role("link", name="20 March: 1 story").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saturday 20 March 2021")
    expect(page.get_by_role("link", name="Alice Example sets out the plan")).to_be_visible()
    shoot(page, "day")
    page.get_by_role("link", name=re.compile("Previous day")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Friday 12 March 2021")


def test_people_filter_and_quotes(site, page):
    page.goto(site["url"] + "/people/")
    shoot(page, "people")
    page.get_by_role("searchbox", name="Filter by name").fill("bob")
    page.get_by_role("button", name="Filter").click()
    people = page.locator(".people-grid li")
    expect(people).to_have_count(1)
    expect(people.first).to_contain_text("Bob Sample")

    page.goto(site["url"] + "/quotes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quotes")
    page.get_by_label("Outlet").select_option(label="Weekly Gen")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"outlet=weekly-gen"))
    expect(page.locator(".quote-list li").first).to_contain_text("Quote number 11 from Alice")
    shoot(page, "quotes")


def test_not_found_page_and_outlet_list(site, page):
    response = page.goto(site["url"] + "/dates/2021/02/30/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    shoot(page, "not-found")
    page.goto(site["url"] + "/outlets/")
    expect(page.get_by_role("table")).to_contain_text("Weekly Gen")
    shoot(page, "outlets")


def test_keyboard_and_dark_mode(site, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], color_scheme="dark")
    tab = context.new_page()
    try:
        tab.goto(site["url"] + site["feature"].get_absolute_url())
        tab.keyboard.press("Tab")
        skip = tab.get_by_role("link", name="Skip to content")
        expect(skip).to_be_focused()
        box = skip.bounding_box()
        assert box and box["y"] >= 0, "the skip link must be visible when focused"
        outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
        assert outline == "solid"
        background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(20, 20, 20)"
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "article-dark-phone.png"), full_page=True)
    finally:
        context.close()


def test_search_and_follow_a_facet(site, page):
    try:
        reverse("search:search")
    except NoReverseMatch:
        pytest.skip("search is not installed here: the 'search' URL namespace does not exist")
    from django.core.management import call_command

    call_command("rebuild_index")  # index the live data: stories made here and the seeds
    page.goto(site["url"] + "/")
    page.get_by_role("searchbox", name="Search the archive").fill("Macron")
    page.get_by_role("searchbox", name="Search the archive").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Macron"))
    facet = page.locator("a[href*='outlet=']").first
    expect(facet).to_be_visible()
    facet.click()
    expect(page).to_have_url(re.compile(r"outlet="))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot(page, "search")
