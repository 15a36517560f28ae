"""Cursor (keyset) pagination: a list is read from where the last page ended, through an
index, never by an offset; the cost of a page does not grow with its depth.

A cursor is opaque to clients: the last row's sort key (``(published, id)`` of a story,
``(sort name, name, id)`` of a person ...) as base64 JSON with the kind of list it is
for. A cursor that is not one of ours is a 400, never a 500."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from urllib.parse import urlencode

from django.db.models import Q
from ninja.errors import HttpError

from ..models import Article

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_CHARS = 300

BAD_CURSOR = "This cursor cannot be read: use the next link of a previous page as it is."


def encode(kind: str, *values) -> str:
    """The cursor after a row whose sort key is ``values`` (dates, ints, strings, None)."""
    plain = [v.isoformat() if isinstance(v, datetime.date) else v for v in values]
    raw = json.dumps([kind, *plain], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, kind: str, types: tuple) -> tuple:
    """The sort key in ``cursor``, each value of its type in ``types`` (``datetime.date``,
    ``int``, ``str``; a date may be None); a bad cursor is a 400 with ``BAD_CURSOR``."""
    try:
        if len(cursor) > MAX_CURSOR_CHARS:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(raw.decode())
        if not isinstance(found, list) or len(found) != len(types) + 1 or found[0] != kind:
            raise ValueError("not this list's")
        values = []
        for value, kind_of in zip(found[1:], types, strict=True):
            if kind_of is datetime.date:
                values.append(None if value is None else datetime.date.fromisoformat(value))
            elif _of_type(value, kind_of):
                values.append(value)
            else:
                raise ValueError("a value of another type")
        return tuple(values)
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        raise HttpError(400, BAD_CURSOR) from None


def _of_type(value, kind_of) -> bool:
    if kind_of is int:  # JSON's true and false are not ids
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind_of)


def next_link(request, cursor: str | None) -> str | None:
    """The absolute URL of the next page: this request's parameters with ``cursor``."""
    if cursor is None:
        return None
    items = [(k, v) for k, values in request.GET.lists() for v in values if k != "cursor"]
    items.append(("cursor", cursor))
    return request.build_absolute_uri(f"{request.path}?{urlencode(items)}")


def newest_first(keys, after, limit, *, key="id"):
    """The next ``limit`` + 1 published stories of ``keys`` newest first, undated last,
    after the sort key ``after`` (``(published, id)``; None for the first page).

    ``keys`` are rows with a ``published`` date and the story's id in ``key``: the stories
    themselves, or a person's mentions (which copy their story's date). The dated and the
    undated rows are read apart, each in the order of an index (``(…, published, id)`` and
    ``id``), as ``archive.pagination.NewestFirst`` does, and the page's stories by primary
    key in the same query: one query a page, two where the dated rows end."""
    stories = []
    if after is None or after[0] is not None:
        dated = keys.filter(published__isnull=False)
        if after is not None:
            published, pk = after
            dated = dated.filter(
                Q(published__lt=published) | Q(published=published, **{f"{key}__lt": pk})
            )
        ids = dated.order_by("-published", f"-{key}").values(key)[: limit + 1]
        stories = _published(ids, ("-published", "-id"))
    if len(stories) <= limit:
        undated = keys.filter(published__isnull=True)
        if after is not None and after[0] is None:
            undated = undated.filter(**{f"{key}__lt": after[1]})
        ids = undated.order_by(f"-{key}").values(key)[: limit + 1 - len(stories)]
        stories += _published(ids, ("-id",))
    return stories


def _published(ids, order):
    found = Article.objects.filter(pk__in=ids).for_list().order_by(*order)
    return [a for a in found if a.status == Article.Status.PUBLISHED]


def page_of(rows, limit, kind, sort_key):
    """``(rows of the page, cursor of the next page or None)`` from ``limit`` + 1 rows read;
    ``sort_key(row)`` is the tuple a cursor holds."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode(kind, *sort_key(rows[-1]))
