"""Archive-wide people resolution, saving quotes with speakers, and re-extraction."""

import io

import pytest
from django.core.management import CommandError, call_command

from archive.ingest.people import PersonMention
from archive.models import Article, Mention, Person, Quote
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
    assert fresh.resolve(PersonMention("Macron")) is None  # a surname alone links nobody
    assert Person.objects.count() == 3
    assert set(zelensky.aliases.values_list("name", flat=True)) == {
        "Volodymyr Zelensky",
        "Volodymyr Zelenskyy",
    }


def test_a_surname_alone_makes_no_person_and_links_nobody():
    resolver = PersonResolver()
    assert resolver.resolve(PersonMention("Putin")) is None
    putin = resolver.resolve(PersonMention("Vladimir Putin", aliases={"Putin"}))
    assert PersonResolver().resolve(PersonMention("Putin")) is None
    assert putin.name == "Vladimir Putin"
    assert Person.objects.count() == 1


def test_different_people_stay_apart():
    resolver = PersonResolver()
    joe = resolver.resolve(PersonMention("Joe Biden"))
    hunter = resolver.resolve(PersonMention("Hunter Biden"))
    assert joe != hunter
    # A bare surname shared by two people links to neither.
    assert resolver.resolve(PersonMention("Biden")) is None


@pytest.mark.parametrize(
    "first, second",
    [
        ("Anthony Davis", "Michaela Angela Davis"),
        ("Eric Garner", "Erica Garner"),
        ("Donald Trump", "Donald Trump Jr."),
        ("George W. Bush", "George H. W. Bush"),
        ("Bill Clinton", "Hillary Clinton"),
        ("Tony Blair", "Diane Blair"),
        ("Gordon Brown", "Kate Brown"),
        ("Tom Rooney", "Mitt Romney"),
    ],
)
def test_people_sharing_a_surname_or_a_near_name_are_never_linked(first, second):
    one = PersonResolver().resolve(PersonMention(first, aliases={first.split()[-1]}))
    other = PersonResolver().resolve(PersonMention(second, aliases={second.split()[-1]}))
    assert one != other
    assert (one.name, other.name) == (first, second)


def test_an_initial_links_nobody_across_the_archive():
    george = PersonResolver().resolve(PersonMention("George Bush"))
    assert PersonResolver().resolve(PersonMention("G. Bush")) != george


def test_the_name_shown_is_the_most_common_full_name_whatever_the_order():
    names = ["Hillary Rodham Clinton", "Hillary Clinton", "Hillary Clinton"]
    shown = []
    for order in (names, list(reversed(names))):
        Person.objects.all().delete()
        for name in order:
            person = PersonResolver().resolve(PersonMention(name))
            mention_for(person, name)
        person.refresh_from_db()
        shown.append(person.name)
    assert shown == ["Hillary Clinton", "Hillary Clinton"]


def test_a_name_a_curator_set_is_kept():
    person = PersonResolver().resolve(PersonMention("Hillary Clinton"))
    mention_for(person, "Hillary Clinton")
    Person.objects.filter(pk=person.pk).update(name="Hillary Rodham Clinton")
    again = PersonResolver().resolve(PersonMention("Hillary Clinton"))
    assert again == person
    again.refresh_from_db()
    assert again.name == "Hillary Rodham Clinton"


def mention_for(person, name):
    """A story mentioning ``person`` under ``name`` (what the importer saves)."""
    article = Article.objects.create(
        title=name, body=name, raw=name, content_hash=f"{name}-{Article.objects.count()}"
    )
    Mention.objects.create(article=article, person=person, name=name)


def test_known_names_cost_no_query(django_assert_num_queries):
    resolver = PersonResolver()
    resolver.resolve(PersonMention("Olaf Scholz", aliases={"Scholz"}))
    with django_assert_num_queries(0):
        assert resolver.resolve(PersonMention("Olaf Scholz")).name == "Olaf Scholz"
        assert resolver.resolve(PersonMention("Scholz")) is None


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


def test_reextract_resolves_old_links_again_and_keeps_a_curators_merge():
    from archive.curation import merge_people
    from archive.importer import import_uploads

    texts = {
        "a.txt": "Blinken visits Kyiv\n\nAnthony Blinken said the talks went well.\n",
        "b.txt": "Talks go on\n\nTony Blinken said the talks would go on. Blinken left.\n",
    }
    import_uploads([(name, text.encode()) for name, text in texts.items()])
    anthony = Person.objects.get(name="Anthony Blinken")
    tony = Person.objects.get(name="Tony Blinken")
    merge_people(anthony, [tony])  # a curator: Tony is Anthony
    # an old import's wrong person: a story's mention linked by a surname alone
    surname = Person.objects.create(name="Blinken", slug="blinken")
    Mention.objects.filter(article__source="b.txt").update(person=surname)
    reextract_articles(Article.objects.all())
    people = sorted(
        (m.article.source, m.person.name, m.name)
        for m in Mention.objects.select_related("article", "person")
    )
    assert people == [
        ("a.txt", "Anthony Blinken", "Anthony Blinken"),
        ("b.txt", "Anthony Blinken", "Tony Blinken"),
    ]
    assert not surname.mentions.exists()
