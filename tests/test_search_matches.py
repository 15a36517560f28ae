"""``search.api.matches``: every match of a search with its date, exactly, one per story,
newest first — what downloads and coverage charts read, the same on both backends."""

from datetime import date

import pytest

from archive.models import StoryCluster
from search import api
from search.engine import searchers
from tests.search_helpers import article, person

pytestmark = pytest.mark.usefixtures("search_backend")


@pytest.fixture
def stories(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        merkel = person("Angela Merkel", "Merkel")
        s = {
            "old": article(
                "Harbour strike ends",
                "Dock workers voted to end the harbour strike.",
                outlet="Daily Mirror",
                published="2021-05-03",
            ),
            "mid": article(
                "Harbour pilots join the strike",
                "Pilots said the harbour strike was justified, Merkel said.",
                outlet="Le Monde",
                published="2022-01-10",
                people=[merkel],
                quotes=[(merkel, "The harbour strike must end soon for everyone involved.")],
            ),
            "copy_a": article(
                "Harbour strike spreads north",
                "The harbour strike spread to three northern ports on Friday.",
                outlet="Daily Mirror",
                published="2022-02-04",
            ),
            "copy_b": article(
                "Strike spreads to northern harbours",
                "The harbour strike spread to three northern ports on Friday, unions said.",
                outlet="Le Monde",
                published="2022-02-05",
            ),
            "undated": article("Harbour strike explained", "What the harbour strike is about."),
            "other": article(
                "Budget vote delayed", "The vote on the budget was delayed.", published="2022-03-01"
            ),
            "draft": article(
                "Harbour strike draft", "Not yet published harbour strike.", status="new"
            ),
        }
        cluster = StoryCluster.objects.create()
        for a in (s["copy_a"], s["copy_b"]):
            a.cluster = cluster
            a.save()
        cluster.first = s["copy_a"]
        cluster.save()
    return s


def test_every_match_newest_first_one_per_story_undated_last(stories):
    found = api.matches("harbour strike")
    s = stories
    assert found.ids == [s["copy_b"].pk, s["mid"].pk, s["old"].pk, s["undated"].pk]
    assert found.dates == [date(2022, 2, 5), date(2022, 1, 10), date(2021, 5, 3), None]
    assert found.total == 4
    assert found.notices == []
    # what the search page counts, the same stories
    assert api.search("harbour strike").total == 4


def test_limit_keeps_the_newest_and_counts_all(stories):
    found = api.matches("harbour strike", limit=2)
    assert found.ids == [stories["copy_b"].pk, stories["mid"].pk]
    assert found.total == 4


def test_filters_phrases_and_exclusions(stories):
    s = stories
    assert api.matches("harbour", outlet_slugs=["le-monde"]).ids == [s["copy_b"].pk, s["mid"].pk]
    assert api.matches("harbour", person_slugs=["angela-merkel"]).ids == [s["mid"].pk]
    found = api.matches("harbour", date_from=date(2022, 1, 1), date_to=date(2022, 1, 31))
    assert found.ids == [s["mid"].pk]
    assert api.matches('"northern ports"').ids == [s["copy_b"].pk]
    assert api.matches("harbour -pilots -northern").ids == [s["old"].pk, s["undated"].pk]
    # no words: every published story the filters keep
    assert api.matches("", outlet_slugs=["daily-mirror"]).ids == [s["copy_a"].pk, s["old"].pk]


def test_quotes_scope_gives_quote_ids(stories):
    quote = stories["mid"].quotes.get()
    found = api.matches("strike", scope="quotes")
    assert (found.ids, found.dates, found.total) == ([quote.pk], [date(2022, 1, 10)], 1)


def test_nothing_to_search_and_unknown_filters_say_why(stories):
    found = api.matches("OR")
    assert (found.ids, found.total) == ([], 0)
    assert found.notices[-1].startswith('"OR" has no word to search for')
    found = api.matches("harbour", outlet_slugs=["no-such-outlet"])
    assert found.ids == []
    assert found.notices == ['Nothing in the archive is called "no-such-outlet" (outlet).']


@pytest.mark.whoosh_only
def test_an_index_without_the_number_column_reads_the_stored_keys(stories, monkeypatch):
    entry = searchers.get_entry()
    expected = list(entry.numbers())
    entry.columns.pop("num")
    reader = entry.searcher.reader()
    monkeypatch.setattr(type(reader), "has_column", lambda self, name: name != "num")
    assert list(entry.numbers()) == expected
    assert api.matches("harbour strike").total == 4


def test_day_counts_count_each_story_once_at_its_newest_copy(stories):
    found = api.day_counts("harbour strike")
    assert found.days == {date(2022, 2, 5): 1, date(2022, 1, 10): 1, date(2021, 5, 3): 1}
    assert (found.undated, found.total, found.notices) == (1, 4, [])
    # the same stories as matches, by day
    matched = api.matches("harbour strike")
    assert sum(found.days.values()) + found.undated == matched.total
    found = api.day_counts("", outlet_slugs=["daily-mirror"])
    assert (found.days, found.undated) == ({date(2022, 2, 4): 1, date(2021, 5, 3): 1}, 0)
    found = api.day_counts('"northern ports"', date_from=date(2022, 2, 5))
    assert (found.days, found.total) == ({date(2022, 2, 5): 1}, 1)


def test_day_counts_of_quotes_and_of_nothing(stories):
    assert api.day_counts("strike", scope="quotes").days == {date(2022, 1, 10): 1}
    found = api.day_counts("OR")
    assert (found.days, found.total) == ({}, 0)
    assert found.notices[-1].startswith('"OR" has no word to search for')
