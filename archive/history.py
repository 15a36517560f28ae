"""Curator history: who changed what and when, with the values before and after.

Every curation service and admin save writes ``ChangeRecord`` rows through these helpers;
the admin's history page of each object shows them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import ChangeRecord

MAX_VALUE_CHARS = 20_000  # a whole body fits; a runaway value does not bloat the table


def display_value(value):
    """A JSON-friendly, human-readable form of a field value."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [display_value(v) for v in value]
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def field_value(obj, name):
    """The displayable value of field ``name`` on ``obj`` (related objects by their name)."""
    return display_value(getattr(obj, name, None))


def diff(before, after, fields: Iterable[str]) -> dict:
    """``{field: [old, new]}`` for the fields whose value differs between two instances."""
    changes = {}
    for name in fields:
        old, new = field_value(before, name), field_value(after, name)
        if old != new:
            changes[name] = [old, new]
    return changes


def new_operation() -> str:
    """A token shared by the change records of one operation (see ``ChangeRecord.operation``)."""
    return uuid.uuid4().hex


def _record(obj, *, user, action, changes=None, message="", operation="", undo=None):
    return ChangeRecord(
        user=user if getattr(user, "pk", None) else None,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action[:20],
        changes=changes or {},
        message=message[:500],
        operation=operation,
        undo=undo or {},
    )


def record(obj, *, user=None, action="change", changes=None, message="", operation="", undo=None):
    """Record one change of ``obj``; returns the saved ``ChangeRecord``."""
    entry = _record(
        obj,
        user=user,
        action=action,
        changes=changes,
        message=message,
        operation=operation,
        undo=undo,
    )
    entry.save()
    return entry


def record_many(entries: Iterable[tuple], *, user=None, action="bulk", message="", operation=""):
    """Record changes of many objects at once: ``entries`` are (obj, changes) pairs, or
    (obj, changes, undo) triples when undoing needs more than the changes."""
    rows = [
        _record(
            obj,
            user=user,
            action=action,
            changes=changes,
            message=message,
            operation=operation,
            undo=extra[0] if extra else None,
        )
        for obj, changes, *extra in entries
    ]
    return ChangeRecord.objects.bulk_create(rows)


def records_for(obj):
    """The change records of ``obj``, newest first, with their users."""
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).select_related("user")
