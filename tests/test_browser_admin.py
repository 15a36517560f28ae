"""The curator's pages in headless Chromium at 1,280 px: the review queue fits the screen
with the headline given the room, duplicates flagged with a link to the original, the edit
page lays out the headline full width, and the bulk "Set the outlet" is a search-as-you-type
choice. Skipped like ``tests/test_browser.py`` when Chromium or Playwright is missing."""

import re

import pytest
from django.contrib.auth.models import User

from archive.models import Article, Outlet, StoryCluster
from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    SHOTS,
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

LONG = (
    "Harbour bridge reopens after eight months of repairs to its cables and deck, and "
    "cyclists get their own lane from next spring"
)


@pytest.fixture
def curator(site, page):  # noqa: F811
    User.objects.create_superuser("curator", password="pw-Curator-1")
    page.goto(site["url"] + "/admin/login/?next=/admin/archive/article/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("pw-Curator-1")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/archive/article/$"))
    return page


def test_review_queue_fits_1280_and_flags_only_duplicates(site, curator):  # noqa: F811
    tab = curator
    stories = site["stories"]
    first, copy = stories[0], stories[1]
    Article.objects.filter(pk=first.pk).update(title=LONG)
    cluster = StoryCluster.objects.create()
    Article.objects.filter(pk__in=[first.pk, copy.pk]).update(cluster=cluster)
    tab.reload()
    overflow = tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the queue scrolls sideways at 1,280 px by {overflow}px"
    headline = tab.locator("#result_list th.field-title a", has_text="Harbour bridge reopens")
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / "admin-queue-desktop.png"), full_page=True)
    box = headline.bounding_box()
    assert box["width"] >= 300, box
    assert box["height"] <= 3 * 22, f"the headline wraps over too many lines: {box}"
    flagged = tab.locator("#result_list td.field-duplicate a")
    expect(flagged).to_have_count(2)
    expect(tab.locator("#result_list td.field-duplicate", has_text="copy of")).to_have_count(1)
    tab.get_by_role("link", name=f"copy of #{first.pk}").click()
    expect(tab).to_have_url(re.compile(rf"/admin/archive/article/{first.pk}/change/$"))


def test_edit_page_headline_full_width_and_tools_clear_of_it(site, curator):  # noqa: F811
    tab = curator
    article = site["stories"][0]
    Article.objects.filter(pk=article.pk).update(title=LONG)
    tab.goto(site["url"] + f"/admin/archive/article/{article.pk}/change/")
    title = tab.get_by_label("Title:")
    form = tab.locator("#article_form fieldset").first.bounding_box()
    assert title.bounding_box()["width"] >= 0.6 * form["width"]
    heading = tab.locator("#content h2").first.bounding_box()
    for tool in tab.locator(".object-tools a").all():
        t = tool.bounding_box()
        apart = (
            t["y"] >= heading["y"] + heading["height"]
            or t["y"] + t["height"] <= heading["y"]
            or t["x"] >= heading["x"] + heading["width"]
        )
        assert apart, f"an object tool overlaps the headline: {t} {heading}"
    tab.screenshot(path=str(SHOTS / "admin-article-top-desktop.png"))


def test_set_the_outlet_is_a_search_as_you_type_choice(site, curator):  # noqa: F811
    tab = curator
    Outlet.objects.create(name="Zebra Times", slug="zebra-times")
    target = site["stories"][2]
    tab.locator(f"input[name=_selected_action][value='{target.pk}']").check()
    tab.get_by_label("Action:").select_option(label="Set the outlet of selected stories…")
    tab.get_by_role("button", name="Go").click()
    expect(tab.get_by_role("heading", name="Set the outlet")).to_be_visible()
    tab.locator(".select2-selection").click()
    tab.locator(".select2-search__field").fill("zebra")
    option = tab.get_by_role("option", name="Zebra Times")
    expect(option).to_be_visible()
    expect(tab.get_by_role("option")).to_have_count(1)
    option.click()
    tab.get_by_role("button", name="Apply").click()
    expect(tab.locator(".messagelist")).to_contain_text("Set the outlet of 1 stories")
    target.refresh_from_db()
    assert target.outlet.name == "Zebra Times"


def test_edit_page_body_beside_raw_input_compact_inlines(site, browser):  # noqa: F811
    """At 1,280 px the body and the raw input sit side by side, quotes and people are one
    row each; at 390 px everything is one column. Screenshots at both widths; axe finds no
    serious or critical violation at either."""
    from tests.test_browser_a11y import AXE, axe_violations

    User.objects.create_superuser("curator", password="pw-Curator-1")
    # (the context lets axe's script in; the pages' policy is checked elsewhere)
    context = browser.new_context(viewport=VIEWPORTS["desktop"], bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.goto(site["url"] + "/admin/login/")
    tab.get_by_label("Username").fill("curator")
    tab.get_by_label("Password").fill("pw-Curator-1")
    tab.get_by_role("button", name="Log in").click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))
    article = Article.objects.filter(mentions__isnull=False, quotes__isnull=False).first()
    tab.goto(site["url"] + f"/admin/archive/article/{article.pk}/change/")
    tab.wait_for_function(
        "() => !document.querySelector("
        "'select.admin-autocomplete:not([name*=__prefix__]):not(.select2-hidden-accessible)')"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.get_by_label("Body:").scroll_into_view_if_needed()
    tab.screenshot(path=str(SHOTS / "admin-article-body-desktop.png"))
    body = tab.get_by_label("Body:").bounding_box()
    raw = tab.locator(".raw-and-clean").bounding_box()
    assert raw["x"] >= body["x"] + body["width"], (body, raw)
    assert raw["y"] < body["y"] + body["height"], (body, raw)
    assert body["width"] >= 500 and raw["width"] >= 500, (body, raw)
    for group in ("#quotes-group", "#mentions-group"):
        expect(tab.locator(f"{group} .tabular")).to_have_count(1)
        row = tab.locator(f"{group} tr.form-row.has_original").first.bounding_box()
        assert row["height"] <= 120, f"{group}: a row {row['height']} px high"
    tab.locator("#quotes-group").screenshot(path=str(SHOTS / "admin-article-quotes-desktop.png"))
    checks = AXE.exists()
    found = []
    for label in ("desktop", "phone"):
        tab.set_viewport_size(VIEWPORTS[label])
        if label == "phone":
            body = tab.get_by_label("Body:").bounding_box()
            raw = tab.locator(".raw-and-clean").bounding_box()
            assert raw["y"] >= body["y"] + body["height"], (body, raw)
        tab.screenshot(path=str(SHOTS / f"admin-article-edit-{label}.png"), full_page=True)
        if checks:
            found += [f"{label}: {line}" for line in axe_violations(tab)]
    context.close()
    assert found == [], "\n".join(found)
