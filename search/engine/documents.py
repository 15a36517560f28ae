"""An article's documents in the index (the story and each of its quotes) and the
signature ``check_index`` compares with the database."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.text import slugify

from .. import source
from .schema import PERSON_SEP

CHUNK = 500  # articles read from the database at a time


def author_slugs(authors) -> str:
    """The byline names as the ``author`` field holds them: slugs, space-separated."""
    return " ".join(slug for name in authors or [] if (slug := slugify(name)))


def article_documents(row, people, quotes) -> list[dict]:
    """The Whoosh documents of one article: the article and one per quote."""
    aid = row["id"]
    day = row["published"]
    month = f"{day.year:04d}-{day.month:02d}".encode() if day else b""
    day = day.year * 10000 + day.month * 100 + day.day if day else 0
    outlet_slug = row["outlet__slug"] or ""
    slugs = [p["slug"] for p in people]
    names = [p["name"] for p in people]
    doc = {
        "key": f"a{aid}",
        "kind": "article",
        "article": str(aid),
        "article_id": aid,
        "num": aid,
        "headline": row["title"],
        "standfirst": row["standfirst"],
        "body": row["body"],
        # Quotes are mostly passages of the body, whose words are indexed already.
        "quotes": "\n".join(q["text"] for q in quotes if q["text"] not in row["body"]),
        "outlet": row["outlet__name"] or "",
        "outlet_slug": outlet_slug,
        "month": month,
        "day": day,
        "cluster": f"c{row['cluster_id']}".encode() if row["cluster_id"] else b"",
        "person": " ".join(slugs),
        "author": author_slugs(row.get("authors")),
        "person_col": PERSON_SEP.join(slugs).encode(),
        "people": "\n".join(names),
        "people_display": [(p["name"], p["slug"]) for p in people],
        "signature": source.signature(row, people, quotes),
    }
    docs = [doc]
    for q in quotes:
        quote_doc = {
            "key": f"q{q['id']}",
            "kind": "quote",
            "article": str(aid),
            "article_id": aid,
            "num": q["id"],
            "quote": q["text"],
            "speaker": q["speaker__slug"] or "",
            "speaker_name": q["speaker__name"] or q["speaker_label"] or "",
            "outlet_slug": outlet_slug,
            "author": doc["author"],
            "month": month,
            "day": day,
        }
        docs.append(quote_doc)
    return docs


def iter_documents(ids: Iterable[int]) -> Iterator[tuple[int, list[dict]]]:
    """(article id, documents) for each of ``ids`` that is published, in id order."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        people, quotes = source.related(chunk)
        for row in source.published_rows(chunk, text=True):
            yield row["id"], article_documents(row, people[row["id"]], quotes[row["id"]])


def db_signatures(ids: Iterable[int] | None = None) -> dict[int, str]:
    """{article id: signature} for published articles (all of them when ``ids`` is None)."""
    return source.signatures(ids, CHUNK * 4)
