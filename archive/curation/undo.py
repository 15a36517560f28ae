"""Undoing a bulk change or a merge made today, as a whole, recorded like any change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .. import history
from ..models import (
    Alias,
    Article,
    ChangeRecord,
    Mention,
    Outlet,
    Person,
    Quote,
    SlugRedirect,
    sort_key,
)
from ..signals import send_after_commit
from .common import CurationError

UNDOABLE_ACTIONS = ("bulk", "merge")
UNDO_PREFIX = "undo:"  # the operation of an undo's own records: "undo:<the undone operation>"


@dataclass
class UndoResult:
    """An undone operation: what it was and the articles it touched again."""

    action: str
    names: list[str]
    article_ids: list[int] = field(default_factory=list)

    def summary(self):
        if self.action == "bulk":
            return f"Undid the bulk change of {len(self.names)} stories."
        return f"Undid the merge: {', '.join(self.names)} split back out."


def undo_records(operation: str) -> list[ChangeRecord]:
    """The change records of ``operation`` if it can be undone now; else ``CurationError``.

    Only a bulk action or a merge, only on the day it was made, only once, and only while
    nothing it touched has changed since.
    """
    records = list(
        ChangeRecord.objects.filter(operation=operation)
        .exclude(operation="")
        .select_related("content_type")
        .order_by("id")
    )
    if not records or operation.startswith(UNDO_PREFIX):
        raise CurationError("There is no such change to undo.")
    if records[0].action not in UNDOABLE_ACTIONS:
        raise CurationError("Only bulk actions and merges can be undone.")
    if ChangeRecord.objects.filter(operation=UNDO_PREFIX + operation).exists():
        raise CurationError("This change has already been undone.")
    made = timezone.localdate(records[0].created)
    if made != timezone.localdate():
        raise CurationError(
            f"Only changes made today can be undone; this one was made on {made.isoformat()}."
        )
    last = max(r.pk for r in records)
    # In the objects' order, so that the one named is the same on every database.
    for entry in sorted(records, key=lambda r: (r.content_type_id, _as_number(r.object_id))):
        later = ChangeRecord.objects.filter(
            content_type_id=entry.content_type_id, object_id=entry.object_id, pk__gt=last
        )
        if later.exists():
            raise _changed_since(entry.object_repr)
    return records


@transaction.atomic
def undo_operation(operation: str, *, user=None) -> UndoResult:
    """Undo a bulk action or a merge (see ``undo_records``) in one transaction, recorded."""
    records = undo_records(operation)
    # Lock the operation's records: two curators undoing at once undo it once.
    list(ChangeRecord.objects.select_for_update().filter(pk__in=[r.pk for r in records]))
    if ChangeRecord.objects.filter(operation=UNDO_PREFIX + operation).exists():
        raise CurationError("This change has already been undone.")
    if records[0].action == "bulk":
        return _undo_bulk(records, operation, user)
    if records[0].content_type.model == "person":
        return _undo_merge_people(records[0], operation, user)
    return _undo_merge_outlets(records[0], operation, user)


def _as_number(object_id: str):
    """An object id for sorting: a number when it is one (ids are text in change records)."""
    return (0, int(object_id), "") if object_id.isdigit() else (1, 0, object_id)


def _changed_since(name):
    return CurationError(f"“{name}” has changed since; the change cannot be undone.")


def _undo_bulk(records, operation, user):
    by_id = {int(r.object_id): r for r in records}
    articles = list(
        Article.objects.filter(pk__in=by_id)
        .select_related("outlet")
        .select_for_update(of=("self",))
    )
    if len(articles) != len(by_id):
        raise CurationError("Some of the stories no longer exist; the change cannot be undone.")
    entries = []
    for article in sorted(articles, key=lambda a: a.pk):
        entry = by_id[article.pk]
        changes = {}
        for name, (before, after) in entry.changes.items():
            if history.field_value(article, name) != after:
                raise _changed_since(article.title)
            changes[name] = [after, before]
            if name == "outlet":
                article.outlet_id = entry.undo.get("outlet_id")
            elif name == "published":
                article.published = dt.date.fromisoformat(before) if before else None
            else:
                setattr(article, name, before)
        entries.append((article, changes))
    fields = sorted({name for r in records for name in r.changes})
    Article.objects.bulk_update(articles, fields, batch_size=500)
    ids = sorted(by_id)
    Article.objects.filter(pk__in=ids).update(updated=timezone.now())
    history.record_many(
        entries, user=user, action="undo", operation=UNDO_PREFIX + operation, message="Undo"
    )
    send_after_commit(ids)
    return UndoResult("bulk", [a.title for a in articles], ids)


def _restore_redirects(kind, slugs, before):
    SlugRedirect.objects.filter(kind=kind).filter(
        Q(old_slug__in=slugs) | Q(pk__in=[r["id"] for r in before])
    ).delete()
    SlugRedirect.objects.bulk_create(SlugRedirect(kind=kind, **row) for row in before)


def _undo_merge_people(entry, operation, user):
    undo = entry.undo
    keep = Person.objects.select_for_update().filter(pk=entry.object_id).first()
    if keep is None or not undo.get("people"):
        raise CurationError("This merge cannot be undone: the kept person no longer exists.")
    people = undo["people"]
    ids = [p["id"] for p in people]
    if Person.objects.filter(Q(pk__in=ids) | Q(slug__in=[p["slug"] for p in people])).exists():
        raise _changed_since(keep.name)
    moved_mentions = dict(undo["mentions_moved"])
    merged = undo["mentions_merged"]
    quotes = dict(undo["quotes"])
    moved_aliases = dict(undo["aliases_moved"])
    stays = [
        (Mention, [*moved_mentions, *(m["into"] for m in merged)], "person_id"),
        (Quote, list(quotes), "speaker_id"),
        (Alias, [*moved_aliases, *undo["aliases_created"]], "person_id"),
    ]
    for model, pks, column in stays:
        if model.objects.filter(pk__in=pks, **{column: keep.pk}).count() != len(set(pks)):
            raise _changed_since(keep.name)
    renamed = undo.get("renamed")
    if renamed:  # the merge set the kept person's name: it gets its name before back
        before, after = renamed["name"]
        if keep.name != after:
            raise _changed_since(keep.name)
        if renamed["alias"]:
            Alias.objects.filter(pk=renamed["alias"], person=keep).delete()
        Person.objects.filter(pk=keep.pk).update(name=before, sort_name=sort_key(before))
        keep.name = before
    Person.objects.bulk_create(
        Person(id=p["id"], name=p["name"], slug=p["slug"], sort_name=sort_key(p["name"]))
        for p in people
    )
    Alias.objects.filter(pk__in=undo["aliases_created"]).delete()
    for pk, person_id in moved_aliases.items():
        Alias.objects.filter(pk=pk).update(person_id=person_id)
    Alias.objects.bulk_create(
        Alias(id=a["id"], person_id=a["person"], name=a["name"], key=a["key"])
        for a in undo["aliases_deleted"]
    )
    for pk, person_id in moved_mentions.items():
        Mention.objects.filter(pk=pk).update(person_id=person_id)
    for m in merged:
        Mention.objects.filter(pk=m["into"]).update(count=F("count") - m["count"])
    Mention.objects.bulk_create(
        Mention(
            id=m["id"],
            article_id=m["article"],
            person_id=m["person"],
            count=m["count"],
            name=m["name"],
        )
        for m in merged
    )
    for pk, person_id in quotes.items():
        Quote.objects.filter(pk=pk).update(speaker_id=person_id)
    _restore_redirects("person", [p["slug"] for p in people], undo["redirects"])
    return _record_undone_merge(keep, Person, people, undo["article_ids"], operation, user)


def _undo_merge_outlets(entry, operation, user):
    undo = entry.undo
    keep = Outlet.objects.select_for_update().filter(pk=entry.object_id).first()
    if keep is None or not undo.get("outlets"):
        raise CurationError("This merge cannot be undone: the kept outlet no longer exists.")
    outlets = undo["outlets"]
    taken = Q(pk__in=[o["id"] for o in outlets]) | Q(slug__in=[o["slug"] for o in outlets])
    if Outlet.objects.filter(taken | Q(name__in=[o["name"] for o in outlets])).exists():
        raise _changed_since(keep.name)
    rows = {pk: (outlet_id, curated) for pk, outlet_id, curated in undo["articles"]}
    articles = list(Article.objects.select_for_update().filter(pk__in=rows, outlet=keep))
    if len(articles) != len(rows):
        raise _changed_since(keep.name)
    Outlet.objects.bulk_create(
        Outlet(id=o["id"], name=o["name"], slug=o["slug"], homepage=o["homepage"]) for o in outlets
    )
    for article in articles:
        article.outlet_id, article.curated_fields = rows[article.pk]
    Article.objects.bulk_update(articles, ["outlet", "curated_fields"], batch_size=500)
    _restore_redirects("outlet", [o["slug"] for o in outlets], undo["redirects"])
    return _record_undone_merge(keep, Outlet, outlets, sorted(rows), operation, user)


def _record_undone_merge(keep, model, rows, article_ids, operation, user):
    result = UndoResult("merge", [row["name"] for row in rows], article_ids)
    message = result.summary()
    history.record(
        keep,
        user=user,
        action="undo",
        changes={"merged": [None, [f"{r['name']} ({r['slug']})" for r in rows]]},
        message=message,
        operation=UNDO_PREFIX + operation,
    )
    for obj in model.objects.filter(pk__in=[row["id"] for row in rows]).order_by("pk"):
        history.record(
            obj,
            user=user,
            action="undo",
            changes={"name": [None, obj.name]},
            message=message,
            operation=UNDO_PREFIX + operation,
        )
    send_after_commit(article_ids)
    return result
