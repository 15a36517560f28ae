"""Corrections of stories: curated fields, the admin's own edits recorded, re-extraction,
bulk changes from the review queue, a removed line restored, the raw input as read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .. import history
from ..ingest import readers
from ..ingest.readers import normalise_text
from ..models import (
    Article,
)
from ..reextract import ReextractResult, reextract_articles
from ..signals import send_after_commit
from .common import CurationError, curated_after_edit, mark_curated


def record_edit(before, after, fields, *, user=None):
    """Record an admin form's edit of ``after`` (``before``: the row as it was) on the
    fields ``fields`` that differ; nothing when none does. In the admin's transaction."""
    changes = history.diff(before, after, fields)
    if changes:
        history.record(after, user=user, action="change", changes=changes)


def record_added(obj, fields, *, user=None):
    """Record an object the admin added, with the values of ``fields``."""
    changes = {name: [None, history.field_value(obj, name)] for name in fields}
    history.record(obj, user=user, action="add", changes=changes)


def record_deleted(obj, *, user=None, message=""):
    """Record an object the admin is about to delete (the record keeps its name)."""
    history.record(obj, user=user, action="delete", message=message)


def record_deleted_many(objs, *, user=None, message=""):
    """Record the objects a bulk delete is about to remove."""
    history.record_many(((obj, {}) for obj in objs), user=user, action="delete", message=message)


def record_inline_changes(obj, kind, *, deleted, changed, added, user=None, curated=False):
    """Record the rows of ``kind`` ("quotes", "aliases" ...) an admin page changed under
    ``obj``: ``deleted`` and ``added`` their names, ``changed`` (name, fields) pairs.
    ``curated``: ``obj`` is an article whose ``kind`` a curator has now edited, marked
    curated so that re-extraction keeps them."""
    before = [*deleted, *(f"{name} (before)" for name, _ in changed)]
    after = [*added, *(f"{name} ({', '.join(fields)})" for name, fields in changed)]
    history.record(obj, user=user, action="change", changes={kind: [before, after]})
    if curated:
        mark_curated(obj, [kind], user=user)


@dataclass
class ReextractSummary:
    """What re-extracting a curator's selection did."""

    count: int
    result: ReextractResult

    def summary(self):
        return f"Re-extracted {self.count} stories: {self.result.summary_line()}"


def reextract(articles, *, user=None) -> ReextractSummary:
    """Re-run extraction on ``articles`` from their raw input, keeping the fields a curator
    edited (``reextract.reextract_articles``: a transaction per article), and record a
    "reextract" change on each with what happened."""
    articles = Article.objects.filter(pk__in=list(articles.values_list("pk", flat=True)))
    count = articles.count()
    result = reextract_articles(articles)
    history.record_many(
        ((article, {}) for article in articles.only("id", "title")),
        user=user,
        action="reextract",
        message=f"Re-extracted: {result.summary_line()}"[:500],
    )
    return ReextractSummary(count, result)


# --- bulk changes from the review queue ----------------------------------------------------


@dataclass
class BulkResult:
    """What a bulk change did: how many articles changed and their ids."""

    changed: int
    article_ids: list[int] = field(default_factory=list)
    operation: str = ""  # the change records' token, for ``undo_operation``


_UNSET = object()


@transaction.atomic
def set_articles(articles, *, user=None, status=None, outlet=_UNSET, published=_UNSET):
    """Set the status, outlet and/or date of ``articles`` (a queryset) in one statement.

    Outlet and date set by a curator are marked as curated, so re-extraction keeps them.
    Returns a ``BulkResult`` counting only the articles whose values actually changed.
    """
    values = {}
    if status is not None:
        if status not in Article.Status.values:
            raise CurationError(f"Unknown status: {status}")
        values["status"] = status
    if outlet is not _UNSET:
        values["outlet"] = outlet
    if published is not _UNSET:
        values["published"] = published
    if not values:
        return BulkResult(0)
    ids = list(articles.values_list("pk", flat=True))
    targets = list(
        Article.objects.filter(pk__in=ids).select_related("outlet").select_for_update(of=("self",))
    )
    changed, entries = [], []
    for article in targets:
        changes = {}
        before_outlet = article.outlet_id
        for name, value in values.items():
            old = history.field_value(article, name)
            new = history.display_value(value)
            if name == "outlet":
                different = article.outlet_id != (value.pk if value else None)
            else:
                different = getattr(article, name) != value
            if different:
                changes[name] = [old, new]
                setattr(article, name, value)
        if not changes:
            continue
        curated = curated_after_edit(article.curated_fields or [], list(changes))
        if curated != (article.curated_fields or []):
            changes["curated_fields"] = [article.curated_fields or [], curated]
            article.curated_fields = curated
        changed.append(article)
        undo = {"outlet_id": before_outlet} if "outlet" in changes else {}
        entries.append((article, changes, undo))
    Article.objects.bulk_update(changed, [*values, "curated_fields"], batch_size=500)
    ids = [article.pk for article in changed]
    if ids:
        # bulk_update does not touch auto_now fields.
        Article.objects.filter(pk__in=ids).update(updated=timezone.now())
    operation = history.new_operation() if entries else ""
    history.record_many(entries, user=user, action="bulk", operation=operation)
    send_after_commit(ids)
    return BulkResult(len(changed), ids, operation)


# --- removed lines -------------------------------------------------------------------------


@dataclass
class RestoreResult:
    """A removed line put back into the body: its text and paragraph position."""

    article: Article
    text: str
    position: int


def _paragraph_positions(raw_lines: list[str], paragraphs: list[str]) -> list[int]:
    """For each paragraph, the index of the raw line it came from (edited ones inherit)."""
    positions, cursor, last = [], 0, -1
    for paragraph in paragraphs:
        target = paragraph.strip()
        for j in range(cursor, len(raw_lines)):
            if raw_lines[j] == target:
                last, cursor = j, j + 1
                break
        positions.append(last)
    return positions


@transaction.atomic
def restore_removed_line(article: Article, index: int, *, user=None) -> RestoreResult:
    """Put the removed line ``index`` back into the body where it stood in the raw input.

    The line leaves ``removed``, the body is marked as curated (re-extraction would drop
    the line again), and the change is recorded.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    removed = list(article.removed or [])
    entry = next((r for r in removed if r.get("index") == index), None)
    if entry is None:
        raise CurationError(f"No removed line {index} in this story.")
    raw_lines = read_input(article).lines
    paragraphs = article.paragraphs
    positions = _paragraph_positions(raw_lines, paragraphs)
    at = next((i for i, pos in enumerate(positions) if pos > index), len(paragraphs))
    text = entry["text"].strip()
    before_body = article.body
    paragraphs.insert(at, text)
    article.body = "\n\n".join(paragraphs)
    article.removed = [r for r in removed if r is not entry]
    before_curated = list(article.curated_fields or [])
    article.curated_fields = curated_after_edit(before_curated, ["body"])
    article.save(update_fields=["body", "removed", "curated_fields", "word_count", "updated"])
    changes = {"body": [before_body, article.body], "removed": [entry, None]}
    if article.curated_fields != before_curated:
        changes["curated_fields"] = [before_curated, article.curated_fields]
    history.record(
        article,
        user=user,
        action="restore",
        changes=changes,
        message=f"Restored removed line {index} ({entry.get('reason', '')}) as paragraph {at + 1}",
    )
    send_after_commit([article.pk])
    return RestoreResult(article, text, at)


@dataclass
class ReadInput:
    """A story's raw input as its reader read it.

    ``lines`` are the lines the pipeline numbered (``Article.removed`` indexes them): the
    input's own lines for plain text; the headline and then the extracted text, one paragraph
    a line, for HTML, WARC and JSON Lines. For JSON Lines, ``fields`` are the record's other
    fields as read (name, value), ``text_field`` the field the text came from and
    ``text_start`` the index in ``lines`` of the text's first line. ``problem`` says why the
    reader could not read the input again (its lines are then the raw input's own).
    """

    format: str
    lines: list[str]
    fields: list[tuple[str, str]] = field(default_factory=list)
    text_field: str = ""
    text_start: int = 0
    problem: str = ""


def _nonblank_lines(text: str) -> list[str]:
    lines = (line.strip() for line in normalise_text(text or "").split("\n"))
    return [line for line in lines if line]


def _json_value(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def read_input(article: Article) -> ReadInput:
    """Re-read ``article.raw`` with the reader of its format (``raw_story_from_article``)."""
    fmt = article.raw_format or "text"
    if fmt == "text":
        return ReadInput(fmt, _nonblank_lines(article.raw))
    try:
        story = readers.raw_story_from_article(article.raw, fmt, article.source, article.url)
    except readers.ReadError as exc:
        return ReadInput(fmt, _nonblank_lines(article.raw), problem=str(exc))
    result = ReadInput(fmt, _nonblank_lines(story.text))
    if fmt == "jsonl":
        record = json.loads(article.raw)  # the reader has just read it
        result.text_field = next(
            key
            for key in readers.JSONL_FIELDS["text"]
            if readers._field({key: record.get(key)}, "text")
        )
        result.fields = [
            (key, _json_value(value)) for key, value in record.items() if key != result.text_field
        ]
        result.text_start = 1 if story.meta.get("title") else 0
    return result
