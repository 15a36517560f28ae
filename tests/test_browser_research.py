"""The coverage chart and the comparison page in headless Chromium: labelled axes, dates that
do not overlap, a bar that opens its slice of the search. Skipped like
``tests/test_browser.py`` when Chromium or Playwright is missing."""

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


def test_coverage_chart_has_labelled_axes_and_a_bar_opens_its_slice(site, page):  # noqa: F811
    call_command("rebuild_index")
    page.goto(site["url"] + "/search/?q=generated")
    # the search page frames its chart (its own request, beside the page's)
    chart = page.frame_locator("iframe.coverage-frame").locator("svg.coverage-chart")
    expect(chart).to_be_visible()
    expect(chart.locator(".y-title")).to_have_text("Stories per day")
    expect(chart.locator(".x-title")).to_have_text("Day")
    expect(chart.locator(".y-axis text")).to_have_text(["0", "1"])
    dates = chart.locator(".x-axis text")
    expect(dates).to_have_text(["1 Mar 2021", "3 Mar", "5 Mar", "7 Mar", "9 Mar", "11 Mar"])
    boxes = [dates.nth(i).bounding_box() for i in range(dates.count())]
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left["x"] + left["width"] < right["x"], "date labels overlap"
    plot = chart.locator("svg.bars").bounding_box()
    ticks = chart.locator(".y-axis text").all()
    assert all(t.bounding_box()["x"] + t.bounding_box()["width"] <= plot["x"] for t in ticks)
    bars = chart.locator("svg.bars a")
    expect(bars).to_have_count(12)
    shoot(page, "coverage-search")

    bars.nth(2).click()
    expect(page).to_have_url(re.compile(r"[?&]from=2021-03-03&to=2021-03-03"))
    expect(page.locator(".result-count")).to_have_text("1 result")
    expect(page.get_by_role("searchbox", name="Search for")).to_have_value("generated")


def test_switching_to_share_and_weeks_keeps_the_search(site, page):  # noqa: F811
    call_command("rebuild_index")
    page.goto(site["url"] + "/search/?q=generated&sort=newest")
    frame = page.frame_locator("iframe.coverage-frame")
    switch = frame.get_by_role("navigation", name="Chart options")
    switch.get_by_role("link", name="week").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=generated&sort=newest&interval=week$"))
    frame.get_by_role("navigation", name="Chart options").get_by_role(
        "link", name="share of all stories"
    ).click()
    chart = frame.locator("svg.coverage-chart")
    expect(chart.locator(".y-title")).to_have_text("Share of all stories (%)")
    expect(chart.locator(".x-title")).to_have_text("Week starting Monday")
    expect(chart.locator(".y-axis text").last).to_have_text("100%")
    frame.get_by_text("The figures, as a table").click()
    expect(frame.get_by_role("table").first.locator("tbody tr")).to_have_count(2)  # 1 and 8 March


def test_compare_two_searches(site, page):  # noqa: F811
    call_command("rebuild_index")
    page.goto(site["url"] + "/search/?q=generated")
    page.get_by_role("link", name="Compare with…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare searches")
    expect(page.get_by_label("Words").first).to_have_value("generated")
    page.get_by_label("Words").nth(1).fill("macron")
    page.get_by_role("button", name="Compare").click()
    legend = page.get_by_role("list", name="Legend")
    expect(legend.locator("li")).to_have_text(["“generated” (12)", "“macron” (5)"])
    # March 2021 to February 2022: per week
    expect(page.locator("svg.coverage-chart .x-title")).to_have_text("Week starting Monday")
    shoot(page, "compare")
