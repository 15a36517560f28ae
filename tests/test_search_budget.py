"""The cost bound of a search: narrowed prefixes, too-short prefixes, the work budget."""

import threading

import pytest
from django.urls import reverse

from search import api, parse, results
from search.engine import run, schema, searchers
from tests.search_helpers import article

# Every test runs on each search backend but the Whoosh engine's own (whoosh_only).
pytestmark = pytest.mark.usefixtures("search_backend")

URL = reverse("search:search")

NARROWED = (
    '"gra*" matches 4 words: searched for the 2 most common. '
    "Type more letters to search for others."
)


@pytest.fixture
def stories(db, django_capture_on_commit_callbacks):
    """Words beginning with "gra" in 3, 2, 1 and 1 stories; "sta" in 2 and 1."""
    texts = [
        ("One", "the grain harvest, said the state"),
        ("Two", "grain and a grant"),
        ("Three", "grain prices"),
        ("Four", "a grant for the stadium"),
        ("Five", "grapes in the cellar"),
        ("Six", "gravel on the road"),
        ("Seven", "the state of the road"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for title, body in texts:
            article(title, body, outlet="Le Monde", published="2022-03-01")


def _titles(result):
    return sorted(h.headline for h in result.hits)


@pytest.mark.whoosh_only
def test_a_prefix_is_narrowed_to_its_most_common_words(stories, monkeypatch):
    assert _titles(api.search("gra*")) == ["Five", "Four", "One", "Six", "Three", "Two"]
    monkeypatch.setattr(parse, "PREFIX_WORDS", 2)
    result = api.search("gra*")
    # grain (3 stories) and grant (2): not grape nor gravel
    assert _titles(result) == ["Four", "One", "Three", "Two"]
    assert result.total == 4
    assert result.notices == [NARROWED]
    assert not result.cut
    # the words searched for are the ones highlighted
    snippets = {h.headline: h.snippet for h in result.hits}
    assert snippets["Two"] == "<mark>grain</mark> and a <mark>grant</mark>"


@pytest.mark.whoosh_only
def test_the_prefixes_of_a_query_share_their_terms(stories, monkeypatch):
    fields = len(schema.TEXT_FIELDS)
    monkeypatch.setattr(parse, "PREFIX_TERMS", 2 * fields)  # a word for each of two prefixes
    result = api.search("gra* OR sta*")
    assert _titles(result) == ["One", "Seven", "Three", "Two"]  # grain, state
    assert result.notices == [
        '"gra*" matches 4 words: searched for the most common one. '
        "Type more letters to search for others.",
        '"sta*" matches 2 words: searched for the most common one. '
        "Type more letters to search for others.",
    ]


@pytest.mark.whoosh_only
def test_a_narrowed_prefix_still_excludes_what_it_names(stories, monkeypatch):
    monkeypatch.setattr(parse, "PREFIX_WORDS", 2)
    result = api.search("road OR cellar OR grain -gra*")
    assert _titles(result) == ["Five", "Seven", "Six"]
    assert result.notices == [NARROWED]


def test_a_prefix_of_no_word_matches_nothing(stories):
    assert api.search("grain zzq*").total == 0
    assert api.article_ids("grain zzq*") == []
    assert len(api.article_ids("grain gra*")) == 3


@pytest.mark.whoosh_only
def test_the_search_page_shows_the_narrowing_notice(client, stories, monkeypatch):
    monkeypatch.setattr(parse, "PREFIX_WORDS", 2)
    body = client.get(URL, {"q": "gra*"}).content.decode()
    assert (
        '<p class="notice" role="status">&quot;gra*&quot; matches 4 words: searched for the 2 '
        "most common. Type more letters to search for others.</p>"
    ) in body
    assert '<p class="result-count">4 results</p>' in body


@pytest.mark.parametrize("text", ["ma*", "re* OR co* OR de* OR pr* OR in*", "s*"])
def test_a_short_prefix_asks_for_more_letters(client, stories, text):
    response = client.get(URL, {"q": text})
    assert response.status_code == 200
    first = text.split()[0]
    notice = (
        f"&quot;{first}&quot;: a prefix search needs at least 3 letters before *. "
        "Searched for the words instead."
    )
    assert f'<p class="notice" role="status">{notice}</p>' in response.content.decode()


@pytest.mark.whoosh_only
def test_a_search_past_its_postings_budget_shows_what_it_found(stories, monkeypatch):
    # The terms are read field by field (headline, standfirst, body ...): the budget is
    # spent once the body's "grain" is read, and nothing after it counts.
    monkeypatch.setattr(searchers, "SEARCH_POSTINGS", 1)
    result = api.search("grain OR grant")
    assert result.cut
    assert _titles(result) == ["One", "Three", "Two"]
    assert result.notices == [results.CUT_NOTICE]
    # an AND cut short finds nothing rather than what matches one word only
    searchers.get_entry().facet_cache.clear()
    result = api.search("grain grant")
    assert result.cut and result.total == 0


@pytest.mark.whoosh_only
def test_a_search_past_its_time_shows_a_notice_on_the_page(client, stories, monkeypatch):
    monkeypatch.setattr(searchers, "SEARCH_SECONDS", -1.0)
    body = client.get(URL, {"q": "grain"}).content.decode()
    assert (
        '<p class="notice" role="status">This search was stopped at its time limit: these are '
        "the results found by then. More specific words or fewer * prefixes find all.</p>"
    ) in body
    assert '<p class="result-count">No results</p>' in body


@pytest.mark.whoosh_only
def test_a_search_cut_short_is_kept_for_a_while_then_run_again(stories, monkeypatch):
    monkeypatch.setattr(searchers, "SEARCH_SECONDS", -1.0)
    assert api.search("grain").total == 0
    monkeypatch.setattr(searchers, "SEARCH_SECONDS", 10.0)
    again = api.search("grain")  # from the cache: no work, the same notice
    assert again.total == 0 and again.cut and again.notices == [results.CUT_NOTICE]
    monkeypatch.setattr(run, "CUT_RETRY_SECONDS", 0.0)
    fresh = api.search("grain")
    assert fresh.total == 3 and not fresh.cut and fresh.notices == []
    assert api.search("grain").total == 3  # a whole answer is kept


@pytest.mark.whoosh_only
def test_a_search_that_cannot_have_the_searcher_says_it_is_busy(client, stories, monkeypatch):
    monkeypatch.setattr(run, "SEARCH_WAIT_SECONDS", 0.05)
    entry = searchers.get_entry()
    held, release = threading.Event(), threading.Event()

    def hold():
        with entry.lock:
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        held.wait(10)
        result = api.search("grain")
        body = client.get(URL, {"q": "grain"}).content.decode()
    finally:
        release.set()
        thread.join()
    assert result.busy and result.total == 0 and result.notices == [results.BUSY_NOTICE]
    assert (
        '<p class="notice" role="status">Search is busy: please try again in a moment.</p>' in body
    )
    assert "No results" not in body and "Nothing matched" not in body
    assert api.search("grain").total == 3
