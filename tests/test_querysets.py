"""The querysets the reader pages call (``archive/querysets.py``): what they return, in
which order, and in how many queries."""

import datetime

import pytest

from archive.models import Article, Mention, Outlet, Person, Quote
from archive.stats import refresh_counts
from tests.pages_data import make_story, person

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def archive():
    daily = Outlet.objects.create(name="Daily", slug="daily")
    weekly = Outlet.objects.create(name="Élan Weekly", slug="elan")
    alice = person("Alice Example", aliases=["A. Example"])
    bob = person("Bob Sample")
    carol = person("Carol Test")
    make_story(outlet=daily, published=D(2022, 1, 5), people=[alice, bob])
    make_story(outlet=daily, published=D(2022, 1, 20), people=[alice, bob])
    make_story(outlet=weekly, published=D(2022, 3, 1), people=[alice, carol])
    make_story(outlet=weekly, published=None, people=[alice])
    make_story(outlet=daily, published=D(2022, 3, 2), people=[alice], status="hidden")
    make_story(
        outlet=daily,
        published=D(2022, 1, 6),
        quotes=[(alice, "We will talk again"), (alice, "Yes"), ("a spokesman", "No comment")],
    )
    Quote.objects.filter(text="Yes").update(is_fragment=True)
    refresh_counts()
    return {"daily": daily, "weekly": weekly, "alice": alice, "bob": bob, "carol": carol}


def test_stories_per_month_and_per_day_oldest_first(archive, django_assert_num_queries):
    published = Article.objects.published()
    with django_assert_num_queries(1):
        months = published.dated().per_month()
    assert months == [(D(2022, 1, 1), 3), (D(2022, 3, 1), 1)]
    undated = [n for month, n in published.per_month() if month is None]
    assert undated == [1]
    assert published.filter(published__month=1).per_day() == [
        (D(2022, 1, 5), 1),
        (D(2022, 1, 6), 1),
        (D(2022, 1, 20), 1),
    ]
    assert published.totals() == {"all": 5, "dated": 4}


def test_a_persons_mentions_totals_latest_stories_and_outlets(archive, django_assert_num_queries):
    mentions = Mention.objects.of_person(archive["alice"])
    with django_assert_num_queries(1):
        assert mentions.totals() == {"all": 4, "dated": 3}  # the hidden story left out
    ids = [row["article_id"] for row in mentions.latest_article_ids(10)]
    dates = Article.objects.in_bulk(ids)
    assert [dates[pk].published for pk in ids] == [
        D(2022, 3, 1),
        D(2022, 1, 20),
        D(2022, 1, 5),
        None,
    ]
    with django_assert_num_queries(1):
        outlets = mentions.top_outlets(10)
    assert [(o.name, o.slug, o.n) for o in outlets] == [
        ("Daily", "daily", 2),
        ("Élan Weekly", "elan", 2),
    ]
    assert [o.name for o in mentions.top_outlets(1)] == ["Daily"]


def test_people_mentioned_with_a_person_the_most_first(archive):
    alice = archive["alice"]
    ids = Mention.objects.of_person(alice).latest_article_ids(10)
    related = list(Person.objects.mentioned_with(alice, ids))
    assert [(p.name, p.n) for p in related] == [("Bob Sample", 2), ("Carol Test", 1)]


def test_people_lists_filters(archive):
    Person.objects.create(name="Nobody Mentioned")
    listed = Person.objects.mentioned().a_to_z()
    assert [p.name for p in listed] == ["Alice Example", "Bob Sample", "Carol Test"]
    assert [p.name for p in listed.initial("b")] == ["Bob Sample"]
    assert [p.name for p in listed.matching("a. ex")] == ["Alice Example"]  # an alias
    assert [p.name for p in listed.matching("sample")] == ["Bob Sample"]
    assert [p.name for p in Person.objects.most_mentioned()][:2] == [
        "Alice Example",
        "Bob Sample",
    ]


def test_outlets_a_to_z_ignore_accents_and_with_stories_by_count(archive):
    Outlet.objects.create(name="Zed", slug="zed")
    assert [o.name for o in Outlet.objects.a_to_z()] == ["Daily", "Élan Weekly", "Zed"]
    assert [(o.name, o.article_count) for o in Outlet.objects.with_stories()] == [
        ("Daily", 3),
        ("Élan Weekly", 2),
    ]


def test_latest_quotes_and_their_filters(archive):
    latest = Quote.objects.latest()
    assert [q.text for q in latest] == ["We will talk again", "Yes", "No comment"]
    assert [q.text for q in latest.complete()] == ["We will talk again", "No comment"]
    assert [q.text for q in latest.said_by(archive["alice"])] == ["We will talk again", "Yes"]
    assert [q.text for q in latest.speaker_matching("spokes")] == ["No comment"]
    assert [q.text for q in latest.speaker_matching(archive["alice"].slug)] == [
        "We will talk again",
        "Yes",
    ]
    assert list(latest.in_outlet("elan")) == []
    assert latest.in_outlet("daily").count() == 3


def test_stories_mentioning_a_person(archive):
    carol = Article.objects.published().mentioning(archive["carol"])
    assert [a.published for a in carol] == [D(2022, 3, 1)]
