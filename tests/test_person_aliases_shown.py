"""A person page shows the spellings several stories give, and curators' names, not a
spelling one story gave (a typo, a headline's words glued to the name)."""

import pytest

from archive.models import Article, Mention, Person
from tests.curation_helpers import make_article, make_person

pytestmark = pytest.mark.django_db


def mention(person, name, title):
    story = make_article(title, status=Article.Status.PUBLISHED)
    return Mention.objects.create(article=story, person=person, name=name, count=1)


def test_only_spellings_of_two_stories_or_of_none_are_shown(client):
    trump = make_person(
        "Donald Trump",
        "Donald J. Trump",
        "Donald Trum",
        "Trumo",  # the surname misspelt, alone
        "Trump",  # the surname alone
        "Donald J. Trump Trump",
        "The Donald",
    )
    mention(trump, "Donald Trump", "One")
    mention(trump, "Donald J. Trump", "Two")
    mention(trump, "Donald J. Trump", "Three")
    mention(trump, "Donald Trum", "Four")  # a typo of one story
    mention(trump, "Donald J. Trump Trump", "Five")  # a table's run, one story
    shown = [a.name for a in Person.objects.shown_aliases(trump)]
    # "The Donald": no story gives it (a curator's alias); the person's own name is not listed.
    assert shown == ["Donald J. Trump", "The Donald"]

    page = client.get(trump.get_absolute_url()).content.decode()
    assert "Also written as" in page
    assert '<span class="alias">Donald J. Trump</span>' in page
    assert "Trumo" not in page and "Donald Trum<" not in page
    assert '<span class="alias">Trump</span>' not in page
    assert "Donald J. Trump Trump" not in page
