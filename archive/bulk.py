"""Inserting many small rows without a model instance each.

An import writes about fifty rows a story (mentions, quotes, aliases, band keys).
``bulk_create`` builds a model instance for each and prepares every value of every field
through the ORM's generic machinery: at 100,000 stories, more time than the database
spends storing them. ``RowInserter`` writes plain tuples with one ``executemany`` per
batch instead. It takes only fields whose values are stored as given (integers, text,
booleans, NULL); every other concrete field gets its model default, prepared once.
No ``post_save`` signal is sent, as with ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections
from django.db.models.constants import OnConflict

BATCH = 500  # rows per executemany


class RowInserter:
    """INSERTs of ``model`` rows given as tuples of ``fields`` (attribute names)."""

    def __init__(self, model, fields: Sequence[str], *, ignore_conflicts: bool = False):
        self.model = model
        self.fields = tuple(fields)
        self.ignore_conflicts = ignore_conflicts
        concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
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

    def insert(self, rows: Iterable[tuple], using: str = "default") -> int:
        """Insert ``rows`` (tuples in the order of ``fields``); returns how many were sent."""
        connection = connections[using]
        sql, defaults = self._prepared(connection)
        sent = 0
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append((*row, *defaults) if defaults else tuple(row))
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    sent += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                sent += len(batch)
        return sent
