"""Story clusters: the copies of one story republished by several outlets.

``file_article`` is called by the importer for every new article. It computes the article's
signature (``archive.ingest.dedupe``), looks up candidate copies by LSH band key (an indexed
lookup, never a scan of the archive), checks each candidate exactly, and puts the article in
the cluster of its copies. Every copy is kept; ``StoryCluster.first`` is the first published
copy (by published date, undated copies last, then by import time).
"""

from __future__ import annotations

from django.db import models

from .ingest import dedupe
from .models import Article, StoryBand, StoryCluster

MAX_CANDIDATES = 50  # band-key matches checked per article; copies are few, this is a guard


def article_text(article: Article) -> str:
    """The text compared between copies: standfirst and clean body (not the headline, which
    republishers often rewrite)."""
    return f"{article.standfirst}\n{article.body}"


def find_copies(article: Article, sig: dedupe.Signature) -> list[dict]:
    """Articles already in the archive that are copies of ``article`` (id, cluster_id)."""
    if not sig.usable:
        return []
    ids = list(
        StoryBand.objects.filter(key__in=sig.band_keys)
        .exclude(article_id=article.pk)
        .values_list("article_id", flat=True)
        .distinct()[:MAX_CANDIDATES]
    )
    if not ids:
        return []
    candidates = Article.objects.filter(pk__in=ids).values("id", "cluster_id", "standfirst", "body")
    return [
        {"id": c["id"], "cluster_id": c["cluster_id"]}
        for c in candidates
        if dedupe.same_story(sig.shingles, dedupe.shingles(f"{c['standfirst']}\n{c['body']}"))
    ]


def file_article(article: Article, sig: dedupe.Signature | None = None) -> StoryCluster | None:
    """Store ``article``'s fingerprint and band keys and put it in the cluster of its copies.

    ``sig``: the signature of ``article_text(article)`` when the caller has it already.
    Returns the cluster, or None when the archive has no copy of the story. Copies already in
    different clusters are merged into the oldest one. Three queries when there is no copy (two
    for an article created with its fingerprint).
    """
    if sig is None:
        sig = dedupe.signature(article_text(article))
    copies = find_copies(article, sig)
    StoryBand.objects.bulk_create(StoryBand(article=article, key=k) for k in set(sig.band_keys))
    cluster = None
    if copies:
        cluster_ids = sorted({c["cluster_id"] for c in copies if c["cluster_id"]})
        if cluster_ids:
            cluster = StoryCluster.objects.get(pk=cluster_ids[0])
            if len(cluster_ids) > 1:
                Article.objects.filter(cluster_id__in=cluster_ids[1:]).update(cluster=cluster)
                StoryCluster.objects.filter(pk__in=cluster_ids[1:]).delete()
        else:
            cluster = StoryCluster.objects.create()
        unclustered = [c["id"] for c in copies if not c["cluster_id"]]
        Article.objects.filter(pk__in=unclustered).update(cluster=cluster)
    if (
        cluster is not None
        or article.cluster_id is not None
        or article.fingerprint != sig.fingerprint
    ):
        # (a new article saved with its fingerprint and no copy needs no update)
        Article.objects.filter(pk=article.pk).update(fingerprint=sig.fingerprint, cluster=cluster)
    article.fingerprint, article.cluster = sig.fingerprint, cluster
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
