"""Story clusters in the database: copies found on import, first copy, export, helpers."""

import io
import json

import pytest
from django.core.management import call_command

from archive import clusters
from archive.importer import import_uploads
from archive.models import Article, StoryBand, StoryCluster, StoryShingles

from .test_dedupe import NEW_FOOTER, NEW_HEADER, rehost, seed_text

pytestmark = pytest.mark.django_db


def _upload(*named_texts, **options):
    return import_uploads([(name, text.encode("utf-8")) for name, text in named_texts], **options)


def test_seeds_import_without_any_cluster(seeded):
    assert StoryCluster.objects.count() == 0
    assert Article.objects.filter(cluster__isnull=False).count() == 0
    assert StoryBand.objects.values("article").distinct().count() == 5


def test_republished_copy_joins_the_original_and_the_dated_copy_comes_first(seeded):
    original = Article.objects.get(source__endswith="003_2c509556c5da08e6.txt")
    # the aggregator copy carries an earlier date line: the first *published* copy wins
    copy_text = rehost(seed_text(3), NEW_HEADER, NEW_FOOTER, drop_head=4, drop_tail=1)
    copy_text = copy_text.replace(
        "US President Joe Biden sought", "6 February 2022\n\nUS President Joe Biden sought", 1
    )
    result = _upload(("wire/ft-copy.txt", copy_text))
    assert result.created == 1, result.report_lines()
    copy = Article.objects.get(pk=result.outcomes[0].article_id)
    original.refresh_from_db()
    assert copy.cluster_id is not None and copy.cluster_id == original.cluster_id
    assert StoryCluster.objects.count() == 1
    assert original.published is None and copy.published.isoformat() == "2022-02-06"
    assert copy.cluster.first_id == copy.pk  # dated beats undated, whatever the import order
    assert list(original.copies()) == [copy]
    assert list(copy.copies()) == [original]
    assert list(Article.objects.later_copies()) == [original]
    # other seeds stay alone
    assert Article.objects.filter(cluster__isnull=True).count() == 4


def test_first_copy_by_date_then_by_import_order():
    text = seed_text(0)
    r1 = _upload(("a.txt", text))
    r2 = _upload(("b.txt", rehost(text, NEW_HEADER, NEW_FOOTER)))
    a = Article.objects.get(pk=r1.outcomes[0].article_id)
    b = Article.objects.get(pk=r2.outcomes[0].article_id)
    assert a.published is None and b.published is None  # the seed names no full date
    assert a.cluster_id == b.cluster_id and a.cluster.first_id == a.pk  # imported first
    # a third copy with a date before theirs becomes the first published copy
    dated = rehost(text, ["Daily Repost"], ["Source link"], drop_head=4).replace(
        "The Russian President suggested", "7 February 2022. The Russian President suggested", 1
    )
    r3 = _upload(("c.txt", dated))
    c = Article.objects.get(pk=r3.outcomes[0].article_id)
    assert c.published.isoformat() == "2022-02-07"
    a.cluster.refresh_from_db()
    assert c.cluster_id == a.cluster_id
    assert a.cluster.first_id == c.pk
    assert [x.pk for x in a.copies()] == [c.pk, b.pk]


def two_clusters_and_a_link() -> list[tuple[str, str]]:
    """(name, text) of two halves of a seed with a copy each (two clusters), then the
    whole story, a copy of both halves: imported in this order it merges the clusters."""
    text = seed_text(2)
    paragraphs = text.split("\n\n")
    half = len(paragraphs) // 2
    first_half = "\n\n".join(paragraphs[: half + 2])
    second_half = "\n\n".join(paragraphs[:2] + paragraphs[half - 2 :])
    return [
        ("h1.txt", first_half),
        ("h1-copy.txt", rehost(first_half, NEW_HEADER, [])),
        ("h2.txt", second_half),
        ("h2-copy.txt", rehost(second_half, [], NEW_FOOTER)),
        ("whole.txt", text),
    ]


def test_copies_in_separate_clusters_are_merged_by_a_story_that_links_them():
    *halves, whole_story = two_clusters_and_a_link()
    ids = []
    for name, body in halves:
        ids.append(_upload((name, body)).outcomes[0].article_id)
    arts = {a.pk: a for a in Article.objects.filter(pk__in=ids)}
    assert arts[ids[0]].cluster_id == arts[ids[1]].cluster_id
    assert arts[ids[2]].cluster_id == arts[ids[3]].cluster_id
    assert arts[ids[0]].cluster_id != arts[ids[2]].cluster_id
    whole = _upload(whole_story).outcomes[0].article_id
    clustered = set(Article.objects.filter(pk__in=[*ids, whole]).values_list("cluster", flat=True))
    assert len(clustered) == 1 and None not in clustered
    assert StoryCluster.objects.count() == 1
    assert StoryCluster.objects.get().first_id == ids[0]


def test_reimport_of_the_same_copy_is_unchanged_and_adds_no_band_rows():
    text = seed_text(0)
    _upload(("a.txt", text), ("b.txt", rehost(text, NEW_HEADER, NEW_FOOTER)))
    bands = StoryBand.objects.count()
    again = _upload(("b.txt", rehost(text, NEW_HEADER, NEW_FOOTER)))
    assert again.unchanged == 1
    assert StoryBand.objects.count() == bands
    assert StoryCluster.objects.count() == 1


def test_export_carries_cluster_and_first_published_copy():
    text = seed_text(4)
    r = _upload(
        ("a.txt", text), ("b.txt", rehost(text, NEW_HEADER, NEW_FOOTER)), ("c.txt", seed_text(3))
    )
    a, b, c = (o.article_id for o in r.outcomes)
    out = io.StringIO()
    call_command("export_articles", stdout=out)
    records = {rec["id"]: rec for rec in map(json.loads, out.getvalue().splitlines())}
    cluster = Article.objects.get(pk=a).cluster_id
    assert cluster is not None
    assert (records[a]["cluster"], records[a]["first_published_copy"]) == (cluster, a)
    assert (records[b]["cluster"], records[b]["first_published_copy"]) == (cluster, a)
    assert (records[c]["cluster"], records[c]["first_published_copy"]) == (None, None)
    assert list(records[a])[-2:] == ["cluster", "first_published_copy"]


def test_file_article_with_no_copy_costs_two_queries(seeded, django_assert_num_queries):
    article = Article.objects.create(
        title="Unrelated", body=seed_text(2).replace("Macron", "Scholz"), raw="x", content_hash="u1"
    )
    StoryBand.objects.filter(article__source__endswith="002_2bc22f07f8fd66ef.txt").delete()
    with django_assert_num_queries(2):  # candidates by band key, then the bands
        assert clusters.file_article(article) is None
    assert article.bands.count() == len(set(article.bands.values_list("key", flat=True)))
    assert article.bands.count() == 20


def test_copy_counts_in_one_query(django_assert_num_queries):
    text = seed_text(1)
    r = _upload(
        ("a.txt", text), ("b.txt", rehost(text, NEW_HEADER, NEW_FOOTER)), ("c.txt", seed_text(0))
    )
    a, b, c = (o.article_id for o in r.outcomes)
    with django_assert_num_queries(1):
        assert clusters.copy_counts([a, b, c]) == {a: 2, b: 2}
    assert list(Article.objects.get(pk=c).copies()) == []


def test_copies_are_found_within_an_import_chunk_and_across_chunks(settings):
    settings.ARCHIVE_IMPORT_CHUNK = 2
    text = seed_text(1)
    r = _upload(
        ("a.txt", text),
        ("b.txt", rehost(text, NEW_HEADER, NEW_FOOTER)),  # same chunk as a
        ("c.txt", seed_text(0)),
        ("d.txt", rehost(text, ["Daily Repost"], ["Source link"], drop_head=4)),  # next chunk
    )
    a, b, c, d = (o.article_id for o in r.outcomes)
    cluster = Article.objects.get(pk=a).cluster_id
    assert cluster is not None
    assert list(
        Article.objects.filter(cluster=cluster).order_by("pk").values_list("pk", flat=True)
    ) == [a, b, d]
    assert Article.objects.get(pk=c).cluster_id is None
    for pk in (a, b, c, d):  # each article's keys saved once
        keys = list(StoryBand.objects.filter(article=pk).values_list("key", flat=True))
        assert len(keys) == len(set(keys)) > 0
    assert StoryCluster.objects.get().first_id == a


def test_a_chunk_looks_up_band_keys_in_one_query(django_assert_num_queries):
    from archive.ingest import dedupe

    sigs = [dedupe.signature(seed_text(i)) for i in range(3)]
    bands = clusters.Bands()
    with django_assert_num_queries(1):
        bands.look_up(sigs)
    article = Article.objects.create(title="x", body=seed_text(0), raw="x", content_hash="b1")
    with django_assert_num_queries(0):
        assert bands.candidates(sigs[0], exclude=article.pk) == []
    bands.keep(article.pk, sigs[0])
    with django_assert_num_queries(0):
        assert bands.candidates(sigs[0], exclude=-1) == [article.pk]
    with django_assert_num_queries(2):  # the band keys, then the shingles
        bands.save()
    assert StoryBand.objects.filter(article=article).count() == len(set(sigs[0].band_keys))
    assert dedupe.unpack(StoryShingles.objects.get(article=article).data) == sigs[0].shingles


def test_copies_are_compared_by_their_stored_shingles_or_else_by_their_text():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from archive.ingest import dedupe

    text = seed_text(0)
    first = _upload(("a.txt", text), ("b.txt", rehost(text, NEW_HEADER, NEW_FOOTER)))
    a, b = (Article.objects.get(pk=o.article_id) for o in first.outcomes)
    assert StoryShingles.objects.filter(article__in=[a, b]).count() == 2
    # ``b`` was filed before the archive kept shingles: its text is read instead
    StoryShingles.objects.filter(article=b).delete()
    with CaptureQueriesContext(connection) as queries:
        third = _upload(("c.txt", rehost(text, ["Daily Repost"], ["Source link"], drop_head=4)))
    c = Article.objects.get(pk=third.outcomes[0].article_id)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.cluster_id == b.cluster_id == c.cluster_id is not None
    reads_text = [
        q["sql"] for q in queries if '"body"' in q["sql"] and q["sql"].startswith("SELECT")
    ]
    assert len(reads_text) == 1 and f"IN ({b.pk})" in reads_text[0]
    # and keeps what it found: the next copy reads no text
    assert StoryShingles.objects.filter(article__in=[a, b, c]).count() == 3
    assert dedupe.unpack(StoryShingles.objects.get(article=b).data) == dedupe.shingles(
        clusters.article_text(b)
    )
    with CaptureQueriesContext(connection) as queries:
        _upload(("d.txt", rehost(text, ["Other Repost"], ["Source link"], drop_head=3)))
    assert not [q for q in queries if '"body"' in q["sql"] and q["sql"].startswith("SELECT")]
    assert StoryCluster.objects.get().articles.count() == 4
