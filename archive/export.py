"""The archive's data contract for researchers: one JSON object per article.

Fields: ``id, source, title, standfirst, outlet, authors, wire, published, url, status, body,
people, quotes, cluster, first_published_copy`` (see README, "Export format").
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db.models import Prefetch

from .models import Alias, Article, Mention, Quote


def export_queryset(queryset=None):
    """Articles with everything the export needs fetched in a fixed number of queries.

    The related rows are kept as plain lists (``to_attr``): Django then does not build a
    queryset for every article and person to hold them, which took most of an export's
    time (three times the rest); and only the fields the record shows are read."""
    queryset = Article.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("outlet", "cluster")
        .prefetch_related(
            Prefetch(
                "mentions",
                queryset=Mention.objects.select_related("person")
                .only("article_id", "count", "person__name")
                .prefetch_related(
                    Prefetch(
                        "person__aliases",
                        queryset=Alias.objects.order_by("name").only("person_id", "name"),
                        to_attr="export_aliases",
                    )
                ),
                to_attr="export_mentions",
            ),
            Prefetch(
                "quotes",
                queryset=Quote.objects.select_related("speaker").only(
                    "article_id", "text", "speaker_label", "is_fragment", "speaker__name"
                ),
                to_attr="export_quotes",
            ),
        )
        .order_by("id")
    )


def _related(obj, attr: str, manager: str) -> list:
    """The rows ``export_queryset`` fetched for ``obj`` (read now for an object it did not)."""
    rows = getattr(obj, attr, None)
    return list(getattr(obj, manager).all()) if rows is None else rows


def article_record(article: Article) -> dict:
    """The export record of one article (of ``export_queryset``, for a fixed number of
    queries)."""
    return {
        "id": article.pk,
        "source": article.source,
        "title": article.title,
        "standfirst": article.standfirst,
        "outlet": article.outlet.name if article.outlet_id else None,
        "authors": list(article.authors or []),
        "wire": article.wire or None,
        "published": article.published.isoformat() if article.published else None,
        "url": article.url,
        "status": article.status,
        "body": article.paragraphs,
        "people": [
            {
                "name": m.person.name,
                "aliases": sorted(
                    {
                        a.name
                        for a in _related(m.person, "export_aliases", "aliases")
                        if a.name != m.person.name
                    }
                ),
                "mentions": m.count,
            }
            for m in _related(article, "export_mentions", "mentions")
        ],
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker.name if q.speaker_id else None,
                "speaker_label": q.speaker_label,
                # a quotation of fewer than six words: a phrase quoted, not a statement
                "fragment": q.is_fragment,
            }
            for q in _related(article, "export_quotes", "quotes")
        ],
        # copies of the same story share a cluster id; null for a story with no copy
        "cluster": article.cluster_id,
        "first_published_copy": article.cluster.first_id if article.cluster_id else None,
    }


def write_jsonl(stream, articles: Iterable[Article], chunk_size: int = 500) -> int:
    """Write one JSON line per article to ``stream``; return how many were written."""
    n = 0
    iterator = (
        articles.iterator(chunk_size=chunk_size) if hasattr(articles, "iterator") else articles
    )
    for article in iterator:
        stream.write(json.dumps(article_record(article), ensure_ascii=False) + "\n")
        n += 1
    return n
