"""/api/search/: the search page's search as JSON, on every search backend."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.api import pages
from search import api
from tests.search_helpers import article, person

pytestmark = pytest.mark.usefixtures("search_backend", "own_throttle_counts")


@pytest.fixture
def archive(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        zelensky = person("Volodymyr Zelensky", "Zelenskyy")
        macron = person("Emmanuel Macron", "Macron")
        items = {
            "kyiv": article(
                "Zelensky rallies Kyiv",
                "The president spoke of resistance in Kyiv and of ceasefire talks.",
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
                quotes=[(macron, "Talks are the only way to a ceasefire and peace")],
            ),
            "talks": article(
                "Ceasefire talks stall",
                "Talks between Kyiv and Moscow stalled again.",
                outlet="Daily Mirror",
                published="2022-03-05",
                people=[zelensky, macron],
            ),
            "hidden": article(
                "Secret ceasefire memo", "Talks memo.", outlet="Le Monde", status="hidden"
            ),
        }
    return items


def test_search_answers_what_the_search_page_finds(client, archive):
    url = "/api/search/?q=ceasefire+talks&outlet=daily-mirror&sort=newest"
    body = client.get(url).json()
    page = client.get("/search/?q=ceasefire+talks&outlet=daily-mirror&sort=newest")
    result = page.context["result"]
    assert [r["article"]["id"] for r in body["results"]] == [h.article_id for h in result.hits]
    assert [r["article"]["id"] for r in body["results"]] == [
        archive["talks"].pk,
        archive["kyiv"].pk,
    ]
    assert body["total"] == result.total == 2 and body["exact"] is True
    assert body["query"] == {
        "q": "ceasefire talks",
        "scope": "articles",
        "outlet": ["daily-mirror"],
        "person": [],
        "date_from": None,
        "date_to": None,
        "sort": "newest",
    }
    first = body["results"][0]
    assert first["snippet"] == result.hits[0].snippet and "<mark>" in first["snippet"]
    assert first["article"]["html_url"] == f"http://testserver{archive['talks'].get_absolute_url()}"
    assert [p["slug"] for p in first["people"]] == [slug for _n, slug in result.hits[0].people]
    assert {f["value"]: f["count"] for f in body["facets"]["outlet"]} == {"daily-mirror": 2}
    assert body["next"] is None


def test_quotes_with_in_quotes(client, archive):
    body = client.get("/api/search/?q=ceasefire&in=quotes").json()
    quote = archive["paris"].quotes.get()
    assert [r["quote"]["id"] for r in body["results"]] == [quote.pk]
    assert body["results"][0]["quote"]["speaker"]["slug"] == "emmanuel-macron"
    assert body["results"][0]["quote"]["text"] == quote.text
    assert body["query"]["scope"] == "quotes"


def test_a_cursor_walks_every_page_once(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = [
            article(
                f"Harvest report {i}",
                f"The harvest of field {i} was good.",
                published=f"2022-01-{i % 28 + 1:02d}",
            )
            for i in range(45)
        ]
    expected = []
    for number in (1, 2, 3):
        expected += [h.article_id for h in api.search("harvest", page=number, sort="newest").hits]
    found, url, read = [], "/api/search/?q=harvest&sort=newest", 0
    while url:
        body = client.get(url).json()
        found += [r["article"]["id"] for r in body["results"]]
        url, read = body["next"], read + 1
        assert body["total"] == 45
    assert read == 3
    assert found == expected and sorted(found) == sorted(a.pk for a in made)


@pytest.mark.parametrize(
    "query, status, detail",
    [
        ("", 400, "Nothing to search for: give q, or a filter (outlet, person, from, to)."),
        (
            "q=talks&from=2022-02-31",
            400,
            '"2022-02-31" is not a date: from takes YYYY, YYYY-MM or YYYY-MM-DD.',
        ),
        ("q=talks&cursor=" + pages.encode("articles", None, 3), 400, pages.BAD_CURSOR),
    ],
)
def test_bad_requests_are_400(client, archive, query, status, detail):
    response = client.get(f"/api/search/?{query}")
    assert response.status_code == status
    assert response.json() == {"detail": detail}


def test_a_cursor_of_another_search_is_refused(client, archive):
    cursor = client.get("/api/search/?q=talks&limit=1").json()
    other = pages.encode("search:000000000000", 2)
    response = client.get(f"/api/search/?q=talks&cursor={other}")
    assert cursor["next"] is None and response.status_code == 400


@pytest.mark.parametrize(
    "query, loc", [("q=" + "x" * 501, "q"), ("q=a&in=pages", "in"), ("q=a&sort=best", "sort")]
)
def test_parameters_out_of_their_range_are_422(client, archive, query, loc):
    response = client.get(f"/api/search/?{query}")
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["query", loc]]


def test_what_the_query_language_cannot_read_is_a_notice(client, archive):
    body = client.get("/api/search/?q=talks&outlet=nowhere").json()
    assert body["results"] == []
    assert body["notices"] == ['Nothing in the archive is called "nowhere" (outlet).']


# Whoosh: the facets' outlet and person names, the page's stories; PostgreSQL also counts,
# ranks and highlights in the database.
SEARCH_QUERIES = {"whoosh": 3, "postgres": 8}


def test_the_api_reads_the_archive_as_the_search_page_does(
    client, archive, search_backend, django_assert_num_queries
):
    client.get("/search/?q=ceasefire")  # the people's spellings loaded once per process
    with CaptureQueriesContext(connection) as page:
        client.get("/search/?q=talks")
    # the facets' outlet and person names, the page's stories
    with django_assert_num_queries(len(page)) as api_queries:
        response = client.get("/api/search/?q=ceasefire")
    assert response.status_code == 200 and response.json()["total"] == 3
    assert len(api_queries) == SEARCH_QUERIES[search_backend]


def test_search_answers_carry_a_content_etag(client, archive):
    first = client.get("/api/search/?q=talks")
    assert first["ETag"].startswith('W/"c')
    assert client.get("/api/search/?q=talks", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
