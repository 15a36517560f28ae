"""Plain-row inserts (archive.bulk): the same rows as the ORM would store, fewer queries;
and the indexes a bulk import leaves out while it writes, built again afterwards."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from archive import bulk, importer
from archive.bulk import DEFERRED_INDEXES, RowInserter, indexes_deferred, missing_indexes
from archive.models import Alias, Article, Mention, Person, Quote
from search.engine import background

from .conftest import SEEDS

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


DEFERRED = sorted(name for names in DEFERRED_INDEXES.values() for name in names)


def _on_sqlite():
    return connection.vendor == "sqlite"


@pytest.mark.django_db(transaction=True)
def test_a_bulk_run_saves_its_rows_without_the_deferred_indexes_then_builds_them(
    settings, monkeypatch
):
    settings.ARCHIVE_INDEX_BULK_MIN = 3  # five seeds into an empty archive: a bulk run
    settings.ARCHIVE_IMPORT_CHUNK = 2
    absent = []  # the deferred indexes missing whenever a chunk's rows are saved
    save_rows = importer.Importer.save_rows
    monkeypatch.setattr(
        importer.Importer,
        "save_rows",
        lambda self: absent.append(missing_indexes()) or save_rows(self),
    )
    with background.writing_beside():
        result = importer.import_paths([str(SEEDS)])
    assert result.created == 5
    assert len(absent) == 3
    # SQLite only: a PostgreSQL import keeps them (each commit writes a log of the rows,
    # not every page they touched).
    assert absent == [DEFERRED if _on_sqlite() else []] * 3
    assert missing_indexes() == []
    # Rows saved without the indexes are found through them once they are built.
    zelensky = Person.objects.get(name="Volodymyr Zelensky")
    assert zelensky.mentions.filter(is_published=True).count() == zelensky.mention_count == 4
    assert Quote.objects.filter(speaker=zelensky, is_published=True).count() >= 1


@pytest.mark.django_db(transaction=True)
def test_the_indexes_are_built_again_when_the_block_fails():
    with pytest.raises(RuntimeError, match="disk full"), indexes_deferred(True) as dropped:
        assert dropped == _on_sqlite()
        assert missing_indexes() == (DEFERRED if dropped else [])
        raise RuntimeError("disk full")
    assert missing_indexes() == []


@pytest.mark.django_db(transaction=True)
def test_indexes_left_out_by_a_killed_import_are_built_by_the_next_one(caplog):
    bulk._alter("default", drop=["quote_latest_idx", "mention_person_pub_idx"])
    assert missing_indexes() == ["mention_person_pub_idx", "quote_latest_idx"]
    result = importer.import_paths(
        [str(SEEDS / "000_f30beedecabb5a91.txt")]
    )  # a run too small to be bulk
    assert result.created == 1
    assert missing_indexes() == []
    assert (
        "recreated indexes missing since a bulk import (stopped, or still running): "
        "mention_person_pub_idx, quote_latest_idx"
    ) in caplog.text


@pytest.mark.django_db(transaction=True)
def test_migrate_builds_the_indexes_a_killed_import_left_out():
    bulk._alter("default", drop=["article_published_idx"])
    assert missing_indexes() == ["article_published_idx"]
    call_command("migrate", verbosity=0)
    assert missing_indexes() == []
