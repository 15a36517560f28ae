"""The PostgreSQL backend: ``search.api``'s calls on the tables of search/pg.

The rows follow the database in its own transactions: ``record`` (an import chunk,
before it commits) and ``changed`` / ``deleted`` (after the commit of any other change:
``search.signals`` hands them over) write them, so a story is found as soon as it is
committed, by every server using the database, with no index of files to share.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from ..backends import SearchBackend
from . import documents, maintain, run, similar


class PostgresBackend(SearchBackend):
    name = "postgres"

    def __init__(self):
        vendor = connections["default"].vendor
        if vendor != "postgresql":
            raise ImproperlyConfigured(
                f"ARCHIVE_SEARCH_BACKEND is 'postgres' but the database is {vendor}: "
                "the PostgreSQL search backend needs DATABASE_URL to name a PostgreSQL "
                "database (use ARCHIVE_SEARCH_BACKEND=whoosh otherwise)."
            )

    def search(self, text, **options):
        return run.run_search(text, **options)

    def article_ids(self, text, limit):
        return run.search_article_ids(text, limit)

    def matches(self, text, **options):
        return run.run_matches(text, **options)

    def day_counts(self, text, **options):
        return run.run_day_counts(text, **options)

    def more_like_this(self, article_id, limit, text=None):
        return similar.more_like_this(article_id, limit, text=text)

    def record(self, ids, copies=()):
        # Inside the import chunk's transaction: the rows commit (or roll back) with it.
        documents.write({*ids, *copies})

    def changed(self, ids):
        ids = set(ids)
        if ids:
            documents.write_changed(ids)

    def deleted(self, ids):
        # One write path: the rows of articles no longer published are removed.
        self.changed(ids)

    def rebuild(self, progress=True, **options):
        return maintain.rebuild(progress=progress if callable(progress) else None)

    def check(self, repair=False):
        return maintain.check(repair=repair)

    def warm_up(self):
        """Nothing to load: PostgreSQL keeps its own caches."""
