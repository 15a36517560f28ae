"""The search page on the seeds and on small hand-made archives."""

import re

import pytest
from django.urls import reverse

from archive.models import Article
from search import api
from search.engine import index
from tests.search_helpers import article, person

# Every test runs on each search backend but the Whoosh engine's own (whoosh_only).
pytestmark = pytest.mark.usefixtures("search_backend")

URL = reverse("search:search")


def titles(response):
    return [h.headline for h in response.context["result"].hits]


@pytest.fixture
def archive(db, django_capture_on_commit_callbacks):
    """Six articles across two outlets, three months, two people (one with an alias)."""
    with django_capture_on_commit_callbacks(execute=True):
        zelensky = person("Volodymyr Zelensky", "Zelenskyy")
        macron = person("Emmanuel Macron", "Macron")
        items = {
            "kyiv": article(
                "Zelensky rallies Kyiv",
                "The president spoke of resistance in Kyiv.",
                outlet="Daily Mirror",
                published="2022-02-24",
                people=[zelensky],
                quotes=[(zelensky, "We will defend our country")],
            ),
            "paris": article(
                "Macron hosts summit in Paris",
                "Leaders met for ceasefire talks.",
                outlet="Le Monde",
                published="2022-02-10",
                people=[macron],
                quotes=[(macron, "Talks are the only way to peace")],
            ),
            "talks": article(
                "Ceasefire talks stall",
                "Talks between Kyiv and Moscow stalled again.",
                outlet="Daily Mirror",
                published="2022-03-05",
                people=[zelensky, macron],
            ),
            "grain": article(
                "Grain deal signed",
                "Ukraine and Turkey signed a grain deal.",
                outlet="Le Monde",
                published="2022-07-22",
            ),
            "hidden": article(
                "Secret ceasefire memo",
                "Talks memo.",
                outlet="Le Monde",
                published="2022-03-01",
                status="hidden",
            ),
            "undated": article("Talking points", "A talk about talking.", outlet="Daily Mirror"),
        }
    return items


def test_empty_query_shows_the_latest_stories(client, archive, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(URL)
    assert response.status_code == 200
    assert [a.title for a in response.context["latest"]] == [
        "Grain deal signed",
        "Ceasefire talks stall",
        "Zelensky rallies Kyiv",
        "Macron hosts summit in Paris",
        "Talking points",
    ]


def test_ranking_puts_headline_matches_first_and_stems_match(client, archive):
    response = client.get(URL, {"q": "talks"})
    result = response.context["result"]
    assert result.total == 3  # talks, talking, talk — the hidden memo is not indexed
    # Both headline matches rank above the story that has the word in its body only.
    assert set(titles(response)[:2]) == {"Ceasefire talks stall", "Talking points"}
    assert titles(response)[2] == "Macron hosts summit in Paris"


def test_ranking_on_the_seeds(client, seeded):
    assert titles(client.get(URL, {"q": "ceasefire"}))[0].startswith(
        "Macron and Putin agree to push for ceasefire"
    )
    assert titles(client.get(URL, {"q": "humiliates"})) == [
        "Putin humiliates Macron as Russia sidelines France moments before stage set for invasion"
    ]
    assert titles(client.get(URL, {"q": '"security concerns"'}))[0].startswith(
        "Russia and France share ‘security concerns’"
    )


def test_highlight_markup_is_exact(client, archive):
    response = client.get(URL, {"q": "stalled"})
    assert response.context["result"].hits[0].snippet == (
        "Talks between Kyiv and Moscow <mark>stalled</mark> again."
    )
    body = response.content.decode()
    assert (
        '<p class="snippet">Talks between Kyiv and Moscow <mark>stalled</mark> again.</p>' in body
    )


def test_html_in_stories_is_escaped_in_snippets(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article("Script story", 'Beware <script>alert("x")</script> scripted attacks.')
    body = client.get(URL, {"q": "scripted"}).content.decode()
    assert "<script>alert" not in body
    assert (
        'Beware &lt;<mark>script</mark>&gt;alert("x")&lt;/<mark>script</mark>&gt; '
        "<mark>scripted</mark> attacks." in body
    )


def test_phrase_or_exclusion_and_prefix(client, archive):
    # "ceasefire talks" as a phrase: in a headline and in a body, not "talks ... ceasefire".
    assert set(titles(client.get(URL, {"q": '"ceasefire talks"'}))) == {
        "Ceasefire talks stall",
        "Macron hosts summit in Paris",
    }
    assert titles(client.get(URL, {"q": '"talks ceasefire"'})) == []
    assert set(titles(client.get(URL, {"q": "grain OR summit"}))) == {
        "Grain deal signed",
        "Macron hosts summit in Paris",
    }
    assert set(titles(client.get(URL, {"q": "talks -kyiv"}))) == {
        "Macron hosts summit in Paris",
        "Talking points",
    }
    assert set(titles(client.get(URL, {"q": "ceasef*"}))) == {
        "Ceasefire talks stall",
        "Macron hosts summit in Paris",
    }


def test_people_aliases_find_the_person(client, archive):
    assert set(titles(client.get(URL, {"q": "zelenskyy"}))) == {
        "Zelensky rallies Kyiv",
        "Ceasefire talks stall",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "talks outlet:le-monde"}, ["Macron hosts summit in Paris"]),
        (
            {"q": 'talks outlet:"Daily Mirror"', "sort": "newest"},
            ["Ceasefire talks stall", "Talking points"],
        ),
        ({"q": "talks", "outlet": "le-monde"}, ["Macron hosts summit in Paris"]),
        ({"q": "talks person:zelenskyy"}, ["Ceasefire talks stall"]),
        (
            {"q": "talks", "person": "emmanuel-macron", "sort": "oldest"},
            ["Macron hosts summit in Paris", "Ceasefire talks stall"],
        ),
        ({"q": "talks from:2022-03-01"}, ["Ceasefire talks stall"]),
        ({"q": "talks to:2022-02"}, ["Macron hosts summit in Paris"]),
        ({"q": "", "from": "2022-07-01", "to": "2022-07-31"}, ["Grain deal signed"]),
        ({"outlet": "le-monde"}, ["Grain deal signed", "Macron hosts summit in Paris"]),
    ],
)
def test_each_filter(client, archive, params, expected):
    assert titles(client.get(URL, params)) == expected


def test_an_unknown_filter_value_finds_nothing_and_says_so(client, archive):
    response = client.get(URL, {"q": "talks outlet:nowhere"})
    assert response.context["result"].total == 0
    assert 'Nothing in the archive is called "nowhere" (outlet).' in html_unescape(
        response.content.decode()
    )


def test_facets_count_the_whole_result_set_and_link_to_filters(client, archive, settings):
    from search import results

    settings.DEBUG = False
    results.PAGE_SIZE, old = 1, results.PAGE_SIZE
    try:
        response = client.get(URL, {"q": "talks"})
    finally:
        results.PAGE_SIZE = old
    result = response.context["result"]
    assert len(result.hits) == 1 and result.total == 3
    facets = {name: [(f.value, f.label, f.count) for f in fs] for name, fs in result.facets.items()}
    assert facets["outlet"] == [("daily-mirror", "Daily Mirror", 2), ("le-monde", "Le Monde", 1)]
    assert facets["person"] == [
        ("emmanuel-macron", "Emmanuel Macron", 2),
        ("volodymyr-zelensky", "Volodymyr Zelensky", 1),
    ]
    assert facets["month"] == [("2022-03", "March 2022", 1), ("2022-02", "February 2022", 1)]
    body = response.content.decode()
    assert '<a href="/search/?q=talks&amp;outlet=daily-mirror">Daily Mirror</a> (2)' in body
    assert (
        '<a href="/search/?q=talks&amp;from=2022-03-01&amp;to=2022-03-31">March 2022</a> (1)'
        in body
    )

    response = client.get(URL, {"q": "talks", "outlet": "daily-mirror"})
    body = response.content.decode()
    assert response.context["result"].total == 2
    assert (
        '<strong>Daily Mirror</strong> (2) <a href="/search/?q=talks" aria-label="Remove filter Daily Mirror">×</a>'
        in body
    )
    assert 'Outlet: Daily Mirror <a href="/search/?q=talks"' in body


def test_pagination_keeps_the_query_and_copes_with_bad_pages(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(45):
            article(
                f"Harbour report {n:02d}",
                f"The harbour was busy on day {n}.",
                published=f"2022-01-{n % 28 + 1:02d}",
            )
    first = client.get(URL, {"q": "harbour", "sort": "oldest"})
    assert first.context["result"].total == 45
    assert len(first.context["result"].hits) == 20
    body = first.content.decode()
    assert '<a rel="next" href="/search/?q=harbour&amp;sort=oldest&amp;page=2">Next</a>' in body
    last = client.get(URL, {"q": "harbour", "sort": "oldest", "page": "3"})
    assert len(last.context["result"].hits) == 5
    assert (
        '<a rel="prev" href="/search/?q=harbour&amp;sort=oldest&amp;page=2">Previous</a>'
        in last.content.decode()
    )
    beyond = client.get(URL, {"q": "harbour", "page": "99"})
    assert beyond.status_code == 200
    assert beyond.context["result"].page == 3
    junk = client.get(URL, {"q": "harbour", "page": "x'1"})
    assert junk.status_code == 200 and junk.context["result"].page == 1


@pytest.mark.parametrize(
    ("q", "notice"),
    [
        ('"ceasefire talks', "Unbalanced quotation marks. Searched for the words instead."),
        ("talks -", '"-" on its own is not a word or an operator. Searched for the words instead.'),
        (
            "talks from:2022-02-30",
            '"from:2022-02-30" is not a date (use YYYY-MM-DD); that filter was ignored.',
        ),
    ],
)
def test_malformed_queries_never_error(client, archive, q, notice):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert response.context["notices"] == [notice]
    assert html_unescape(notice) in html_unescape(response.content.decode())


def html_unescape(text):
    import html

    return html.unescape(text)


def test_a_bad_form_date_is_a_notice(client, archive):
    response = client.get(URL, {"q": "talks", "from": "yesterday"})
    assert response.status_code == 200
    assert response.context["notices"] == [
        '"yesterday" is not a date (use YYYY-MM-DD); the from filter was ignored.'
    ]
    assert response.context["result"].total == 3


def test_did_you_mean_from_the_index_vocabulary(client, archive):
    response = client.get(URL, {"q": "Zelenksy"})
    assert response.context["result"].suggestion == ("zelensky", ["zelensky"])
    assert '<a href="/search/?q=zelensky">zelensky</a>' in response.content.decode()
    assert api.search("Macrn talks").suggestion == ("macron talks", ["macron"])
    assert api.search("ceasefire").suggestion is None


def test_zero_results_say_what_to_try(client, archive):
    body = client.get(URL, {"q": "volcano"}).content.decode()
    assert "No results" in body
    assert "Nothing matched <strong>volcano</strong>. Try:" in body
    assert '<a href="/search/?q=volcano&amp;in=quotes">searching the quotes</a>' in body


def test_quote_search_shows_speaker_and_article(client, archive):
    response = client.get(URL, {"q": "talks", "in": "quotes"})
    result = response.context["result"]
    assert result.total == 1
    hit = result.hits[0]
    assert hit.snippet == "<mark>Talks</mark> are the only way to peace"
    assert hit.quote.speaker.name == "Emmanuel Macron"
    body = response.content.decode()
    assert "“<mark>Talks</mark> are the only way to peace”" in body
    assert f'in <a href="{hit.quote.get_absolute_url()}">Macron hosts summit in Paris</a>' in body
    speakers = client.get(URL, {"q": "", "in": "quotes", "person": "volodymyr-zelensky"})
    assert [h.quote.text for h in speakers.context["result"].hits] == ["We will defend our country"]
    assert [(f.value, f.count) for f in speakers.context["result"].facets["person"]] == [
        ("volodymyr-zelensky", 1)
    ]


# The queries of the search itself, by backend, for each search below: none for Whoosh
# (its index is files); for PostgreSQL the counts and facets, the page's hits, and
# did-you-mean's word counts (fewer than five stories found) and, for a word of fewer
# than three stories ("ceasefire" here), its nearest words; and the planner settings of
# its statements, set and (inside the test's transaction) set back.
SEARCH_QUERIES = {"whoosh": (0, 0, 0), "postgres": (6, 5, 5)}


def test_search_page_query_count_does_not_grow_with_results(
    client, archive, django_assert_num_queries, search_backend
):
    first, second, third = SEARCH_QUERIES[search_backend]
    # The first search of a process loads the table of name spellings (two queries);
    # later ones reuse it, checking it at most every 30 seconds.
    with django_assert_num_queries(5 + first):
        client.get(URL, {"q": "ceasefire"})
    # outlet names, person names, the page's articles
    with django_assert_num_queries(3 + second):
        client.get(URL, {"q": "talks"})
    # plus resolving the outlet filter
    with django_assert_num_queries(4 + third):
        client.get(URL, {"q": "talks", "outlet": "daily-mirror"})


@pytest.mark.whoosh_only
def test_missing_index_is_a_notice_not_an_error(client, db):
    Article.objects.create(
        title="Unindexed", body="x", raw="x", content_hash="h", status="published"
    )
    index_dir = index.index_root()
    assert not index_dir.exists() or index.live_dir() is None
    response = client.get(URL, {"q": "unindexed"})
    assert response.status_code == 200
    assert "the search index has not been built" in response.content.decode()
    assert api.more_like_this(1) == []
    assert api.article_ids("unindexed") == []


def test_more_like_this_and_admin_ids(archive):
    similar = api.more_like_this(archive["talks"].pk, limit=3)
    assert archive["talks"].pk not in similar
    assert similar and set(similar) <= {a.pk for k, a in archive.items() if k != "hidden"}
    assert api.article_ids('"grain deal"', 5) == [archive["grain"].pk]


def test_results_show_headline_outlet_date_and_people(client, archive):
    body = client.get(URL, {"q": "kyiv rallies"}).content.decode()
    hit = re.search(r'<li class="story hit">(.*?)</li>', body, re.S).group(1)
    assert "Zelensky rallies Kyiv</a>" in hit
    assert "Daily Mirror" in hit
    assert '<time datetime="2022-02-24">24 February 2022</time>' in hit
    assert '<a href="/people/volodymyr-zelensky/">Volodymyr Zelensky</a>' in hit
