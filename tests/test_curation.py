"""Curation services: merges, splits, restoring removed lines, bulk changes, curated fields."""

import datetime as dt

import pytest

from archive import curation
from archive.curation import CurationError
from archive.history import records_for
from archive.importer import import_uploads
from archive.models import Alias, Article, Mention, Outlet, Person, Quote, SlugRedirect
from archive.redirects import redirect_for
from tests import curation_helpers
from tests.curation_helpers import make_article, make_person

pytestmark = pytest.mark.django_db
changed_ids = curation_helpers.changed_ids

STORY = b"""Council approves new budget
The council voted on Tuesday to approve the budget for next year.
The budget includes money for roads and schools across the district.
READ MORE: Council leader resigns
Opposition members said the plan did not go far enough.
Source link
"""


def test_merge_people_moves_mentions_quotes_and_aliases(
    django_capture_on_commit_callbacks, changed_ids
):
    keep = make_person("Emmanuel Macron", "Macron")
    typo = make_person("Emanuel Macron")
    other = make_person("E. Macron", "Mr Macron")
    both, only_typo, unrelated = make_article("both"), make_article("typo"), make_article("x")
    Mention.objects.create(article=both, person=keep, count=2)
    Mention.objects.create(article=both, person=typo, count=1)
    Mention.objects.create(article=both, person=other, count=4)
    Mention.objects.create(article=only_typo, person=typo, count=3)
    Quote.objects.create(article=only_typo, speaker=typo, text="We talk.", speaker_label="Emanuel")
    Quote.objects.create(article=unrelated, speaker=keep, text="Hello.")

    with django_capture_on_commit_callbacks(execute=True):
        result = curation.merge_people(keep, [typo, other])

    assert (result.mentions_moved, result.quotes_moved, result.aliases_moved) == (3, 1, 3)
    assert result.summary() == (
        "Merged Emanuel Macron, E. Macron into Emmanuel Macron: "
        "3 mentions, 1 quotes and 3 aliases moved."
    )
    assert sorted(Mention.objects.values_list("article__title", "person__name", "count")) == [
        ("both", "Emmanuel Macron", 7),
        ("typo", "Emmanuel Macron", 3),
    ]
    assert set(Quote.objects.values_list("speaker__name", flat=True)) == {"Emmanuel Macron"}
    assert sorted(keep.aliases.values_list("name", flat=True)) == [
        "E. Macron",
        "Emanuel Macron",
        "Emmanuel Macron",
        "Macron",
        "Mr Macron",
    ]
    assert list(Person.objects.values_list("name", flat=True)) == ["Emmanuel Macron"]
    assert redirect_for("person", "emanuel-macron") == "emmanuel-macron"
    assert redirect_for("person", "e-macron") == "emmanuel-macron"
    assert changed_ids == sorted([both.pk, only_typo.pk])
    (entry,) = records_for(keep)
    assert entry.action == "merge"
    assert entry.changes == {
        "merged": [["Emanuel Macron (emanuel-macron)", "E. Macron (e-macron)"], None]
    }


def test_merge_chain_redirects_to_the_last_kept_person():
    a, b, c = make_person("Alpha One"), make_person("Beta Two"), make_person("Gamma Three")
    curation.merge_people(b, [c])
    curation.merge_people(a, [b])
    assert dict(SlugRedirect.objects.values_list("old_slug", "new_slug")) == {
        "beta-two": "alpha-one",
        "gamma-three": "alpha-one",
    }
    assert redirect_for("person", "gamma-three") == "alpha-one"


def test_merge_needs_two_people_and_rolls_back_on_error():
    keep = make_person("Alpha One")
    with pytest.raises(CurationError, match="Choose at least two people to merge."):
        curation.merge_people(keep, [keep])
    gone = make_person("Beta Two")
    Person.objects.filter(pk=gone.pk).delete()
    with pytest.raises(CurationError, match="Some people no longer exist."):
        curation.merge_people(keep, [gone])
    assert SlugRedirect.objects.count() == 0


def test_merge_outlets_moves_articles_marks_them_curated_and_redirects(changed_ids):
    keep = Outlet.objects.create(name="The Times")
    old = Outlet.objects.create(name="Times, The")
    moved = [make_article("one", outlet=old), make_article("two", outlet=old)]
    stays = make_article("three", outlet=keep, curated_fields=["title"])
    result = curation.merge_outlets(keep, [old])
    assert result.summary() == "Merged Times, The into The Times: 2 articles moved."
    assert set(Article.objects.values_list("outlet__name", flat=True)) == {"The Times"}
    assert all(
        a.curated_fields == ["outlet"] for a in Article.objects.filter(pk__in=[m.pk for m in moved])
    )
    stays.refresh_from_db()
    assert stays.curated_fields == ["title"]
    assert not Outlet.objects.filter(pk=old.pk).exists()
    assert redirect_for("outlet", "times-the") == "the-times"
    assert redirect_for("person", "times-the") is None


def test_split_alias_takes_the_quotes_and_mentions_that_use_its_name(changed_ids):
    person = make_person("Emmanuel Macron", "Macron", "Brigitte Macron")
    only_her = make_article(
        "Visit", body="Brigitte Macron visited a school. Brigitte Macron spoke."
    )
    both = make_article("Dinner", body="Emmanuel Macron and Brigitte Macron hosted a dinner.")
    only_him = make_article("Talks", body="Macron met Putin.")
    for article in (only_her, both, only_him):
        Mention.objects.create(article=article, person=person, count=2)
    her_quote = Quote.objects.create(
        article=only_her, speaker=person, speaker_label="Brigitte Macron", text="Read more."
    )
    his_quote = Quote.objects.create(
        article=only_him, speaker=person, speaker_label="Mr Macron", text="We talk."
    )
    curation.merge_people(person, [make_person("Brigitte Macron")])  # leaves a redirect behind

    alias = Alias.objects.get(name="Brigitte Macron")
    result = curation.split_alias(alias)

    new = result.person
    assert (new.name, new.slug) == ("Brigitte Macron", "brigitte-macron")
    assert result.summary() == (
        "Split Brigitte Macron out of Emmanuel Macron: 1 quotes and 1 mentions moved, "
        "1 stories name both."
    )
    assert sorted(Mention.objects.values_list("article__title", "person__name", "count")) == [
        ("Dinner", "Brigitte Macron", 1),
        ("Dinner", "Emmanuel Macron", 2),
        ("Talks", "Emmanuel Macron", 2),
        ("Visit", "Brigitte Macron", 2),
    ]
    her_quote.refresh_from_db()
    his_quote.refresh_from_db()
    assert (her_quote.speaker, his_quote.speaker) == (new, person)
    assert list(new.aliases.values_list("name", flat=True)) == ["Brigitte Macron"]
    assert redirect_for("person", "brigitte-macron") is None
    assert records_for(new)[0].action == "split"


def test_split_refuses_the_persons_own_name():
    person = make_person("Emmanuel Macron")
    with pytest.raises(CurationError, match="is Emmanuel Macron’s own name"):
        curation.split_alias(person.aliases.get())
    assert Person.objects.count() == 1


def test_restore_removed_line_puts_it_back_in_place(
    django_capture_on_commit_callbacks, changed_ids
):
    with django_capture_on_commit_callbacks(execute=True):
        import_uploads([("budget.txt", STORY)], review=True)
    article = Article.objects.get()
    assert article.paragraphs == [
        "The budget includes money for roads and schools across the district.",
        "Opposition members said the plan did not go far enough.",
    ]
    assert [(r["index"], r["reason"]) for r in article.removed] == [
        (3, "promo link"),
        (5, "source footer"),
    ]
    changed_ids.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = curation.restore_removed_line(article, 3)
    assert (result.text, result.position) == ("READ MORE: Council leader resigns", 1)
    article.refresh_from_db()
    assert article.paragraphs == [
        "The budget includes money for roads and schools across the district.",
        "READ MORE: Council leader resigns",
        "Opposition members said the plan did not go far enough.",
    ]
    assert [r["index"] for r in article.removed] == [5]
    assert article.curated_fields == ["body"]
    assert article.word_count == 11 + 5 + 10
    assert changed_ids == [article.pk]
    entry = records_for(article).get()
    assert entry.message == "Restored removed line 3 (promo link) as paragraph 2"
    assert entry.changes["removed"] == [
        {"index": 3, "text": "READ MORE: Council leader resigns", "reason": "promo link"},
        None,
    ]
    curation.restore_removed_line(article, 5)
    article.refresh_from_db()
    assert article.paragraphs[-1] == "Source link"
    with pytest.raises(CurationError, match="No removed line 5 in this story."):
        curation.restore_removed_line(article, 5)


def test_set_articles_changes_only_what_differs_and_marks_curated(
    django_capture_on_commit_callbacks, changed_ids
):
    outlet = Outlet.objects.create(name="Wire")
    a = make_article("a")
    b = make_article("b", status="published")
    with django_capture_on_commit_callbacks(execute=True):
        result = curation.set_articles(Article.objects.all(), status="published")
    assert result.changed == 1
    assert changed_ids == [a.pk]
    result = curation.set_articles(
        Article.objects.filter(pk=b.pk), outlet=outlet, published=dt.date(2022, 2, 7)
    )
    b.refresh_from_db()
    assert (b.outlet, b.published, b.curated_fields) == (
        outlet,
        dt.date(2022, 2, 7),
        ["outlet", "published"],
    )
    entry = records_for(b)[0]
    assert entry.changes == {
        "outlet": [None, "Wire"],
        "published": [None, "2022-02-07"],
        "curated_fields": [[], ["outlet", "published"]],
    }
    with pytest.raises(CurationError, match="Unknown status: gone"):
        curation.set_articles(Article.objects.all(), status="gone")


def test_mark_and_forget_curation():
    article = make_article("a", curated_fields=["body"])
    assert curation.mark_curated(article, ["title", "body", "quotes"]) == ["title", "quotes"]
    article.refresh_from_db()
    assert article.curated_fields == ["title", "body", "quotes"]
    with pytest.raises(CurationError, match="Not a curatable field: status"):
        curation.mark_curated(article, ["status"])
    assert curation.forget_curation(Article.objects.all(), fields=["body"]) == 1
    article.refresh_from_db()
    assert article.curated_fields == ["title", "quotes"]
    assert curation.forget_curation(Article.objects.all()) == 1
    assert curation.forget_curation(Article.objects.all()) == 0
    article.refresh_from_db()
    assert article.curated_fields == []
    assert [r.action for r in records_for(article)] == ["uncurate", "uncurate", "curate"]


def test_redirect_for_rejects_unknown_kinds_and_stops_on_loops():
    SlugRedirect.objects.create(kind="person", old_slug="a", new_slug="b")
    SlugRedirect.objects.create(kind="person", old_slug="b", new_slug="a")
    assert redirect_for("person", "a") == "b"
    assert redirect_for("person", "missing") is None
    with pytest.raises(ValueError, match="Unknown redirect kind: 'tag'"):
        redirect_for("tag", "a")


def test_split_alias_recounts_the_person_the_mentions_left(django_capture_on_commit_callbacks):
    from archive.stats import refresh_counts

    person = make_person("Emmanuel Macron", "Brigitte Macron")
    stories = [
        make_article("Visit", body="Brigitte Macron visited a school.", status="published"),
        make_article("Gala", body="Brigitte Macron opened a gala.", status="published"),
        make_article("Talks", body="Emmanuel Macron met Putin.", status="published"),
    ]
    for article in stories:
        Mention.objects.create(article=article, person=person, count=1)
    refresh_counts()
    person.refresh_from_db()
    assert person.mention_count == 3

    with django_capture_on_commit_callbacks(execute=True):
        result = curation.split_alias(Alias.objects.get(name="Brigitte Macron"))
    person.refresh_from_db()
    result.person.refresh_from_db()
    assert (person.mention_count, result.person.mention_count) == (1, 2)
