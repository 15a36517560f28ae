"""Inserting many small rows without a model instance each.

An import writes about fifty rows a story (mentions, quotes, aliases, band keys).
``bulk_create`` builds a model instance for each and prepares every value of every field
through the ORM's generic machinery: at 100,000 stories, more time than the database
spends storing them. ``RowInserter`` writes plain tuples with one ``executemany`` per
batch instead, and ``insert_one`` one row returning its primary key. Values of text,
number, boolean and key fields are stored as given; dates and JSON go through their
field's ``get_db_prep_save``; every other concrete field gets its model default,
prepared once. No ``save()`` method runs and no signal is sent, as with ``bulk_create``.

A large import into SQLite also leaves out, while it writes, the indexes it never reads
(``indexes_deferred``): see ``DEFERRED_INDEXES``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.apps import apps
from django.db import connections, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

log = logging.getLogger(__name__)

BATCH = 500  # rows per executemany
# Field types whose Python values the database drivers store as they are.
PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


class RowInserter:
    """INSERTs of ``model`` rows given as tuples of ``fields`` (attribute names)."""

    def __init__(
        self, model, fields: Sequence[str] | None = None, *, ignore_conflicts: bool = False
    ):
        """``fields``: None for every concrete field but the primary key (which may be
        named, for a primary key that is not generated, such as a one-to-one key)."""
        self.model = model
        concrete = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key or (fields is not None and f.attname in fields)
        ]
        self.fields = tuple(f.attname for f in concrete) if fields is None else tuple(fields)
        self.ignore_conflicts = ignore_conflicts
        unknown = set(self.fields) - {f.attname for f in concrete}
        if unknown:
            raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
        for f in concrete:
            if f.attname not in self.fields and (
                getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            ):
                raise ValueError(f"{model.__name__}.{f.attname} needs a value of its own")
        # given fields first, in the caller's order, then the defaulted ones
        self.defaulted = [f for f in concrete if f.attname not in self.fields]
        by_name = {f.attname: f for f in concrete}
        self.given = [by_name[name] for name in self.fields]
        self.prepared = [n for n, f in enumerate(self.given) if f.get_internal_type() not in PLAIN]
        self.columns = [by_name[name].column for name in self.fields] + [
            f.column for f in self.defaulted
        ]
        self._sql: dict[str, str] = {}
        self._defaults: dict[str, tuple] = {}

    def _prepared(self, connection) -> tuple[str, tuple]:
        alias = connection.alias
        if alias not in self._sql:
            ops, qn = connection.ops, connection.ops.quote_name
            conflict = OnConflict.IGNORE if self.ignore_conflicts else None
            sql = "{} {} ({}) VALUES ({})".format(
                ops.insert_statement(on_conflict=conflict),
                qn(self.model._meta.db_table),
                ", ".join(qn(c) for c in self.columns),
                ", ".join(["%s"] * len(self.columns)),
            )
            suffix = ops.on_conflict_suffix_sql(self.fields, conflict, None, None)
            self._sql[alias] = f"{sql} {suffix}".strip()
            self._defaults[alias] = tuple(
                f.get_db_prep_save(f.get_default(), connection) for f in self.defaulted
            )
        return self._sql[alias], self._defaults[alias]

    def _values(self, row, defaults, connection) -> tuple:
        if self.prepared:
            row = list(row)
            for n in self.prepared:
                row[n] = self.given[n].get_db_prep_save(row[n], connection)
        return (*row, *defaults) if defaults else tuple(row)

    def insert(self, rows: Iterable[tuple], using: str = "default") -> int:
        """Insert ``rows`` (tuples in the order of ``fields``); returns how many were sent."""
        connection = connections[using]
        sql, defaults = self._prepared(connection)
        sent = 0
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(self._values(row, defaults, connection))
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    sent += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                sent += len(batch)
        return sent

    def insert_one(self, row: tuple, using: str = "default") -> int:
        """Insert one row (a tuple in the order of ``fields``) and return its primary key."""
        connection = connections[using]
        sql, defaults = self._prepared(connection)
        values = self._values(row, defaults, connection)
        with connection.cursor() as cursor:
            if connection.features.can_return_columns_from_insert:
                pk = connection.ops.quote_name(self.model._meta.pk.column)
                cursor.execute(f"{sql} RETURNING {pk}", values)
                return cursor.fetchone()[0]
            cursor.execute(sql, values)
            return cursor.lastrowid

    def save_new(self, obj, using: str = "default"):
        """Insert the new model instance ``obj`` (as ``Model.save`` would, without its
        ``save()`` method and signals): its ``auto_now`` fields are set, and its key."""
        now = None
        for f in self.given:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                now = now or timezone.now()
                setattr(obj, f.attname, now)
        obj.pk = self.insert_one(tuple(getattr(obj, name) for name in self.fields), using)
        obj._state.adding, obj._state.db = False, using
        return obj


# Indexes of the rows an import adds that the import itself never reads: the pages,
# the admin and the curators' tools do. Every story adds entries all over them (a
# person's, a speaker's, a date's), and each commit writes every page it touched: at
# 95,000 stories, 5,000 more took 20.2-20.9 s to save without them against 23.1-23.2 s
# with them, and building the eight afresh over 100,000 stories takes about 5 s.
DEFERRED_INDEXES = {
    "mention": ("mention_person_idx", "mention_person_pub_idx"),
    "quote": ("quote_speaker_idx", "quote_latest_idx", "quote_speaker_latest_idx"),
    "article": ("article_status_pub_idx", "article_outlet_pub_idx", "article_published_idx"),
}


def _deferred() -> Iterator[tuple]:
    """(model, ``Index``) of each of ``DEFERRED_INDEXES``."""
    for model_name, names in DEFERRED_INDEXES.items():
        model = apps.get_model("archive", model_name)
        by_name = {index.name: index for index in model._meta.indexes}
        for name in names:
            yield model, by_name[name]


def missing_indexes(using: str = "default") -> list[str]:
    """Names of the deferred indexes that the database lacks (its tables exist), sorted."""
    connection = connections[using]
    missing = []
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        present: dict[str, set] = {}
        for model, index in _deferred():
            table = model._meta.db_table
            if table not in tables:
                continue  # not migrated yet
            if table not in present:
                present[table] = set(connection.introspection.get_constraints(cursor, table))
            if index.name not in present[table]:
                missing.append(index.name)
    return sorted(missing)


def _alter(using: str, create: Iterable[str] = (), drop: Iterable[str] = ()) -> None:
    """Create and drop deferred indexes by name, in one transaction. The statements come
    from the schema editor, not run through it: on SQLite, leaving it checks every
    foreign key of the database (seconds at 100,000 stories)."""
    connection = connections[using]
    create, drop = set(create), set(drop)
    named = create | drop
    editor = connection.schema_editor()
    editor.deferred_sql = []  # what entering it would set up; the statements are only built
    qn = connection.ops.quote_name
    # IF (NOT) EXISTS: another import (a bulk run beside this one) may have dropped or
    # built the same index since this one looked.
    statements = [
        str(index.create_sql(model, editor)).replace(
            "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1
        )
        if index.name in create
        else f"DROP INDEX IF EXISTS {qn(index.name)}"
        for model, index in _deferred()
        if index.name in named
    ]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def restore_indexes(using: str = "default", only: set[str] | None = None) -> list[str]:
    """Create the deferred indexes the database lacks (after an import that was stopped
    while it wrote without them), or those of them in ``only``; returns their names."""
    missing = [name for name in missing_indexes(using) if only is None or name in only]
    if missing:
        _alter(using, create=missing)
        log.warning(
            "recreated indexes missing since a bulk import (stopped, or still running): %s",
            ", ".join(missing),
        )
    return missing


@contextmanager
def indexes_deferred(enabled: bool, using: str = "default"):
    """Inside the block, the ``DEFERRED_INDEXES`` are absent; on leaving it, however it
    is left, they are built again over all the rows. Yields whether they were dropped.

    Only on SQLite, and outside a transaction (the caller's rollback would not bring
    them back). Readers meanwhile get the same answers, more slowly for the pages that
    read those indexes. A process killed inside the block leaves them out:
    ``restore_indexes`` (run by the next import and by ``migrate``) builds them.
    """
    connection = connections[using]
    if not enabled or connection.vendor != "sqlite" or connection.in_atomic_block:
        yield False
        return
    names = {index.name for _model, index in _deferred()}
    _alter(using, drop=names.difference(missing_indexes(using)))
    try:
        yield True
    finally:
        _alter(using, create=missing_indexes(using))
