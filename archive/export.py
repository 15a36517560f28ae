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
    """Articles with everything the export needs fetched in a fixed number of queries."""
    queryset = Article.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("outlet", "cluster")
        .prefetch_related(
            Prefetch(
                "mentions",
                queryset=Mention.objects.select_related("person").prefetch_related(
                    Prefetch("person__aliases", queryset=Alias.objects.order_by("name"))
                ),
            ),
            Prefetch("quotes", queryset=Quote.objects.select_related("speaker")),
        )
        .order_by("id")
    )


def article_record(article: Article) -> dict:
    """The export record of one article."""
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
                    {a.name for a in m.person.aliases.all() if a.name != m.person.name}
                ),
                "mentions": m.count,
            }
            for m in article.mentions.all()
        ],
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker.name if q.speaker_id else None,
                "speaker_label": q.speaker_label,
                # a quotation of fewer than six words: a phrase quoted, not a statement
                "fragment": q.is_fragment,
            }
            for q in article.quotes.all()
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
