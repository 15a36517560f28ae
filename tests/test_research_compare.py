"""The comparison page: two to four searches side by side — one chart over the same
periods, totals, top outlets and people, first stories — and its errors."""

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from tests.search_helpers import article, person

pytestmark = pytest.mark.usefixtures("search_backend")

URL = reverse("research:compare")


@pytest.fixture
def archive(db, django_capture_on_commit_callbacks):
    """Ferry and rail strikes over two months, in two outlets, with two people."""
    with django_capture_on_commit_callbacks(execute=True):
        ann = person("Ann Mole", "Mole")
        bob = person("Bob Quay", "Quay")
        article(
            "Ferry strike begins",
            "The ferry crews walked out.",
            outlet="Daily Mirror",
            published="2022-01-03",
            people=[ann],
        )
        article(
            "Ferry strike talks",
            "Ferry owners met the union.",
            outlet="Le Monde",
            published="2022-01-20",
            people=[ann, bob],
        )
        article(
            "Ferry strike ends",
            "The ferry crews returned.",
            outlet="Daily Mirror",
            published="2022-02-14",
        )
        article(
            "Rail strike called",
            "Rail workers will strike.",
            outlet="Le Monde",
            published="2022-02-01",
            people=[bob],
        )
        article("Rail strike explained", "What the rail strike is about.", outlet="Le Monde")
        article("Snow falls", "Snow fell.", published="2022-01-10")


def section(html, heading):
    match = re.search(
        rf'<section class="compare-column"[^>]*>\s*<h2[^>]*>.*?{re.escape(heading)}</h2>(.*?)</section>',
        html,
        re.S,
    )
    assert match, heading
    return match.group(1)


def texts(fragment):
    return [
        " ".join(re.sub(r"<[^>]+>", " ", unescape(li)).split())
        for li in re.findall(r"<li>(.*?)</li>", fragment, re.S)
    ]


def test_two_searches_side_by_side(client, archive):
    response = client.get(URL, {"q": ["ferry", "rail"], "interval": "month"})
    assert response.status_code == 200
    html = response.content.decode()
    ferry, rail = section(html, "“ferry”"), section(html, "“rail”")
    assert re.sub(
        r"<[^>]+>", "", re.search(r'<p class="result-count">(.*?)</p>', ferry).group(1)
    ) == ("3 stories · open the search")
    assert "2 stories (1 undated)" in rail
    assert texts(re.search(r"Top outlets</h3>(.*?)</ul>", ferry, re.S).group(1)) == [
        "Daily Mirror 2",
        "Le Monde 1",
    ]
    assert texts(re.search(r"Top people</h3>(.*?)</ul>", ferry, re.S).group(1)) == [
        "Ann Mole 2",
        "Bob Quay 1",
    ]
    hits = re.findall(r'<ol class="compare-hits">(.*?)</ol>', rail, re.S)[0]
    assert sorted(re.findall(r'">([^<]+)</a>', hits)) == [
        "Rail strike called",
        "Rail strike explained",
    ]
    # one chart, the same periods for both, a legend
    assert '<ul class="legend" aria-label="Legend">' in html
    legend = texts(re.search(r'<ul class="legend"[^>]*>(.*?)</ul>', html, re.S).group(1))
    assert legend == ["“ferry” (3)", "“rail” (2)"]
    svg = re.search(r'<svg class="coverage-chart".*?</svg>\s*</div>', html, re.S).group(0)
    bars = [
        (unescape(label), dict(parse_qsl(urlsplit(unescape(href)).query)))
        for href, label in re.findall(r'<a href="([^"]+)" aria-label="([^"]+)" target="_top">', svg)
    ]
    assert bars == [
        (
            "“ferry”: January 2022: 2 stories, 67% of 3",
            {"q": "ferry", "from": "2022-01-01", "to": "2022-01-31"},
        ),
        (
            "“ferry”: February 2022: 1 story, 50% of 2",
            {"q": "ferry", "from": "2022-02-01", "to": "2022-02-28"},
        ),
        (
            "“rail”: February 2022: 1 story, 50% of 2",
            {"q": "rail", "from": "2022-02-01", "to": "2022-02-28"},
        ),
    ]
    assert re.findall(r'<rect class="series-(\d)"', svg) == ["0", "0", "1"]


def test_each_search_can_be_restricted_to_an_outlet(client, archive):
    response = client.get(
        URL, {"q": ["ferry", "ferry", ""], "outlet": ["daily-mirror", "", ""], "interval": "month"}
    )
    html = response.content.decode()
    assert "3 stories" in section(html, "“ferry”")
    mirror = section(html, "“ferry” in daily-mirror")
    assert "2 stories" in mirror
    assert texts(re.search(r"Top outlets</h3>(.*?)</ul>", mirror, re.S).group(1)) == [
        "Daily Mirror 2"
    ]
    # the query language's outlet filter works as well
    html = client.get(URL, {"q": ['ferry outlet:"Le Monde"', "rail"]}).content.decode()
    assert "1 story" in section(html, "“ferry outlet:&quot;Le Monde&quot;”")
    # the form keeps every search and its outlet
    form = client.get(URL, {"q": ["ferry", "rail"], "outlet": ["le-monde", ""]}).content.decode()
    values = re.findall(r'<input id="compare-(?:q|outlet)-\d"[^>]*value="([^"]*)"', form)
    assert values == ["ferry", "le-monde", "rail", "", "", "", "", ""]


def test_a_shared_date_range(client, archive):
    html = client.get(
        URL, {"q": ["ferry", "rail"], "from": "2022-01-15", "to": "2022-02-28"}
    ).content.decode()
    assert "2 stories" in section(html, "“ferry”")
    assert "1 story" in section(html, "“rail”")


def test_one_search_asks_for_a_second(client, archive):
    response = client.get(URL, {"q": ["ferry", ""]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Add a second search to compare with “ferry”: 2 to 4 searches can be compared." in html
    assert "coverage-chart" not in html
    assert re.search(r'id="compare-q-1"[^>]*value="ferry"', html)


def test_no_search_is_the_empty_form(client, archive):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<input id="compare-q-') == 4
    assert 'class="notice' not in html


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"q": ["a", "b", "c", "d", "e"]},
            "At most 4 searches can be compared: 5 were given.",
        ),
        (
            {"q": ["ferry", "rail"], "interval": "hour"},
            "Unknown interval &quot;hour&quot;: use day, week or month.",
        ),
        (
            {"q": ["ferry", "rail"], "to": "2022-02-30"},
            "&quot;2022-02-30&quot; is not a date (use YYYY-MM-DD); the to filter was ignored.",
        ),
    ],
)
def test_bad_input_is_a_message_and_a_400(client, archive, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert f'<p class="notice error" role="alert">{message}</p>' in response.content.decode()


def test_the_search_page_links_to_the_comparison(client, archive):
    html = client.get(reverse("search:search"), {"q": "ferry"}).content.decode()
    link = re.search(r'<a href="([^"]+)">Compare with…</a>', html).group(1)
    assert unescape(link) == URL + "?q=ferry"


def test_query_count_is_fixed_per_search(
    client, archive, django_assert_num_queries, search_backend
):
    from search import names

    names.current()  # the name spellings are loaded once per process
    client.get(URL, {"q": ["snow", "ferry"]})  # the archive's totals are then cached
    # for each search: the names of its outlet and person facets and its first hits (their
    # matches and the rest come from the Whoosh index); PostgreSQL: plus the search's
    # counts, page and did-you-mean (fewer than five stories found; "crews", in two, also
    # its nearest words), its matches, and their planner settings, set and set back
    two, three = {"whoosh": (6, 9), "postgres": (22, 34)}[search_backend]
    with django_assert_num_queries(two):
        client.get(URL, {"q": ["ferry", "rail"]})
    with django_assert_num_queries(three):
        client.get(URL, {"q": ["ferry", "rail", "crews"], "measure": "share"})
