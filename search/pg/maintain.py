"""Rebuilding and checking the PostgreSQL search tables.

``rebuild`` writes every published article's rows again in one transaction (searches
read the old rows until it commits: nothing is missing meanwhile) and counts the word
table afresh. ``check`` compares the stored signatures with the database's (missing,
stale, extra) and with ``repair`` writes the articles that differ.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from .. import source
from ..backends import CheckReport, RebuildReport
from . import documents
from .documents import ARTICLE_TABLE, QUOTE_TABLE, WORD_PATTERN, WORD_TABLE

TABLES = (ARTICLE_TABLE, QUOTE_TABLE, WORD_TABLE)
GIN_INDEXES = ("search_pg_article_vector", "search_pg_article_persons", "search_pg_quote_vector")


def table_bytes(cursor) -> int:
    """The tables' size on disk, their indexes and TOAST included."""
    cursor.execute(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
        "WHERE c.relname = ANY(%s) AND c.relkind = 'r'",
        [list(TABLES)],
    )
    return int(cursor.fetchone()[0])


def count_words(cursor) -> None:
    """The word table counted afresh from the stored rows."""
    cursor.execute(f"DELETE FROM {WORD_TABLE}")
    cursor.execute(
        f"INSERT INTO {WORD_TABLE} (word, stories) "
        f"SELECT w, count(*) FROM ({documents.ROW_WORDS}) r "
        f"WHERE w ~ '{WORD_PATTERN}' GROUP BY w"
    )


def rebuild(progress=None) -> RebuildReport:
    """Write every published article's rows again (``progress(n)``: told of each chunk of
    ``n`` articles written)."""
    started = time.monotonic()
    articles = 0
    ids = source.published_ids()
    with transaction.atomic(), connection.cursor() as cursor:
        # DELETE, not TRUNCATE: searches go on reading the old rows until the commit.
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")
        for _chunk, rows, quote_rows in documents.iter_params(ids):
            if rows:
                cursor.executemany(documents.UPSERT_ARTICLE, rows)
            if quote_rows:
                cursor.executemany(documents.INSERT_QUOTE, quote_rows)
            articles += len(rows)
            if progress is not None:
                progress(len(rows))
        count_words(cursor)
        size = table_bytes(cursor)
    with connection.cursor() as cursor:
        # The rows just written wait in the GIN indexes' pending lists: until they are
        # merged the planner costs an index scan so high that it reads every vector.
        for index in GIN_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    return RebuildReport(
        articles=articles, seconds=time.monotonic() - started, path=None, size_bytes=size
    )


def check(repair: bool = False) -> CheckReport:
    """Compare the stored rows with the database; with ``repair``, write what differs."""
    expected = documents.db_signatures()
    stored = documents.stored_signatures()
    report = CheckReport(indexed=len(stored), published=len(expected))
    report.missing = set(expected) - set(stored)
    report.extra = set(stored) - set(expected)
    report.stale = {i for i in set(expected) & set(stored) if expected[i] != stored[i]}
    if repair and not report.ok:
        documents.write(report.to_fix())
        report.repaired = True
    return report
