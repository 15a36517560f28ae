"""Every reader page issues a fixed, small number of SQL queries whatever the data size."""

import datetime

import pytest
from django.core.cache import cache

from archive.models import Article, Quote
from tests.pages_data import make_archive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _views_not_page_cache(settings):
    """These tests count what each view itself costs: the whole-page cache is off."""
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 0


# url -> queries; the same before and after the archive grows.
PAGES = {
    # archive figures (cold cache: monthly counts, undated count, top outlets, top people),
    # latest dated (counted from the figures), undated
    "/": 6,
    # article, mentions, quotes, older and newer in the outlet (one query), more like this
    "ARTICLE": 5,
    # the outlets (sorted in Python, folded names), stories without an outlet
    "/outlets/": 2,
    # counts, dated stories, undated stories (the seeds have both without an outlet)
    "/unknown-outlet/": 3,
    # outlet, by-month (with the undated count), list; the coverage chart: the outlet filter
    # of its search, the archive's stories per day and its stories with copies (cold cache)
    "/outlets/daily-gen/": 6,
    "/outlets/daily-gen/?month=2021-03": 6,
    # count, list (the counts beside the names are the people's counters)
    "/people/": 2,
    "/people/?q=ali": 2,
    # person, count, list, quotes, related, outlets, aliases; the coverage chart: the person
    # filter of its search, the archive's stories per day and its stories with copies (cold
    # cache)
    "/people/alice-example/": 10,
    # count, list, outlets for the filter
    "/quotes/": 3,
    "/quotes/?speaker=alice-example&outlet=daily-gen": 3,
    # archive figures (cold cache), the years are summed from the monthly counts
    "/dates/": 4,
    # months (an empty year is a 404 from them), previous year, next year
    "/dates/2021/": 3,
    # days (their sum is the page count), previous month, next month, list
    "/dates/2021/03/": 4,
    # previous day, next day, count (0: a 404), list
    "/dates/2021/03/05/": 4,
    "/dates/undated/": 2,
    "/feeds/latest/": 1,
    "/feeds/outlets/daily-gen/": 2,
    "/feeds/people/alice-example/": 2,
}


def _url(url):
    if url == "ARTICLE":
        return Article.objects.get(title="Generated story middle").get_absolute_url()
    return url


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_data(client, seeded, django_assert_num_queries, url):
    stories = make_archive(12, start=datetime.date(2021, 3, 1))
    Article.objects.filter(pk=stories[6].pk).update(title="Generated story middle")
    for _round in range(2):
        cache.clear()
        target = _url(url)
        with django_assert_num_queries(PAGES[url]):
            response = client.get(target)
        assert response.status_code == 200
        make_archive(25, start=datetime.date(2021, 2, 1))  # more stories, people and quotes


def test_home_statistics_are_cached(client, seeded, django_assert_num_queries):
    make_archive(5)
    cache.clear()
    client.get("/")
    with django_assert_num_queries(PAGES["/"] - 4):
        response = client.get("/")
    assert "Alice Example" in response.content.decode()


def test_quote_count_is_cached_for_the_unfiltered_list(client, seeded, django_assert_num_queries):
    make_archive(5)
    cache.clear()
    client.get("/quotes/")
    with django_assert_num_queries(PAGES["/quotes/"] - 1):  # list, outlets
        response = client.get("/quotes/")
    n = Quote.objects.filter(article__status="published", is_fragment=False).count()
    assert f'<h2 id="quotes-heading">{n} quotes</h2>' in response.content.decode()
    filtered = "/quotes/?speaker=alice-example&outlet=daily-gen"
    client.get(filtered)
    with django_assert_num_queries(PAGES[filtered]):  # a filtered list is counted each time
        client.get(filtered)
