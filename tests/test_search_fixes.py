"""Fixes to the search page: prefixes the stemmer cuts into, "Did you mean", facets by
year with "more" links, lone operators, and the filters shown as removable chips."""

import pytest
from django.urls import reverse

from search import api, results, suggestions
from search.engine import searchers, spelling
from tests.search_helpers import article

# Every test runs on each search backend but the Whoosh engine's own (whoosh_only).
pytestmark = pytest.mark.usefixtures("search_backend")

URL = reverse("search:search")


def _titles(result):
    return sorted(h.headline for h in result.hits)


# --- A prefix longer than a word's stem ------------------------------------------------


@pytest.mark.parametrize("text", ["escal*", "escalat*", "escalati*", "escalatio*", "escalation*"])
def test_a_prefix_longer_than_the_stem_finds_the_seed_stories(seeded, text):
    result = api.search(text)
    assert result.total == 3
    assert _titles(result) == [
        "Kremlin says Macron does not have influence to make deal with Putin",
        "Russia and France share ‘security concerns’ says Putin during meeting with Macron "
        "in Moscow",
        "US and France discuss Ukraine ahead of Macron’s meeting with Putin",
    ]
    assert all("<mark>escalation</mark>" in h.snippet for h in result.hits)
    assert len(api.article_ids(text)) == 3


@pytest.fixture
def words(db, django_capture_on_commit_callbacks):
    """ "donation" and "don" are indexed as "donat" and "don"; "escalation" as "escal"."""
    texts = [
        ("Gift", "a donation to the fund"),
        ("Wear", "they don the robes"),
        ("Rise", "the escalation of the war"),
        ("Grow", "the war may escalate"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for title, body in texts:
            article(title, body, published="2022-03-01")


def test_a_shorter_form_is_searched_only_when_a_word_of_the_prefix_has_it(words):
    # "donat" + "ive" would be "don": no word of the archive beginning with "donat" is.
    assert _titles(api.search("donat*")) == ["Gift"]
    assert _titles(api.search("donati*")) == ["Gift"]
    # "escalation" is "escal", as "escalate" is: the stem finds both, as the word does.
    assert _titles(api.search("escalati*")) == ["Grow", "Rise"]
    assert _titles(api.search("escalation")) == ["Grow", "Rise"]
    # No word of the archive begins with "escalatr": nothing, not the stories of "escal".
    assert api.search("escalatr*").total == 0


# --- Operators alone -------------------------------------------------------------------


OR_ALONE = '"OR" needs a word on each side. Searched for the words instead.'


@pytest.mark.parametrize(
    ("text", "parsing"),
    [
        ("OR", [OR_ALONE]),
        ("AND", []),
        ("NOT", []),
        ("OR OR", [OR_ALONE]),
        ("the", []),
        ("AND OR the", [OR_ALONE]),
    ],
)
def test_operators_alone_search_nothing_and_say_so(client, words, text, parsing):
    result = api.search(text)
    assert result.total == 0 and result.hits == [] and result.nothing
    notice = (
        f'"{text}" has no word to search for: type one or more words '
        '(OR, AND and the most common words such as "the" are not searched on their own).'
    )
    assert result.notices == [*parsing, notice]
    response = client.get(URL, {"q": text})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<p class="notice" role="status">&quot;' + text in body
    assert '<p class="result-count">' not in body and "<h2>Latest stories</h2>" not in body
    assert api.article_ids(text) == []


def test_words_with_operators_and_filters_alone_still_search(words):
    assert _titles(api.search("donation OR robes")) == ["Gift", "Wear"]
    assert api.search("OR", date_from=api.parse_date("2022-03")).total == 4
    assert not api.search("-donation").nothing


# --- Did you mean ----------------------------------------------------------------------


@pytest.fixture
def spellings(db, django_capture_on_commit_callbacks):
    """ "Obama" in six headlines, the typo "Obamaa" in one; "ceasefire" in three headlines
    and "harbour" in four bodies."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            article(f"Obama speaks {n}", "the president spoke", published="2022-03-01")
        article("Obamaa visits", "the president visited", published="2022-03-02")
        for n in range(3):
            article(f"Ceasefire holds {n}", "quiet streets", published="2022-03-03")
        for n in range(4):
            article(f"Port {n}", "the harbour was busy", published="2022-03-04")


def test_did_you_mean_never_suggests_another_typo(client, spellings):
    # "obamaa" is one edit from "obmaa" but in one story only; "obama" is in six.
    result = api.search("president obmaa")
    assert result.total == 0
    assert result.suggestion == ("president obama", ["obama"])
    body = client.get(URL, {"q": "president obmaa"}).content.decode()
    assert 'Did you mean <a href="/search/?q=president+obama">president obama</a>?' in body
    assert "obamaa</a>" not in body


@pytest.mark.whoosh_only
def test_did_you_mean_suggests_only_words_the_archive_uses_often(spellings, monkeypatch):
    # 14 stories: one word in 4 of them is the floor, and "ceasefire" is in 3.
    monkeypatch.setattr(suggestions, "SUGGEST_MIN_SHARE", 4 / 14)
    assert spelling.suggestion_floor(searchers.get_entry()) == 4
    assert api.search("ceasfire").suggestion is None
    monkeypatch.setattr(suggestions, "SUGGEST_MIN_SHARE", 3 / 14)
    assert api.search("ceasfire talks").suggestion == ("ceasefire talks", ["ceasefire"])


def test_did_you_mean_never_suggests_a_word_with_fewer_hits_than_the_query(spellings):
    # The query finds the four harbour stories; "ceasefire" is in three.
    result = api.search("ceasfire OR harbour")
    assert result.total == 4
    assert result.suggestion is None
    # Here the query finds the three stories of "ceasefire", which is then suggested.
    result = api.search("ceasfire OR streets")
    assert result.total == 3
    assert result.suggestion == ("ceasefire OR streets", ["ceasefire"])


# --- Facets: years, and "more" on every facet ------------------------------------------


@pytest.fixture
def months(db, django_capture_on_commit_callbacks):
    """ "harbour" in 14 stories, one a month from January 2021, in 12 outlets (the first
    two twice)."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(14):
            year, month = 2021 + n // 12, n % 12 + 1
            article(
                f"Harbour {n:02d}",
                "the harbour was busy",
                outlet=f"Outlet {n % 12:02d}",
                published=f"{year}-{month:02d}-15",
            )


def _facet(body, name):
    import re

    return re.search(rf'<section class="facet facet-{name}".*?</section>', body, re.S).group(0)


def test_the_year_facet_and_more_months(client, months):
    response = client.get(URL, {"q": "harbour", "sort": "oldest", "page": "2"})
    result = response.context["result"]
    assert [(f.value, f.count) for f in result.facets["year"]] == [("2022", 2), ("2021", 12)]
    assert [f.value for f in result.facets["month"]] == [
        f"{y}-{m:02d}" for y, m in [(2022, 2), (2022, 1)] + [(2021, m) for m in range(12, 2, -1)]
    ]
    body = response.content.decode()
    years = _facet(body, "year")
    assert (
        '<a href="/search/?q=harbour&amp;sort=oldest&amp;from=2021-01-01&amp;to=2021-12-31">'
        "2021</a> (12)" in years
    )
    assert "facet-more" not in years  # two years: all listed
    month_list = _facet(body, "month")
    assert (
        '<p class="facet-more"><a href="/search/?q=harbour&amp;sort=oldest&amp;more=month'
        '#facet-month" aria-label="More: Month">More</a></p>' in month_list
    )

    response = client.get(URL, {"q": "harbour", "sort": "oldest", "more": "month"})
    result = response.context["result"]
    assert len(result.facets["month"]) == 14
    assert result.facets["month"][-1].label == "January 2021"
    month_list = _facet(response.content.decode(), "month")
    assert month_list.count("<li>") == 14
    assert (
        '<p class="facet-more"><a href="/search/?q=harbour&amp;sort=oldest#facet-month" '
        'aria-label="Fewer: Month">Fewer</a></p>' in month_list
    )
    # Choosing a month keeps the list open and the sort, and drops the page.
    assert (
        '<a href="/search/?q=harbour&amp;sort=oldest&amp;more=month&amp;from=2021-01-01'
        '&amp;to=2021-01-31">January 2021</a> (1)' in month_list
    )


def test_a_year_filter_is_active_in_the_year_facet(client, months):
    response = client.get(URL, {"q": "harbour", "from": "2022-01-01", "to": "2022-12-31"})
    assert response.context["result"].total == 2
    years = _facet(response.content.decode(), "year")
    assert (
        '<strong>2022</strong> (2) <a href="/search/?q=harbour" aria-label="Remove filter 2022">'
        "×</a>" in years
    )


def test_more_outlets_and_more_years(client, months, monkeypatch):
    response = client.get(URL, {"q": "harbour"})
    result = response.context["result"]
    assert len(result.facets["outlet"]) == results.FACET_SIZE == 10
    assert result.facet_more == {"outlet": True, "person": False, "year": False, "month": True}
    outlets = _facet(response.content.decode(), "outlet")
    assert '<a href="/search/?q=harbour&amp;more=outlet#facet-outlet"' in outlets

    response = client.get(URL, {"q": "harbour", "more": "outlet"})
    result = response.context["result"]
    assert [(f.value, f.count) for f in result.facets["outlet"]] == [
        ("outlet-00", 2),
        ("outlet-01", 2),
        *[(f"outlet-{n:02d}", 1) for n in range(2, 12)],
    ]
    assert len(result.facets["month"]) == results.MONTH_FACET_SIZE  # one list open at a time
    assert result.facet_more["outlet"] is False
    assert _facet(response.content.decode(), "outlet").count("<li>") == 12

    monkeypatch.setattr(results, "YEAR_FACET_SIZE", 1)
    result = api.search("harbour", sort="newest")
    assert [f.value for f in result.facets["year"]] == ["2022"]
    assert result.facet_more["year"] is True
    result = api.search("harbour", sort="newest", more="year")
    assert [f.value for f in result.facets["year"]] == ["2022", "2021"]
    # an unknown facet name lists nothing more
    assert api.search("harbour", more="nonsense").more == ""


# --- Filters as removable chips --------------------------------------------------------


@pytest.fixture
def people(db, django_capture_on_commit_callbacks):
    from tests.search_helpers import person

    with django_capture_on_commit_callbacks(execute=True):
        zelensky = person("Volodymyr Zelensky", "Zelenskyy")
        for n, day in enumerate(("2022-02-24", "2022-03-05", "2023-01-10")):
            article(
                f"Kyiv talks {n}",
                "talks in Kyiv",
                outlet="Daily Mirror",
                published=day,
                people=[zelensky],
            )


def _chips(body):
    import re

    found = re.search(r'<ul class="active-filters"[^>]*>(.*?)</ul>', body, re.S)
    return re.findall(r"<li>(.*?) <a href=\"([^\"]*)\"", found.group(1)) if found else []


@pytest.mark.parametrize(
    ("params", "chips"),
    [
        # The form's person field takes a name or any spelling of it.
        (
            {"q": "talks", "person": "zelenskyy"},
            [("Person: Volodymyr Zelensky", "/search/?q=talks")],
        ),
        (
            {"q": "talks", "person": "volodymyr-zelensky", "sort": "oldest"},
            [("Person: Volodymyr Zelensky", "/search/?q=talks&amp;sort=oldest")],
        ),
        (
            {"q": "talks", "outlet": "Daily Mirror"},
            [("Outlet: Daily Mirror", "/search/?q=talks")],
        ),
        (
            {"q": "talks", "from": "2022-01-01", "to": "2022-12-31"},
            [("Year: 2022", "/search/?q=talks")],
        ),
        (
            {"q": "talks", "from": "2022-03-01", "to": "2022-03-31", "page": "2"},
            [("Month: March 2022", "/search/?q=talks")],
        ),
        (
            {"q": "talks", "from": "2022-03-01"},
            [("From: 2022-03-01", "/search/?q=talks")],
        ),
        (
            {"q": "talks", "from": "2022-02-20", "to": "2022-03-01"},
            [("Dates: 2022-02-20 to 2022-03-01", "/search/?q=talks")],
        ),
        # Filters typed in the query are removed from it.
        (
            {"q": "talks person:zelenskyy from:2022-03", "outlet": "daily-mirror"},
            [
                ("Outlet: Daily Mirror", "/search/?q=talks+person%3Azelenskyy+from%3A2022-03"),
                (
                    "Person: Volodymyr Zelensky",
                    "/search/?q=talks+from%3A2022-03&amp;outlet=daily-mirror",
                ),
                ("From: 2022-03", "/search/?q=talks+person%3Azelenskyy&amp;outlet=daily-mirror"),
            ],
        ),
        (
            {"q": 'outlet:"Daily Mirror" to:2022-12-31'},
            [
                ("Outlet: Daily Mirror", "/search/?q=to%3A2022-12-31"),
                ("To: 2022-12-31", "/search/?q=outlet%3A%22Daily+Mirror%22"),
            ],
        ),
    ],
)
def test_person_and_date_filters_are_removable_chips(client, people, params, chips):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert _chips(response.content.decode()) == chips


def test_a_chip_link_finds_what_the_search_without_that_filter_finds(client, people):
    response = client.get(URL, {"q": "talks person:zelenskyy to:2022-12"})
    assert response.context["result"].total == 2
    (_person, person_link), (_to, to_link) = _chips(response.content.decode())
    import html

    assert client.get(html.unescape(person_link)).context["result"].total == 2
    assert client.get(html.unescape(to_link)).context["result"].total == 3
