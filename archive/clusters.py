"""Story clusters: the copies of one story republished by several outlets.

``file_article`` is called by the importer for every new article. It computes the article's
signature (``archive.ingest.dedupe``), looks up candidate copies by LSH band key (an indexed
lookup, never a scan of the archive), checks each candidate exactly with the shingles kept
when the candidate was filed (``StoryShingles``), and puts the article in the cluster of its
copies. Every copy is kept; ``StoryCluster.first`` is the first published
copy (by published date, undated copies last, then by import time).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models

from .bulk import RowInserter
from .ingest import dedupe
from .models import Article, StoryBand, StoryCluster, StoryShingles

MAX_CANDIDATES = 50  # band-key matches checked per article; copies are few, this is a guard
BAND_ROWS = RowInserter(StoryBand, ("article_id", "key"))
# (another import may have stored an older article's shingles meanwhile: the same ones)
SHINGLE_ROWS = RowInserter(StoryShingles, ("article_id", "data"), ignore_conflicts=True)
KEYS_PER_QUERY = 900  # band keys in one look-up (SQLite allows 32,766 parameters)


class Bands:
    """The band keys of an import chunk: those already in the archive, looked up in a few
    queries for the whole chunk (``look_up``), and those of the articles filed since
    (``keep``), saved with the chunk (``save``) with their shingles."""

    def __init__(self):
        self.holders: dict[int, list[int]] = {}  # key -> ids of the articles that have it
        self.new: list[tuple[int, int]] = []  # (article id, key) to save
        self.shingles: dict[int, bytes] = {}  # article id -> packed shingles, to save

    def look_up(self, signatures: Iterable[dedupe.Signature]) -> None:
        self._look_up({k for sig in signatures for k in sig.band_keys})

    def _look_up(self, keys: set[int]) -> None:
        # (not ``keys - self.holders.keys()``: that walks every key held, for each story)
        keys = sorted(k for k in keys if k not in self.holders)
        for key in keys:
            self.holders[key] = []
        for start in range(0, len(keys), KEYS_PER_QUERY):
            part = keys[start : start + KEYS_PER_QUERY]
            rows = StoryBand.objects.filter(key__in=part).values_list("key", "article_id")
            for key, article_id in rows.order_by():
                self.holders[key].append(article_id)

    def candidates(self, sig: dedupe.Signature, exclude: int) -> list[int]:
        self._look_up(set(sig.band_keys))  # a story extracted here: not looked up yet
        ids = {i for k in sig.band_keys for i in self.holders[k]}
        ids.discard(exclude)
        return sorted(ids)[:MAX_CANDIDATES]

    def keep(self, article_id: int, sig: dedupe.Signature) -> None:
        """Note the keys of an article filed (once its story is saved)."""
        for key in set(sig.band_keys):
            self.holders.setdefault(key, []).append(article_id)
            self.new.append((article_id, key))
        if sig.usable:  # (a text too short to compare is never a candidate)
            self.shingles[article_id] = sig.packed()

    def save(self) -> None:
        BAND_ROWS.insert(self.new)
        SHINGLE_ROWS.insert(self.shingles.items())
        self.new, self.shingles = [], {}


def article_text(article: Article) -> str:
    """The text compared between copies: standfirst and clean body (not the headline, which
    republishers often rewrite)."""
    return f"{article.standfirst}\n{article.body}"


def find_copies(article: Article, sig: dedupe.Signature, bands: Bands | None = None) -> list[dict]:
    """Articles already in the archive that are copies of ``article`` (id, cluster_id).
    ``bands``: the chunk's band keys, instead of a look-up query."""
    if not sig.usable:
        return []
    if bands is not None:
        ids = bands.candidates(sig, exclude=article.pk)
    else:
        ids = list(
            StoryBand.objects.filter(key__in=sig.band_keys)
            .exclude(article_id=article.pk)
            .values_list("article_id", flat=True)
            .distinct()[:MAX_CANDIDATES]
        )
    if not ids:
        return []
    # The candidates' shingles as stored when they were filed (or, filed earlier in this
    # chunk, about to be stored). Those filed before the archive kept shingles are
    # shingled from their text, and their shingles kept with the chunk's.
    pending = bands.shingles if bands is not None else {}
    found, unfiled = [], {}
    for pk, cluster_id, data in _candidate_rows(ids):
        data = pending.get(pk, data)
        if data is None:
            unfiled[pk] = cluster_id
        elif dedupe.same_story_packed(sig.shingles, data):
            found.append({"id": pk, "cluster_id": cluster_id})
    if unfiled:
        texts = Article.objects.filter(pk__in=list(unfiled)).order_by()
        for pk, standfirst, body in texts.values_list("id", "standfirst", "body"):
            other = dedupe.shingles(f"{standfirst}\n{body}")
            if bands is not None and len(other) >= dedupe.MIN_SHINGLES:
                pending[pk] = dedupe.pack(other)
            if dedupe.same_story(sig.shingles, other):
                found.append({"id": pk, "cluster_id": unfiled[pk]})
    return found


def _candidate_rows(ids: list[int]) -> list[tuple]:
    """(id, cluster id, packed shingles or None) of the articles ``ids``, in one query
    written out: for a story with candidate copies, building it with the ORM took longer
    than running it."""
    qn = connection.ops.quote_name
    article, shingles = Article._meta, StoryShingles._meta
    pk, cluster = qn(article.pk.column), qn(article.get_field("cluster").column)
    key, data = qn(shingles.pk.column), qn(shingles.get_field("data").column)
    sql = (
        f"SELECT a.{pk}, a.{cluster}, s.{data} FROM {qn(article.db_table)} a"
        f" LEFT OUTER JOIN {qn(shingles.db_table)} s ON s.{key} = a.{pk}"
        f" WHERE a.{pk} IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return cursor.fetchall()


def file_article(
    article: Article,
    sig: dedupe.Signature | None = None,
    bands: Bands | None = None,
    moved: list[int] | None = None,
) -> StoryCluster | None:
    """Store ``article``'s band keys and put it in the cluster of its copies.

    ``sig``: the signature of ``article_text(article)`` when the caller has it already.
    ``bands``: an import chunk's ``Bands``; the copies are looked for there, and the
    article's keys are left for the caller to ``keep`` there once its story is saved.
    ``moved``: the ids of the other articles whose cluster changed are added to it.
    Returns the cluster, or None when the archive has no copy of the story. Copies already in
    different clusters are merged into the oldest one. Two queries when there is no copy (three
    for an article that was in a cluster).
    """
    if sig is None:
        sig = dedupe.signature(article_text(article))
    copies = find_copies(article, sig, bands)
    if bands is None:
        BAND_ROWS.insert((article.pk, k) for k in set(sig.band_keys))
    cluster = None
    if copies:
        cluster_ids = sorted({c["cluster_id"] for c in copies if c["cluster_id"]})
        if cluster_ids:
            cluster = StoryCluster.objects.get(pk=cluster_ids[0])
            if len(cluster_ids) > 1:
                others = Article.objects.filter(cluster_id__in=cluster_ids[1:])
                if moved is not None:
                    moved.extend(others.values_list("id", flat=True))
                others.update(cluster=cluster)
                StoryCluster.objects.filter(pk__in=cluster_ids[1:]).delete()
        else:
            cluster = StoryCluster.objects.create()
        unclustered = [c["id"] for c in copies if not c["cluster_id"]]
        if unclustered:
            Article.objects.filter(pk__in=unclustered).update(cluster=cluster)
            if moved is not None:
                moved.extend(unclustered)
    if cluster is not None or article.cluster_id is not None:
        # (an article without a copy, before or now, needs no update)
        Article.objects.filter(pk=article.pk).update(cluster=cluster)
    article.cluster = cluster
    if cluster is not None:
        refresh_first(cluster)
    return cluster


def refresh_first(cluster: StoryCluster) -> Article | None:
    """Set ``cluster.first`` to its first published copy and return it."""
    first = Article.objects.filter(cluster=cluster).first_copy_first().only("id").first()
    StoryCluster.objects.filter(pk=cluster.pk).update(first=first)
    cluster.first = first
    return first


def copy_counts(article_ids) -> dict[int, int]:
    """How many copies (including itself) the story of each article has: {article id: n},
    only for articles in a cluster. One query, for result lists that show "N copies"."""
    rows = (
        Article.objects.filter(pk__in=list(article_ids), cluster__isnull=False)
        .annotate(n=models.Count("cluster__articles"))
        .values_list("id", "n")
    )
    return dict(rows)
