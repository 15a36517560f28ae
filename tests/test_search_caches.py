"""What a searcher keeps between searches gives the same pages as working afresh."""

import pytest

from search import api, results
from search.engine import highlight as marking
from search.engine import schema, searchers
from tests.search_helpers import article

# Every test runs on each search backend but the Whoosh engine's own (whoosh_only).
pytestmark = pytest.mark.usefixtures("search_backend")


@pytest.fixture
def stories(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(14):
            article(
                f"Grain story {n}",
                "grain " * (1 + n % 5) + f"talks number {n} mark{chr(97 + n)}",
                outlet="CNN" if n % 3 else "Le Monde",
                published=f"2022-{1 + n % 12:02d}-{1 + n:02d}" if n % 4 else None,
            )


def _pages(text, **kwargs):
    first = api.search(text, **kwargs)
    out = [h.headline for h in first.hits]
    for page in range(2, first.pages + 1):
        out += [h.headline for h in api.search(text, page=page, **kwargs).hits]
    return first.total, out


@pytest.mark.whoosh_only
@pytest.mark.parametrize("text", ["grain", "grain talks", "talks -grain", "gr*"])
def test_pages_from_the_kept_ranking_are_the_pages_ranked_afresh(stories, monkeypatch, text):
    monkeypatch.setattr(results, "PAGE_SIZE", 3)
    monkeypatch.setattr(results, "RESULT_WINDOW", 1000)
    whole = _pages(text)
    for window in (3, 4, 7):
        searchers.get_entry().facet_cache.clear()
        monkeypatch.setattr(results, "RESULT_WINDOW", window)
        assert _pages(text) == whole, window
    total, headlines = whole
    assert len(headlines) == len(set(headlines)) == total


@pytest.mark.whoosh_only
@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("outlet", [(), ("le-monde",)])
def test_few_matches_sorted_by_date_come_in_the_order_of_all(stories, monkeypatch, sort, outlet):
    monkeypatch.setattr(results, "PAGE_SIZE", 4)
    monkeypatch.setattr(searchers, "ORDER_WALK_RATIO", 10**9)  # always walk the whole order
    walked = _pages("grain", sort=sort, outlet_slugs=outlet)
    searchers.get_entry().facet_cache.clear()
    monkeypatch.setattr(searchers, "ORDER_WALK_RATIO", 0)  # always sort the matches
    assert _pages("grain", sort=sort, outlet_slugs=outlet) == walked
    total, headlines = walked
    assert total == (5 if outlet else 14) == len(headlines)
    undated = [h for h in headlines if int(h.rsplit(" ", 1)[1]) % 4 == 0]
    assert headlines[-len(undated) :] == undated  # undated last either way


def test_facets_with_equal_counts_come_in_order_of_value(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for outlet in ("Zeit", "Agence", "Mirror", "Bild"):
            article(f"Harvest in {outlet}", "harvest news", outlet=outlet, published="2022-05-01")
        article("Harvest again", "harvest news", outlet="Mirror", published="2022-06-01")
    facets = api.search("harvest").facets
    assert [(f.value, f.count) for f in facets["outlet"]] == [
        ("mirror", 2),
        ("agence", 1),
        ("bild", 1),
        ("zeit", 1),
    ]
    assert [(f.value, f.count) for f in facets["month"]] == [("2022-06", 1), ("2022-05", 4)]


def test_only_the_first_facet_values_are_kept(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(results.FACET_SIZE + 3):
            for _copy in range(1 + n % 3):
                article(f"Harvest {n} {_copy}", "harvest", outlet=f"Outlet {n:02d}")
    outlets = [(f.value, f.count) for f in api.search("harvest").facets["outlet"]]
    assert len(outlets) == results.FACET_SIZE
    assert outlets[:5] == [
        ("outlet-02", 3),
        ("outlet-05", 3),
        ("outlet-08", 3),
        ("outlet-11", 3),
        ("outlet-01", 2),
    ]
    assert outlets[-3:] == [("outlet-10", 2), ("outlet-00", 1), ("outlet-03", 1)]


@pytest.mark.parametrize(
    "text, date_from, date_to, expected",
    [
        # a narrow range: its few documents are looked up among the matches
        ("grain", "2022-02-01", "2022-03-31", ["Grain story 1", "Grain story 13", "Grain story 2"]),
        # a wide range, a rare word: the matches' days are checked
        ("markh", "2020-01-01", "2030-12-31", ["Grain story 7"]),
        ("marki", "2020-01-01", "2030-12-31", []),  # undated
        ("markh", "2022-08-01", None, ["Grain story 7"]),
        ("markh", None, "2022-07-31", []),
    ],
)
def test_date_filters_whichever_side_is_smaller(stories, text, date_from, date_to, expected):
    from datetime import date

    result = api.search(
        text,
        date_from=date.fromisoformat(date_from) if date_from else None,
        date_to=date.fromisoformat(date_to) if date_to else None,
    )
    assert sorted(h.headline for h in result.hits) == expected
    assert result.total == len(expected)


@pytest.mark.whoosh_only
def test_snippets_are_kept_for_a_search_shown_again_and_follow_edits(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        story = article("Harvest", "The harvest is in. Farmers are glad.")
    first = api.search("harvest").hits[0].snippet
    assert first == "The <mark>harvest</mark> is in. Farmers are glad."
    assert len(searchers.get_entry().snippets) == 1
    assert api.search("harvest").hits[0].snippet == first
    assert api.search("farmers").hits[0].snippet == (
        "The harvest is in. <mark>Farmers</mark> are glad."
    )
    with django_capture_on_commit_callbacks(execute=True):
        story.body = "The harvest is late. Farmers worry."
        story.save()
    assert api.search("harvest").hits[0].snippet == (
        "The <mark>harvest</mark> is late. Farmers worry."
    )


HIGHLIGHT_TEXTS = [
    "The talks in Geneva stalled; the talks resume on Monday, talking of a ceasefire.",
    "Élysée officials said Macron's talk was brief. " * 12,
    "No match here at all, just words about the weather and the harvest.",
    "A " + "long sentence with many words " * 40 + "and then the ceasefire talks end it.",
    "the the the talks the",
]


@pytest.mark.whoosh_only
@pytest.mark.parametrize("text", HIGHLIGHT_TEXTS)
@pytest.mark.parametrize("words", [["talks"], ["talks", "ceasefire"], ["elysee", "macron"]])
def test_highlighting_is_whooshs(text, words):
    from whoosh import highlight

    terms = {t.text for w in words for t in schema.TEXT_ANALYZER(w, mode="query")}
    for top in (1, 2):
        whoosh = highlight.highlight(
            text,
            terms,
            schema.TEXT_ANALYZER,
            marking._FRAGMENTER,
            marking.MarkFormatter(),
            top=top,
            scorer=marking._SCORER,
        )
        assert marking._highlight(text, terms, top) == whoosh
    if "Geneva" in text and words == ["talks"]:
        assert marking._highlight(text, terms, 2).count("<mark>") == 3
