"""/api/coverage/: a search's matches per period as JSON, on every search backend: the same
series as the chart and the CSV of the search page."""

import pytest

from tests.search_helpers import article

pytestmark = pytest.mark.usefixtures("search_backend", "own_throttle_counts")

URL = "/api/coverage/"


@pytest.fixture
def stories(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article(
            "Flood warning issued", "Rivers rose.", outlet="Daily Mirror", published="2022-01-03"
        )
        article("Flood waters recede", "Rivers fell.", outlet="Le Monde", published="2022-01-20")
        article("Budget passed", "The flood budget.", outlet="Le Monde", published="2022-03-15")
        article("Election called", "Voters go to the polls.", published="2022-03-16")
        article("Flood history", "An explainer.", outlet="Le Monde")  # undated


def test_months_with_zeros_shares_and_links_to_each_slice(client, stories):
    body = client.get(URL, {"q": "flood", "interval": "month"}).json()
    assert body["query"] == {
        "q": "flood",
        "scope": "articles",
        "outlet": [],
        "person": [],
        "date_from": None,
        "date_to": None,
    }
    assert (body["interval"], body["unit"], body["total"], body["undated"]) == (
        "month",
        "stories",
        4,
        1,
    )
    assert [
        (p["start"], p["end"], p["count"], p["all_stories"], p["share"]) for p in body["periods"]
    ] == [
        ("2022-01-01", "2022-01-31", 2, 2, 1.0),
        ("2022-02-01", "2022-02-28", 0, 0, None),
        ("2022-03-01", "2022-03-31", 1, 2, 0.5),
    ]
    assert body["periods"][2]["search_url"] == (
        "http://testserver/search/?q=flood&from=2022-03-01&to=2022-03-31"
    )
    assert body["notices"] == []


def test_the_interval_is_chosen_from_the_span_and_filters_apply(client, stories):
    body = client.get(URL, {"q": "flood", "outlet": "le-monde", "from": "2022-01"}).json()
    # 20 January to 15 March: per day (under three months)
    assert body["interval"] == "day"
    counted = {p["start"]: p["count"] for p in body["periods"] if p["count"]}
    assert counted == {"2022-01-20": 1, "2022-03-15": 1}
    # stretched to the filter's start, as far as the archive's first story (3 January)
    assert body["periods"][0]["start"] == "2022-01-03"
    assert body["periods"][0]["search_url"].endswith(
        "q=flood&outlet=le-monde&from=2022-01-03&to=2022-01-03"
    )


@pytest.mark.parametrize(
    "query, status, detail",
    [
        ({}, 400, "Nothing to search for: give q, or a filter (outlet, person, from, to)."),
        (
            {"q": "flood", "from": "soon"},
            400,
            '"soon" is not a date: from takes YYYY, YYYY-MM or YYYY-MM-DD.',
        ),
    ],
)
def test_bad_requests_say_why(client, stories, query, status, detail):
    response = client.get(URL, query)
    assert response.status_code == status
    assert response.json() == {"detail": detail}


def test_an_unknown_interval_is_a_422(client, stories):
    response = client.get(URL, {"q": "flood", "interval": "year"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "interval"]
