"""A search as an Atom feed, and the search page's links to its feed and downloads."""

import feedparser
import pytest
from django.urls import reverse

from tests.search_helpers import article, person

pytestmark = pytest.mark.usefixtures("search_backend")

FEED = reverse("research:search_feed")
SEARCH = reverse("search:search")


@pytest.fixture
def archive(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        macron = person("Emmanuel Macron", "Macron")
        items = {
            "stall": article(
                "Ceasefire talks stall",
                "Talks between Kyiv and Moscow stalled again.",
                outlet="Daily Mirror",
                published="2022-03-05",
                people=[macron],
                quotes=[("a Kremlin source", "Talks are over")],
            ),
            "paris": article(
                "Talks in Paris <b>tonight</b>",
                "Leaders met in Paris for talks.",
                outlet="Le Monde",
                published="2022-02-10",
                standfirst="Leaders & ministers met.",
            ),
            "undated": article("Talking points", "A talk about talking.", outlet="Daily Mirror"),
            "resume": article(
                "Peace talks resume",
                "Negotiators met again.",
                outlet="Le Monde",
                published="2022-04-01",
                people=[macron],
                quotes=[(macron, "These talks are the only way to peace")],
            ),
            "hidden": article("Hidden talks memo", "Talks memo.", status="hidden"),
            "grain": article("Grain deal signed", "A grain deal.", published="2022-07-22"),
        }
    return items


def parsed(client, query):
    response = client.get(FEED, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_feed_of_a_search_lists_its_matches_newest_first(client, archive):
    feed = parsed(client, {"q": "talks"})
    assert feed.feed.title == "News archive: stories matching “talks”"
    assert feed.feed.link == "http://testserver/search/?q=talks"
    assert [e.title for e in feed.entries] == [
        "Peace talks resume",
        "Ceasefire talks stall",
        "Talks in Paris <b>tonight</b>",  # plain text, as written
        "Talking points",  # undated: last, with no date
    ]
    assert [e.link for e in feed.entries] == [
        "http://testserver" + archive[k].get_absolute_url()
        for k in ("resume", "stall", "paris", "undated")
    ]
    assert [e.id for e in feed.entries] == [
        f"article-{archive[k].pk}" for k in ("resume", "stall", "paris", "undated")
    ]
    assert [e.get("published", "")[:10] for e in feed.entries] == [
        "2022-04-01",
        "2022-03-05",
        "2022-02-10",
        "",
    ]
    assert feed.entries[2].summary == "Leaders & ministers met."
    assert feed.entries[0].tags[0].term == "Le Monde"


def test_filters_narrow_the_feed_and_its_title_says_them(client, archive):
    feed = parsed(client, {"q": "talks", "outlet": "le-monde", "to": "2022-03-31"})
    assert feed.feed.title == (
        "News archive: stories matching “talks”, outlet le-monde, to 2022-03-31"
    )
    assert feed.feed.link == "http://testserver/search/?q=talks&outlet=le-monde&to=2022-03-31"
    assert [e.title for e in feed.entries] == ["Talks in Paris <b>tonight</b>"]


def test_feed_holds_the_newest_feed_size_matches(client, archive, monkeypatch):
    monkeypatch.setattr("archive.research.download_views.FEED_SIZE", 2)
    feed = parsed(client, {"q": "talks"})
    assert [e.title for e in feed.entries] == ["Peace talks resume", "Ceasefire talks stall"]


def test_feed_of_a_quote_search_lists_quotes(client, archive):
    feed = parsed(client, {"q": "talks", "in": "quotes"})
    assert feed.feed.title == "News archive: quotes matching “talks”"
    assert feed.feed.link == "http://testserver/search/?q=talks&in=quotes"
    macron_quote = archive["resume"].quotes.get()
    kremlin_quote = archive["stall"].quotes.get()
    assert [(e.title, e.link, e.id, e.summary) for e in feed.entries] == [
        (
            "Emmanuel Macron: “These talks are the only way to peace”",
            "http://testserver" + macron_quote.get_absolute_url(),
            f"quote-{macron_quote.pk}",
            "In “Peace talks resume” (Le Monde).",
        ),
        (
            "a Kremlin source: “Talks are over”",
            "http://testserver" + kremlin_quote.get_absolute_url(),
            f"quote-{kremlin_quote.pk}",
            "In “Ceasefire talks stall” (Daily Mirror).",
        ),
    ]
    assert feed.entries[0].author == "Emmanuel Macron"


def test_a_search_with_no_match_is_a_valid_empty_feed(client, archive):
    feed = parsed(client, {"q": "hydroponics"})
    assert feed.entries == []
    assert feed.feed.title == "News archive: stories matching “hydroponics”"


def test_the_empty_search_is_the_latest_stories_feed(client, archive):
    response = client.get(FEED)
    assert response.status_code == 302
    assert response["Location"] == reverse("archive:feed_latest")


def test_a_bad_date_is_a_400(client, archive):
    response = client.get(FEED, {"q": "talks", "from": "yesterday"})
    assert response.status_code == 400
    assert (
        "&quot;yesterday&quot; is not a date (from=): use YYYY-MM-DD, YYYY-MM or YYYY."
        in response.content.decode()
    )


def test_search_page_links_to_its_feed_and_downloads_keeping_its_search(client, archive):
    html = client.get(
        SEARCH, {"q": "talks", "outlet": "le-monde", "sort": "oldest", "page": "1"}
    ).content.decode()
    query = "q=talks&amp;outlet=le-monde"
    assert (
        '<link rel="alternate" type="application/atom+xml" title="This search (Atom)" '
        f'href="/search/feed/?{query}">'
    ) in html
    assert (
        f'<a href="/search/feed/?{query}" type="application/atom+xml">Follow this search (Atom)</a>'
        in html
    )
    assert f'<a href="/search/download/?{query}&amp;format=csv">Download CSV</a>' in html
    assert f'<a href="/search/download/?{query}&amp;format=jsonl">Download JSON Lines</a>' in html


def test_quote_search_page_links_keep_the_quotes_tab(client, archive):
    html = client.get(SEARCH, {"q": "talks", "in": "quotes"}).content.decode()
    assert '<a href="/search/download/?q=talks&amp;in=quotes&amp;format=csv">' in html
    assert 'href="/search/feed/?q=talks&amp;in=quotes"' in html


def test_no_download_links_without_results_but_the_search_can_be_followed(client, archive):
    html = client.get(SEARCH, {"q": "hydroponics"}).content.decode()
    assert "Follow this search (Atom)" in html
    assert "/search/download/" not in html


def test_the_empty_search_page_has_no_search_links(client, archive):
    html = client.get(SEARCH).content.decode()
    assert "/search/feed/" not in html
    assert "/search/download/" not in html


@pytest.mark.whoosh_only
def test_without_a_search_index_the_feed_is_a_503(client, db):
    response = client.get(FEED, {"q": "talks"})
    assert response.status_code == 503
    assert "the search index cannot be read" in response.content.decode()


def test_the_feed_is_kept_in_the_page_cache(client, archive):
    # feed readers ask again and again: the second time is served without a search
    assert client.get(FEED, {"q": "talks"})["X-Page-Cache"] == "miss"
    assert client.get(FEED, {"q": "talks"})["X-Page-Cache"] == "hit"
    assert client.get(FEED, {"q": "talk"})["X-Page-Cache"] == "miss"
