"""Archive-wide people resolution, saving quotes with speakers, and re-extraction."""

import io

import pytest
from django.core.management import CommandError, call_command

from archive.ingest.people import PersonMention
from archive.models import Article, Person, Quote
from archive.people import PersonResolver
from archive.reextract import reextract_articles

pytestmark = pytest.mark.django_db


def test_spelling_variants_typos_and_surnames_are_one_person():
    resolver = PersonResolver()
    zelensky = resolver.resolve(PersonMention("Volodymyr Zelensky", count=1))
    blinken = resolver.resolve(PersonMention("Antony Blinken", count=1))
    macron = resolver.resolve(PersonMention("Emmanuel Macron", count=1))
    fresh = PersonResolver()  # a later import: everything comes from the database
    assert fresh.resolve(PersonMention("Volodymyr Zelenskyy")) == zelensky
    assert fresh.resolve(PersonMention("Anthony Blinken")) == blinken
    assert fresh.resolve(PersonMention("Emmanuel Macon")) == macron
    assert fresh.resolve(PersonMention("Macron")) == macron
    assert Person.objects.count() == 3
    assert set(zelensky.aliases.values_list("name", flat=True)) == {
        "Volodymyr Zelensky",
        "Volodymyr Zelenskyy",
    }


def test_surname_first_then_full_name_upgrades_the_person():
    resolver = PersonResolver()
    putin = resolver.resolve(PersonMention("Putin"))
    assert putin.name == "Putin"
    again = PersonResolver().resolve(PersonMention("Vladimir Putin", aliases={"Putin"}))
    assert again == putin
    putin.refresh_from_db()
    assert putin.name == "Vladimir Putin"


def test_different_people_stay_apart():
    resolver = PersonResolver()
    joe = resolver.resolve(PersonMention("Joe Biden"))
    hunter = resolver.resolve(PersonMention("Hunter Biden"))
    assert joe != hunter
    # A bare surname shared by two people links to neither.
    assert resolver.resolve(PersonMention("Biden")) not in {joe, hunter}


def test_known_names_cost_no_query(django_assert_num_queries):
    resolver = PersonResolver()
    resolver.resolve(PersonMention("Olaf Scholz"))
    resolver.resolve(PersonMention("Scholz"))  # saves the surname as an alias once
    with django_assert_num_queries(0):
        assert resolver.resolve(PersonMention("Olaf Scholz")).name == "Olaf Scholz"
        assert resolver.resolve(PersonMention("Scholz")).name == "Olaf Scholz"


def test_seeds_are_saved_with_one_person_per_name_and_speakers(seeded):
    names = set(Person.objects.values_list("name", flat=True))
    assert {"Vladimir Putin", "Emmanuel Macron", "Antony Blinken", "Dmitry Peskov"} <= names
    assert not names & {"Putin", "Macron", "Anthony Blinken", "Volodymyr Zelenskyy", "Macon"}
    assert Person.objects.filter(name__contains="Zelensk").count() == 1
    truss = Quote.objects.get(text__startswith="President Putin’s recognition")
    assert truss.speaker.name == "Liz Truss"
    kremlin = Quote.objects.filter(speaker_label="the Kremlin", speaker__isnull=True)
    assert kremlin.count() >= 4


def test_reextract_keeps_curated_fields_and_quotes(seeded):
    article = Article.objects.get(title__startswith="Putin humiliates")
    article.title = "Edited by a curator"
    article.curated_fields = ["title", "quotes"]
    article.save()
    article.quotes.update(speaker_label="curated")
    Article.objects.filter(pk=article.pk).update(body="stale body")
    result = reextract_articles(Article.objects.filter(pk=article.pk))
    assert (result.updated, result.unchanged, result.failed) == (1, 0, 0)
    article.refresh_from_db()
    assert article.title == "Edited by a curator"
    assert article.body.startswith("The Russian President suggested")
    assert set(article.quotes.values_list("speaker_label", flat=True)) == {"curated"}
    assert "body" in result.outcomes[article.pk][1]


def test_reextract_command_reports_counts(seeded):
    call_command("reextract", "--all", stdout=io.StringIO())
    out = io.StringIO()
    call_command("reextract", "--all", stdout=out)  # a second run changes nothing
    assert out.getvalue().splitlines()[0] == "0 updated, 5 unchanged, 0 failed"
    with pytest.raises(CommandError, match="give article ids or --all"):
        call_command("reextract")
    with pytest.raises(CommandError, match="no article with id 99999"):
        call_command("reextract", "99999")
