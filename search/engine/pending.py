"""What the index still owes the database: the ``PendingWrite`` records.

An import records its chunk's articles in the chunk's transaction; the index write after
the commit takes them (and a share of older ones) along and clears them; a write that
fails records its articles with the reason. ``check_index --repair`` takes the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import contextmanager, suppress

from django.db import DatabaseError, transaction

from .. import source
from . import index

log = logging.getLogger(__name__)

LEGACY_FILE = "pending-ids"  # in the index root: where an older version kept them

PENDING_TAKEN = 2000  # pending articles a write takes along at most


@contextmanager
def _pending_table():
    """The ``PendingWrite`` table, in a savepoint inside a caller's transaction (a failed
    statement must not break it); database errors are logged, never raised: the index
    must not fail what the database did."""
    try:
        with transaction.atomic():
            yield _pending_model()
    except DatabaseError as exc:
        log.error("search index: the pending articles could not be read or written: %s", exc)


def _pending_model():
    from ..models import PendingWrite

    return PendingWrite


def add_pending(ids: Iterable[int], reason: str = "", *, renew: bool = False) -> None:
    """Record ``ids`` as owed to the index (``reason``: why their write failed).

    ``renew``: a change about to commit; records of the same ids are made anew, later
    than a write running meanwhile has read (``clear_pending`` drops records up to the
    last it read: it may have read the articles before this change)."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return
    with _pending_table() as pending:
        inserter = _PENDING_ROWS.get("rows")
        if inserter is None:
            inserter = _PENDING_ROWS["rows"] = source.row_inserter(
                pending, ("article_id", "reason"), ignore_conflicts=True
            )
        for start in range(0, len(ids), PENDING_TAKEN):
            part = ids[start : start + PENDING_TAKEN]
            if renew:
                pending.objects.filter(article_id__in=part).delete()
            elif reason:
                pending.objects.filter(article_id__in=part).update(reason=reason[:300])
            inserter.insert((i, reason[:300]) for i in part)


_PENDING_ROWS: dict = {}


def _legacy_pending() -> set[int]:
    """Ids of the ``pending-ids`` file an older version kept in the index directory
    (moved into the table on the first write that reads them)."""
    try:
        text = (index.index_root() / LEGACY_FILE).read_text()
    except OSError:
        return set()
    return {int(line) for line in text.split() if line.strip().isdigit()}


def pending_ids() -> set[int]:
    """Ids owed to the index: recorded by a chunk not yet written, or whose write failed."""
    ids: set[int] = set()
    with _pending_table() as pending:
        ids = set(pending.objects.values_list("article_id", flat=True))
    return ids | _legacy_pending()


def pending_reasons(ids: Iterable[int]) -> dict[int, str]:
    """{id: why its write failed} for those of ``ids`` still owed to the index."""
    ids = sorted({int(i) for i in ids})
    found: dict[int, str] = {}
    with _pending_table() as pending:
        for start in range(0, len(ids), PENDING_TAKEN):
            part = ids[start : start + PENDING_TAKEN]
            found.update(
                pending.objects.filter(article_id__in=part).values_list("article_id", "reason")
            )
    return found


def take_pending(limit: int = PENDING_TAKEN) -> tuple[set[int], int]:
    """Up to ``limit`` pending ids (the oldest), and the highest row id at the time: rows
    recorded after it stay for a later write (the database may have changed since)."""
    ids: set[int] = set()
    top = 0
    with _pending_table() as pending:
        top = pending.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if top:
            rows = pending.objects.order_by("id").values_list("article_id", flat=True)
            ids = set(rows[:limit])
    legacy = _legacy_pending()
    if legacy:
        add_pending(legacy)
        with suppress(OSError):
            (index.index_root() / LEGACY_FILE).unlink()
    return ids | legacy, top


def clear_pending(ids: Iterable[int] | None, upto: int | None = None) -> None:
    """``ids`` are written (None: every article, by a rebuild): drop their records, those
    up to row ``upto`` (later ones were recorded after the write read the database)."""
    with _pending_table() as pending:
        rows = pending.objects.all()
        if upto is not None:
            rows = rows.filter(id__lte=upto)
        if ids is None:
            rows.delete()
            return
        ids = sorted({int(i) for i in ids})
        for start in range(0, len(ids), PENDING_TAKEN):
            rows.filter(article_id__in=ids[start : start + PENDING_TAKEN]).delete()


def pending_top() -> int:
    """The highest pending row id now (for ``clear_pending(None, upto=...)``)."""
    top = 0
    with _pending_table() as pending:
        top = pending.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return top
