"""An article's rows in the PostgreSQL search tables, written from the database.

``write(ids)`` brings the rows of ``ids`` in step with the archive: published articles
are upserted (their story row and a row per quote), others removed, and the word table
of did-you-mean (``search_pg_word``: how many stories use each word) is corrected by the
difference, all in the caller's transaction. The text search vectors are made by
PostgreSQL (``to_tsvector`` with ``CONFIG``), weighted by field:

* A: the headline;
* B: the standfirst and the names of the people mentioned;
* C: the body;
* D: the quotes not in the body (most quotes are passages of it) and the outlet's name.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.utils.text import slugify

from .. import source

CONFIG = "english"  # the text search configuration of vectors and queries
CHUNK = 500  # articles read from the database and written at a time
# Words did-you-mean may suggest: letters only, three at least (search.suggestions).
WORD_PATTERN = "^[[:alpha:]]{3,}$"

ARTICLE_TABLE = "search_pg_article"
QUOTE_TABLE = "search_pg_quote"
WORD_TABLE = "search_pg_word"

_VECTOR = (
    f"setweight(to_tsvector('{CONFIG}', %(title)s), 'A')"
    f" || setweight(to_tsvector('{CONFIG}', %(standfirst)s), 'B')"
    f" || setweight(to_tsvector('{CONFIG}', %(names)s), 'B')"
    f" || setweight(to_tsvector('{CONFIG}', %(body)s), 'C')"
    f" || setweight(to_tsvector('{CONFIG}', %(extra)s), 'D')"
)
# The plain (unstemmed) words of the headline, the text and the names, each field apart:
# the word table counts a word once per field of a story that uses it.
WORD_COLUMNS = ("title_words", "words", "name_words")
_WORDS = (
    "strip(to_tsvector('simple', %(title)s))",
    "strip(to_tsvector('simple', %(standfirst)s) || to_tsvector('simple', %(body)s))",
    "strip(to_tsvector('simple', %(names)s))",
)
_COLUMNS = ("story", "outlet_slug", "published", "month", "persons", "authors", "people")
_WRITTEN = (*_COLUMNS, "vector", *WORD_COLUMNS, "signature")
UPSERT_ARTICLE = (
    f"INSERT INTO {ARTICLE_TABLE} (article_id, {', '.join(_WRITTEN)}) "
    "VALUES (%(id)s, %(story)s, %(outlet_slug)s, %(published)s, %(month)s, "
    "%(persons)s::text[], %(authors)s::text[], %(people)s::jsonb, "
    f"{_VECTOR}, {', '.join(_WORDS)}, %(signature)s) "
    "ON CONFLICT (article_id) DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in _WRITTEN)
)
# The words of the rows (``WHERE`` to add), once per field of a story using each.
ROW_WORDS = " UNION ALL ".join(
    f"SELECT unnest(tsvector_to_array({column})) AS w, article_id FROM {ARTICLE_TABLE}"
    for column in WORD_COLUMNS
)
INSERT_QUOTE = (
    f"INSERT INTO {QUOTE_TABLE} "
    "(quote_id, article_id, speaker_slug, outlet_slug, published, month, authors, vector) "
    "VALUES (%(id)s, %(article_id)s, %(speaker)s, %(outlet_slug)s, %(published)s, "
    "%(month)s, %(authors)s::text[], "
    f"setweight(to_tsvector('{CONFIG}', %(text)s), 'A')"
    f" || setweight(to_tsvector('{CONFIG}', %(speaker_name)s), 'B')) "
    "ON CONFLICT (quote_id) DO UPDATE SET article_id = EXCLUDED.article_id, "
    "speaker_slug = EXCLUDED.speaker_slug, outlet_slug = EXCLUDED.outlet_slug, "
    "published = EXCLUDED.published, month = EXCLUDED.month, authors = EXCLUDED.authors, "
    "vector = EXCLUDED.vector"
)


MARKUP = str.maketrans("<>&/", "    ")


def plain(text: str | None) -> str:
    """``text`` as its vector reads it: the characters PostgreSQL's parser takes for markup,
    entities or paths ("<b>", "&amp;", "a/b") are spaces (a story is plain text)."""
    return (text or "").translate(MARKUP)


def author_slugs(authors) -> list[str]:
    """The byline names as the ``author:`` filter compares them: slugs."""
    return [slug for name in authors or [] if (slug := slugify(name))]


def article_params(row, people, quotes) -> tuple[dict, list[dict]]:
    """The parameters of ``UPSERT_ARTICLE`` and ``INSERT_QUOTE`` for one article."""
    aid = row["id"]
    day = row["published"]
    month = f"{day.year:04d}-{day.month:02d}" if day else ""
    outlet_slug = row["outlet__slug"] or ""
    authors = author_slugs(row.get("authors"))
    body = row["body"] or ""
    extra = [q["text"] for q in quotes if q["text"] not in body]
    article = {
        "id": aid,
        "story": row["cluster_id"] or -aid,
        "outlet_slug": outlet_slug,
        "published": day,
        "month": month,
        "persons": [p["slug"] for p in people],
        "authors": authors,
        "people": json.dumps([[p["name"], p["slug"]] for p in people]),
        "title": plain(row["title"]),
        "standfirst": plain(row["standfirst"]),
        "names": plain("\n".join(p["name"] for p in people)),
        "body": plain(body),
        "extra": plain("\n".join([*extra, row["outlet__name"] or ""])),
        "signature": source.signature(row, people, quotes),
    }
    quote_rows = [
        {
            "id": q["id"],
            "article_id": aid,
            "speaker": q["speaker__slug"] or "",
            "speaker_name": plain(q["speaker__name"] or q["speaker_label"]),
            "text": plain(q["text"]),
            "outlet_slug": outlet_slug,
            "published": day,
            "month": month,
            "authors": authors,
        }
        for q in quotes
    ]
    return article, quote_rows


def iter_params(ids: Iterable[int]) -> Iterator[tuple[list[int], list[dict], list[dict]]]:
    """(the chunk's ids, its published articles' parameters, their quotes') by chunks of
    ``CHUNK`` ids (three queries a chunk)."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        people, quotes = source.related(chunk)
        articles, quote_rows = [], []
        for row in source.published_rows(chunk, text=True):
            article, its_quotes = article_params(row, people[row["id"]], quotes[row["id"]])
            articles.append(article)
            quote_rows.extend(its_quotes)
        yield chunk, articles, quote_rows


def _word_counts(cursor, ids: list[int]) -> Counter:
    """{word: fields of stories using it} over the stored rows of ``ids``."""
    cursor.execute(
        f"SELECT w, count(*) FROM ({ROW_WORDS}) r "
        f"WHERE article_id = ANY(%s) AND w ~ '{WORD_PATTERN}' GROUP BY w",
        [ids],
    )
    return Counter(dict(cursor.fetchall()))


def _apply_word_changes(cursor, delta: Counter) -> None:
    """Add ``delta`` (words' story counts up or down) to the word table, in word order
    (two writers lock the rows they share in the same order: no deadlock)."""
    changed = sorted((w, n) for w, n in delta.items() if n)
    if not changed:
        return
    words = [w for w, _n in changed]
    cursor.execute(
        f"INSERT INTO {WORD_TABLE} (word, stories) "
        "SELECT w, n FROM unnest(%s::text[], %s::int[]) AS d(w, n) ORDER BY w "
        f"ON CONFLICT (word) DO UPDATE SET stories = {WORD_TABLE}.stories + EXCLUDED.stories",
        [words, [n for _w, n in changed]],
    )
    cursor.execute(f"DELETE FROM {WORD_TABLE} WHERE word = ANY(%s) AND stories <= 0", [words])


def write_chunk(cursor, chunk: list[int], articles: list[dict], quote_rows: list[dict]) -> None:
    """Bring the rows of the ids ``chunk`` in step: ``articles`` (the published ones'
    parameters) upserted with their quotes, the others' rows removed, the word table
    corrected."""
    before = _word_counts(cursor, chunk)
    published = [a["id"] for a in articles]
    gone = sorted(set(chunk) - set(published))
    if gone:
        cursor.execute(f"DELETE FROM {ARTICLE_TABLE} WHERE article_id = ANY(%s)", [gone])
    cursor.execute(f"DELETE FROM {QUOTE_TABLE} WHERE article_id = ANY(%s)", [chunk])
    if articles:
        cursor.executemany(UPSERT_ARTICLE, articles)
    if quote_rows:
        cursor.executemany(INSERT_QUOTE, quote_rows)
    after = _word_counts(cursor, published) if published else Counter()
    after.subtract(before)
    _apply_word_changes(cursor, after)


def write(ids: Iterable[int]) -> int:
    """Bring the rows of the articles ``ids`` in step with the database, in the current
    transaction (or one of its own); returns the published articles written."""
    written = 0
    if not ids:
        return written
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk, articles, quote_rows in iter_params(ids):
            write_chunk(cursor, chunk, articles, quote_rows)
            written += len(articles)
    return written


def db_signatures(ids: Iterable[int] | None = None) -> dict[int, str]:
    """{article id: signature} for published articles (all of them when ``ids`` is None)."""
    return source.signatures(ids, CHUNK * 4)


def stored_signatures(ids: Iterable[int] | None = None) -> dict[int, str]:
    """{article id: signature} of the rows stored (of ``ids`` only, when given)."""
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(f"SELECT article_id, signature FROM {ARTICLE_TABLE}")
        else:
            cursor.execute(
                f"SELECT article_id, signature FROM {ARTICLE_TABLE} WHERE article_id = ANY(%s)",
                [sorted(set(ids))],
            )
        return dict(cursor.fetchall())


def write_changed(ids: Iterable[int]) -> int:
    """``write`` those of ``ids`` whose rows differ from the database (by signature):
    after an import chunk's commit, its stories were written inside the transaction
    (``record``) and are not made again; returns the articles written."""
    ids = set(ids)
    expected, stored = db_signatures(ids), stored_signatures(ids)
    return write({i for i in ids if expected.get(i) != stored.get(i)})
