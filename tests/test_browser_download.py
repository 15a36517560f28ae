"""Downloading a search from the search page in headless Chromium: the file the browser
saves has the name and the stories of the search. Skipped like ``tests/test_browser.py``
when Chromium or Playwright is missing."""

import csv
import json

import pytest
from django.core.management import call_command

from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    browser,
    expect,
    page,
    site,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser tests skipped: {CHROMIUM} missing"),
]


def searched(site, page, query):  # noqa: F811
    """Open the search page of ``query`` (the live data indexed first)."""
    call_command("rebuild_index")  # index the live data: the seeds and the stories made here
    page.goto(site["url"] + "/search/?" + query)
    expect(page.locator("p.result-count")).to_contain_text("result")


def test_download_links_save_the_search_as_csv_and_json_lines(site, page):  # noqa: F811
    # 13 stories, each of its own day: the page sorted newest first lists them all in the
    # order of the download
    searched(site, page, "q=Alice&sort=newest")
    titles = page.locator("a.story-title").all_inner_texts()
    assert len(titles) == 13 and titles[0] == "Alice Example sets out the plan"

    with page.expect_download() as saved:
        page.get_by_role("link", name="Download CSV").click()
    download = saved.value
    assert download.suggested_filename == "search-alice-stories.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as fp:
        header, *rows = list(csv.reader(fp))
    assert header[:3] == ["id", "source", "title"]
    assert [row[2] for row in rows] == titles

    with page.expect_download() as saved:
        page.get_by_role("link", name="Download JSON Lines").click()
    download = saved.value
    assert download.suggested_filename == "search-alice-stories.jsonl"
    with open(download.path(), encoding="utf-8") as fp:
        records = [json.loads(line) for line in fp]
    assert [r["title"] for r in records] == titles
    assert [r["id"] for r in records] == [int(row[0]) for row in rows]


def test_quote_search_downloads_quotes_and_the_feed_link_is_the_search(site, page):  # noqa: F811
    searched(site, page, "q=%22build+it+together%22&in=quotes")
    with page.expect_download() as saved:
        page.get_by_role("link", name="Download CSV").click()
    download = saved.value
    assert download.suggested_filename == "search-build-it-together-quotes.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as fp:
        header, *rows = list(csv.reader(fp))
    assert header[:3] == ["id", "text", "speaker"]
    assert [(row[1], row[2]) for row in rows] == [("We will build it together", "Alice Example")]

    feed = page.get_by_role("link", name="Follow this search (Atom)")
    expect(feed).to_have_attribute("href", "/search/feed/?q=%22build+it+together%22&in=quotes")
    head = page.locator('head link[rel="alternate"][title="This search (Atom)"]')
    expect(head).to_have_attribute("href", "/search/feed/?q=%22build+it+together%22&in=quotes")
