"""Plain-row inserts (archive.bulk): the same rows as the ORM would store, fewer queries."""

import datetime

import pytest

from archive.bulk import RowInserter
from archive.models import Alias, Article, Mention, Person

pytestmark = pytest.mark.django_db


def test_rows_get_the_model_defaults_and_conflicts_can_be_skipped(django_assert_num_queries):
    person = Person.objects.create(name="Olaf Scholz")
    article = Article.objects.create(title="T", body="b", raw="r", content_hash="h")
    with django_assert_num_queries(1):
        RowInserter(Mention, ("article_id", "person_id")).insert([(article.pk, person.pk)])
    mention = Mention.objects.get()
    assert (mention.count, mention.is_published, mention.published) == (1, False, None)
    aliases = RowInserter(Alias, ("person_id", "name", "key"), ignore_conflicts=True)
    sent = aliases.insert((person.pk, f"Scholz {n % 2}", f"scholz {n % 2}") for n in range(1001))
    assert sent == 1001  # three executemany batches, the repeats skipped
    assert sorted(Alias.objects.values_list("key", flat=True)) == ["scholz 0", "scholz 1"]


def test_save_new_stores_what_the_orm_stores():
    fields = dict(
        title="Budget vote",
        body="Two words",
        raw="raw text",
        content_hash="x1",
        published=datetime.date(2022, 2, 6),
        removed=[{"text": "Share this", "reason": "promo"}],
        status=Article.Status.PUBLISHED,
    )
    by_orm = Article.objects.create(**fields)
    new = Article(**{**fields, "content_hash": "x2"})
    new.set_derived_fields()
    saved = RowInserter(Article).save_new(new)
    assert saved is new and new.pk > by_orm.pk and new.created is not None
    again = Article.objects.get(pk=new.pk)
    for name in ("title", "slug", "published", "removed", "word_count", "status", "curated_fields"):
        assert getattr(again, name) == getattr(by_orm, name), name
    assert (again.slug, again.word_count, again.curated_fields) == ("budget-vote", 2, [])
    assert again.created == new.created and again.updated == new.updated


def test_unknown_fields_and_missing_timestamps_are_refused():
    with pytest.raises(ValueError, match="Mention has no field weight"):
        RowInserter(Mention, ("article_id", "weight"))
    with pytest.raises(ValueError, match="Article.created needs a value of its own"):
        RowInserter(Article, ("title",))
