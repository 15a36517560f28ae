"""Curation services: the corrections a curator makes, each one transaction with a result.

The admin only calls these. Every service records what it changed (``archive.history``)
and tells the search index about the articles it touched (``send_after_commit``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from . import history
from .ingest import readers
from .ingest.people import name_key
from .ingest.readers import normalise_text
from .models import (
    Alias,
    Article,
    ChangeRecord,
    Mention,
    Outlet,
    Person,
    Quote,
    SlugRedirect,
    UnresolvedName,
    sort_key,
)
from .people import best_name
from .reextract import ReextractResult, reextract_articles
from .signals import send_after_commit
from .stats import refresh_person_counts

# What a curator can mark as curated: the extracted fields plus the people and quotes.
CURATABLE_FIELDS = (*Article.EXTRACTED_FIELDS, "mentions", "quotes")

# The permissions of the "Curators" group: everything curation needs, nothing about users.
CURATORS_GROUP = "Curators"
CURATOR_PERMISSIONS = (
    *(
        f"archive.{action}_{model}"
        for model in ("article", "quote", "mention", "person", "alias", "outlet")
        for action in ("view", "add", "change", "delete")
    ),
    "archive.view_importbatch",
    "archive.add_importbatch",
    "archive.view_changerecord",
    "archive.view_unresolvedname",
    "archive.change_unresolvedname",
    "archive.delete_unresolvedname",
)


class CurationError(Exception):
    """A correction that cannot be made as asked; the message says why."""


# --- curated fields ---------------------------------------------------------------------


def curated_after_edit(current: list[str], changed: list[str]) -> list[str]:
    """``current`` plus the curatable fields in ``changed``, in a stable order."""
    wanted = set(current) | {name for name in changed if name in CURATABLE_FIELDS}
    return [name for name in CURATABLE_FIELDS if name in wanted]


@transaction.atomic
def mark_curated(article: Article, fields, *, user=None) -> list[str]:
    """Mark ``fields`` of ``article`` as curated; returns the fields newly marked."""
    unknown = sorted(set(fields) - set(CURATABLE_FIELDS))
    if unknown:
        raise CurationError(f"Not a curatable field: {', '.join(unknown)}")
    before = list(article.curated_fields or [])
    after = curated_after_edit(before, fields)
    added = [name for name in after if name not in before]
    if added:
        article.curated_fields = after
        Article.objects.filter(pk=article.pk).update(curated_fields=after)
        history.record(
            article, user=user, action="curate", changes={"curated_fields": [before, after]}
        )
    return added


@transaction.atomic
def forget_curation(articles, *, user=None, fields=None) -> int:
    """Un-mark ``fields`` (all when None) as curated on ``articles``; returns how many changed."""
    entries = []
    changed = []
    for article in articles:
        before = list(article.curated_fields or [])
        after = [] if fields is None else [name for name in before if name not in set(fields)]
        if after != before:
            article.curated_fields = after
            changed.append(article)
            entries.append((article, {"curated_fields": [before, after]}))
    Article.objects.bulk_update(changed, ["curated_fields"], batch_size=500)
    history.record_many(entries, user=user, action="uncurate")
    return len(changed)


# --- the admin's own edits and re-extraction -----------------------------------------------


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


# --- people and outlets --------------------------------------------------------------------


@dataclass
class MergeResult:
    """A merge: the kept record, the merged names and what moved."""

    kept: Person | Outlet
    merged: list[str]
    mentions_moved: int = 0
    quotes_moved: int = 0
    aliases_moved: int = 0
    articles_moved: int = 0
    article_ids: list[int] = field(default_factory=list)
    operation: str = ""  # the change record's token, for ``undo_operation``

    def summary(self):
        parts = [f"Merged {', '.join(self.merged)} into {self.kept}"]
        if isinstance(self.kept, Person):
            parts.append(
                f"{self.mentions_moved} mentions, {self.quotes_moved} quotes and "
                f"{self.aliases_moved} aliases moved"
            )
        else:
            parts.append(f"{self.articles_moved} articles moved")
        return ": ".join(parts) + "."


def _redirect(kind, old_slugs, new_slug):
    """Point ``old_slugs`` (and anything that pointed at them) at ``new_slug``."""
    SlugRedirect.objects.filter(kind=kind, new_slug__in=old_slugs).update(new_slug=new_slug)
    SlugRedirect.objects.filter(kind=kind, old_slug=new_slug).delete()  # it lives again
    for old in old_slugs:
        SlugRedirect.objects.update_or_create(
            kind=kind, old_slug=old, defaults={"new_slug": new_slug}
        )


def _redirects_before(kind, old_slugs, new_slug):
    """The redirects ``_redirect`` is about to change, as they are (for undo)."""
    return list(
        SlugRedirect.objects.filter(kind=kind)
        .filter(Q(new_slug__in=old_slugs) | Q(old_slug__in=[*old_slugs, new_slug]))
        .values("id", "old_slug", "new_slug")
    )


def _others(model, keep, others):
    others = [o for o in others if o.pk != keep.pk]
    if not others:
        raise CurationError(f"Choose at least two {model._meta.verbose_name_plural} to merge.")
    ids = [o.pk for o in others]
    # Lock the rows so that a concurrent import cannot attach to a record being merged away.
    locked = list(model.objects.select_for_update().filter(pk__in=[keep.pk, *ids]))
    if len(locked) != len(ids) + 1:
        raise CurationError(f"Some {model._meta.verbose_name_plural} no longer exist.")
    return others, ids


@transaction.atomic
def merge_people(keep: Person, others, *, user=None, name: str = "") -> MergeResult:
    """Move every mention, quote and alias of ``others`` onto ``keep`` and delete them.

    The merged names stay as aliases of ``keep`` (so the importer finds ``keep`` for them)
    and the merged people's URLs redirect to ``keep``'s. ``name``, when given, becomes the
    kept person's name (a name a curator set, which imports leave alone); the name it
    replaces stays an alias.
    """
    name = " ".join((name or "").split())[:200]
    if name and not name_key(name):
        raise CurationError("A name needs at least one letter or digit.")
    others, ids = _others(Person, keep, others)
    result = MergeResult(keep, [o.name for o in others])
    renamed = None
    alias_for_old_name = None
    if name and name != keep.name:
        renamed = [keep.name, name]
        if not Alias.objects.filter(person=keep, key=name_key(keep.name)).exists():
            alias_for_old_name = Alias.objects.create(
                person=keep, name=keep.name, key=name_key(keep.name)
            ).pk
        keep.name = name
        Person.objects.filter(pk=keep.pk).update(name=name, sort_name=sort_key(name))
    touched = set()
    undo = {
        "people": [{"id": o.pk, "name": o.name, "slug": o.slug} for o in others],
        "redirects": _redirects_before("person", [o.slug for o in others], keep.slug),
        "mentions_moved": [],
        "mentions_merged": [],
        "quotes": list(Quote.objects.filter(speaker_id__in=ids).values_list("id", "speaker_id")),
        "aliases_moved": [],
        "aliases_deleted": [],
        "aliases_created": [],
    }

    by_article = {m.article_id: m for m in Mention.objects.filter(person=keep)}
    duplicates, moved = [], []
    for mention in Mention.objects.filter(person_id__in=ids).order_by("id"):
        touched.add(mention.article_id)
        if mention.article_id in by_article:
            target = by_article[mention.article_id]
            undo["mentions_merged"].append(
                {
                    "id": mention.pk,
                    "article": mention.article_id,
                    "person": mention.person_id,
                    "count": mention.count,
                    "name": mention.name,
                    "into": target.pk,
                }
            )
            target.count += mention.count
            if target not in moved:
                moved.append(target)
            duplicates.append(mention.pk)
        else:
            undo["mentions_moved"].append([mention.pk, mention.person_id])
            mention.person = keep
            by_article[mention.article_id] = mention
            moved.append(mention)
        result.mentions_moved += 1
    Mention.objects.filter(pk__in=duplicates).delete()
    Mention.objects.bulk_update(moved, ["person", "count"], batch_size=500)

    quotes = Quote.objects.filter(speaker_id__in=ids)
    touched.update(quotes.values_list("article_id", flat=True))
    result.quotes_moved = quotes.update(speaker=keep)
    UnresolvedName.objects.filter(person_id__in=ids).update(person=keep)

    keys = set(Alias.objects.filter(person=keep).values_list("key", flat=True))
    keys.add(name_key(keep.name))
    for alias in Alias.objects.filter(person_id__in=ids).order_by("id"):
        if alias.key in keys:
            undo["aliases_deleted"].append(
                {"id": alias.pk, "person": alias.person_id, "name": alias.name, "key": alias.key}
            )
            alias.delete()
        else:
            undo["aliases_moved"].append([alias.pk, alias.person_id])
            Alias.objects.filter(pk=alias.pk).update(person=keep)
            keys.add(alias.key)
            result.aliases_moved += 1
    for other in others:
        key = name_key(other.name)
        if key and key not in keys:
            created = Alias.objects.create(person=keep, name=other.name, key=key)
            undo["aliases_created"].append(created.pk)
            keys.add(key)
            result.aliases_moved += 1
    if not Alias.objects.filter(person=keep, key=name_key(keep.name)).exists():
        created = Alias.objects.create(person=keep, name=keep.name, key=name_key(keep.name))
        undo["aliases_created"].append(created.pk)

    slugs = [o.slug for o in others]
    Person.objects.filter(pk__in=ids).delete()
    _redirect("person", slugs, keep.slug)
    result.article_ids = sorted(touched)
    undo["article_ids"] = result.article_ids
    if renamed:  # what undoing the merge gives back: the kept person's name before it
        undo["renamed"] = {"name": renamed, "alias": alias_for_old_name}
    changes = {"merged": [[f"{o.name} ({o.slug})" for o in others], None]}
    if renamed:
        changes["name"] = renamed
    result.operation = history.new_operation()
    history.record(
        keep,
        user=user,
        action="merge",
        changes=changes,
        message=result.summary(),
        operation=result.operation,
        undo=undo,
    )
    send_after_commit(result.article_ids)
    return result


@transaction.atomic
def merge_outlets(keep: Outlet, others, *, user=None) -> MergeResult:
    """Move every article of ``others`` to ``keep``, delete them and redirect their URLs.

    The moved articles' outlet is marked as curated, so re-extraction does not bring the
    merged outlet back from the story text.
    """
    others, ids = _others(Outlet, keep, others)
    result = MergeResult(keep, [o.name for o in others])
    articles = list(
        Article.objects.filter(outlet_id__in=ids).only("id", "outlet_id", "curated_fields")
    )
    undo = {
        "outlets": [
            {"id": o.pk, "name": o.name, "slug": o.slug, "homepage": o.homepage} for o in others
        ],
        "redirects": _redirects_before("outlet", [o.slug for o in others], keep.slug),
        "articles": [[a.pk, a.outlet_id, list(a.curated_fields or [])] for a in articles],
    }
    for article in articles:
        article.outlet = keep
        article.curated_fields = curated_after_edit(article.curated_fields or [], ["outlet"])
    Article.objects.bulk_update(articles, ["outlet", "curated_fields"], batch_size=500)
    result.articles_moved = len(articles)
    result.article_ids = [a.pk for a in articles]
    slugs = [o.slug for o in others]
    Outlet.objects.filter(pk__in=ids).delete()
    _redirect("outlet", slugs, keep.slug)
    result.operation = history.new_operation()
    history.record(
        keep,
        user=user,
        action="merge",
        changes={"merged": [[f"{o.name} ({o.slug})" for o in others], None]},
        message=result.summary(),
        operation=result.operation,
        undo=undo,
    )
    send_after_commit(result.article_ids)
    return result


@dataclass
class SplitResult:
    """An alias split out into its own person, with what moved to them."""

    person: Person
    previous: Person
    mentions_moved: int = 0
    mentions_shared: int = 0
    quotes_moved: int = 0
    article_ids: list[int] = field(default_factory=list)

    def summary(self):
        return (
            f"Split {self.person.name} out of {self.previous.name}: "
            f"{self.quotes_moved} quotes and {self.mentions_moved} mentions moved, "
            f"{self.mentions_shared} stories name both."
        )


def name_pattern(name):
    """``name`` as a whole word or words, in any case."""
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.I)


def name_parts(text: str, name: str) -> list[tuple[str, bool]]:
    """``text`` cut around each use of ``name``: ``[(part, is_the_name)]``, in order."""
    parts, last = [], 0
    for found in name_pattern(name).finditer(text):
        parts += [(text[last : found.start()], False), (found[0], True)]
        last = found.end()
    return [*parts, (text[last:], False)]


@transaction.atomic
def split_alias(alias: Alias, *, user=None) -> SplitResult:
    """Make ``alias`` a person of its own, taking the quotes and mentions that use its name.

    A quote moves when its speaker label uses the alias's name and none of the person's
    other names. A story's mention moves when the story uses only the alias's name; when it
    uses both, both people are mentioned (the new one as often as the alias occurs).
    Names contained in the alias ("Macron" in "Brigitte Macron") do not count as other names.
    """
    alias = Alias.objects.select_related("person").select_for_update().get(pk=alias.pk)
    previous = alias.person
    if alias.key == name_key(previous.name):
        raise CurationError(
            f"“{alias.name}” is {previous.name}’s own name; rename the person instead."
        )
    person = Person.objects.create(name=alias.name)
    Alias.objects.filter(pk=alias.pk).update(person=person)
    SlugRedirect.objects.filter(kind="person", old_slug=person.slug).delete()
    result = SplitResult(person, previous)

    own = name_pattern(alias.name)
    others = [
        name_pattern(name)
        for name in {previous.name, *previous.aliases.values_list("name", flat=True)}
        if name and not name_pattern(name).search(alias.name)
    ]

    def uses_only_alias(text):
        return bool(own.search(text)) and not any(p.search(text) for p in others)

    moving = [q.pk for q in previous.quotes.all() if uses_only_alias(q.speaker_label or "")]
    touched = set(Quote.objects.filter(pk__in=moving).values_list("article_id", flat=True))
    result.quotes_moved = Quote.objects.filter(pk__in=moving).update(speaker=person)

    new_mentions, moved = [], []
    for mention in previous.mentions.select_related("article"):
        article = mention.article
        text = "\n".join([article.title, article.standfirst, article.body])
        occurrences = len(own.findall(text))
        if not occurrences:
            continue
        touched.add(article.pk)
        if any(p.search(text) for p in others):
            new_mentions.append(Mention(article=article, person=person, count=occurrences))
            result.mentions_shared += 1
        else:
            moved.append(mention.pk)
    result.mentions_moved = Mention.objects.filter(pk__in=moved).update(person=person)
    Mention.objects.bulk_create(new_mentions)
    # The stories' people are recounted once the change commits; the person the mentions
    # left is no longer among them.
    refresh_person_counts([previous.pk])
    result.article_ids = sorted(touched)
    message = result.summary()
    history.record(
        previous,
        user=user,
        action="split",
        changes={"aliases": [alias.name, None]},
        message=message,
    )
    history.record(
        person, user=user, action="split", changes={"name": [None, person.name]}, message=message
    )
    send_after_commit(result.article_ids)
    return result


def _mention_names(person: Person) -> dict[str, int]:
    """The full names the stories give ``person`` (``Mention.name``), each with its stories."""
    return dict(
        Mention.objects.filter(person=person)
        .exclude(name="")
        .order_by()
        .values_list("name")
        .annotate(n=Count("id"))
    )


def name_form_counts(person: Person) -> list[tuple[str, int]]:
    """Every name ``person`` goes by with the number of stories giving it (``Mention.name``),
    most stories first, then the aliases no story gives them (0), by name."""
    counts = _mention_names(person)
    for alias in person.aliases.values_list("name", flat=True):
        counts.setdefault(alias, 0)
    counts.setdefault(person.name, 0)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# --- names left unresolved ------------------------------------------------------------------

CONTEXT_CHARS = 300  # longest context sentence shown in the queue
MAX_CANDIDATES = 8  # people offered for one name
# a sentence ends after . ! ? … ” and spaces, but not after a title or an initial ("Mr. Trump")
_SENTENCE_END = re.compile(
    r"(?<=[.!?…”])"
    + "".join(
        rf"(?<!\b{abbr}\.)"
        for abbr in ("Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Sen", "Rep", "Gov", "Gen", "Pres")
    )
    + r"(?<!\b[A-Z]\.)\s+|\n+"
)


def context_sentence(article: Article, name: str) -> str:
    """The first sentence of ``article`` (headline, standfirst, body) using ``name``, or ""."""
    pattern = name_pattern(name)
    for text in (article.title, article.standfirst, article.body):
        for sentence in _SENTENCE_END.split(text or ""):
            found = pattern.search(sentence)
            if found:
                sentence = sentence.strip()
                if len(sentence) <= CONTEXT_CHARS:
                    return sentence
                start = max(
                    0, min(found.start() - CONTEXT_CHARS // 2, len(sentence) - CONTEXT_CHARS)
                )
                return "…" + sentence[start : start + CONTEXT_CHARS].strip() + "…"
    return ""


def unresolved_candidates(unresolved: UnresolvedName) -> list[Person]:
    """The people ``unresolved`` may name: the people of its story whose surname it is
    (most mentioned first), then the people of the archive with that surname (by name),
    at most ``MAX_CANDIDATES``; the people of the story named otherwise come last."""
    key = name_key(unresolved.name)
    surname = key.rsplit(" ", 1)[-1] if key else ""
    in_story = list(
        Person.objects.filter(mentions__article_id=unresolved.article_id).order_by(
            "-mentions__count", "name", "pk"
        )
    )

    def has_surname(person, keys):
        return bool(surname) and any(k.endswith(" " + surname) for k in keys)

    story_keys = {}
    for person_id, alias_key in Alias.objects.filter(person__in=in_story).values_list(
        "person_id", "key"
    ):
        story_keys.setdefault(person_id, set()).add(alias_key)
    first = [p for p in in_story if has_surname(p, {name_key(p.name), *story_keys.get(p.pk, ())})]
    chosen = {p.pk for p in first}
    archive = []
    if surname:
        ids = set(
            Alias.objects.filter(key__endswith=" " + surname).values_list("person_id", flat=True)
        )
        archive = [
            p
            for p in Person.objects.filter(pk__in=ids).order_by("name", "pk")[:MAX_CANDIDATES]
            if p.pk not in chosen
        ]
    rest = [p for p in in_story if p.pk not in chosen]
    found = [p for p in first + archive + rest if p.pk != unresolved.person_id]
    return found[:MAX_CANDIDATES]


@dataclass
class LinkResult:
    """An unresolved name linked to a person: who, in which story, and what moved."""

    person: Person
    name: str
    article: Article
    created: bool = False
    quotes_linked: int = 0
    confirmed: bool = False  # the importer's link by a close spelling stands

    def summary(self):
        if self.confirmed:
            return f"Confirmed “{self.name}” in “{self.article.title}” as {self.person.name}."
        made = " (new person)" if self.created else ""
        return (
            f"Linked “{self.name}” in “{self.article.title}” to {self.person.name}{made}: "
            f"{self.quotes_linked} quotes linked."
        )


def _lock_unresolved(unresolved) -> UnresolvedName:
    locked = (
        UnresolvedName.objects.select_related("article")
        .select_for_update(of=("self",))
        .filter(pk=unresolved.pk)
        .first()
    )
    if locked is None:
        raise CurationError("That name has already been dealt with.")
    return locked


def _link(unresolved: UnresolvedName, person: Person, *, user, created: bool) -> LinkResult:
    article = unresolved.article
    result = LinkResult(person, unresolved.name, article, created=created)
    key = name_key(unresolved.name)
    count, quotes, touched_people = unresolved.count, [], [person.pk]
    previous = unresolved.person  # linked by a close spelling: the story's mention moves
    if previous is not None and previous.pk != person.pk:
        touched_people.append(previous.pk)
        old = Mention.objects.filter(article=article, person=previous).first()
        if old is not None:
            count = old.count
            old.delete()
        quotes = list(article.quotes.filter(speaker=previous).values_list("pk", flat=True))
        if name_key(previous.name) == key:
            # shown under the spelling that was not theirs: back to their most common name
            counts = _mention_names(previous)
            best = best_name(counts)
            if best and name_key(best) != key:
                history.record(
                    previous, user=user, action="change", changes={"name": [previous.name, best]}
                )
                previous.name = best
                Person.objects.filter(pk=previous.pk).update(name=best, sort_name=sort_key(best))
        # the spelling is not the previous person's any more: later imports follow
        spelling = Alias.objects.filter(person=previous, key=key).first()
        if spelling is not None and key != name_key(previous.name):
            if Alias.objects.filter(person=person, key=key).exists():
                spelling.delete()
            else:
                Alias.objects.filter(pk=spelling.pk).update(person=person)
    mention = Mention.objects.filter(article=article, person=person).first()
    if previous is not None and previous.pk == person.pk:
        result.confirmed = True  # the link stands as the importer made it
    elif mention is None:
        Mention.objects.create(
            article=article,
            person=person,
            count=count,
            name=unresolved.name,
            published=article.published,
            is_published=article.is_published,
            outlet_id=article.outlet_id,
        )
    else:
        Mention.objects.filter(pk=mention.pk).update(count=mention.count + count)
    if previous is None:
        quotes = [
            q.pk
            for q in article.quotes.filter(speaker__isnull=True).only("pk", "speaker_label")
            if name_key(q.speaker_label or "") == key
        ]
    result.quotes_linked = Quote.objects.filter(pk__in=quotes).update(speaker=person)
    UnresolvedName.objects.filter(pk=unresolved.pk).delete()
    # a curator's link: re-extraction keeps the story's people (and quotes) as they are now
    before = list(article.curated_fields or [])
    after = curated_after_edit(before, ["mentions", *(["quotes"] if quotes else [])])
    changes = {
        "mentions": [previous.name if previous else None, f"{unresolved.name} → {person.name}"]
    }
    if after != before:
        Article.objects.filter(pk=article.pk).update(curated_fields=after)
        article.curated_fields = after
        changes["curated_fields"] = [before, after]
    refresh_person_counts(touched_people)
    history.record(article, user=user, action="link", changes=changes, message=result.summary())
    send_after_commit([article.pk])
    return result


@transaction.atomic
def link_unresolved(unresolved: UnresolvedName, person: Person, *, user=None) -> LinkResult:
    """Link the name ``unresolved`` to ``person`` in its story: the story mentions them
    (as often as the name occurs), its quotes whose speaker is that name and nobody get
    them as speaker, the name leaves the queue, and the story's people (and quotes, when
    some were linked) are marked as curated so that re-extraction keeps the link."""
    unresolved = _lock_unresolved(unresolved)
    locked = Person.objects.select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise CurationError("That person no longer exists.")
    return _link(unresolved, locked, user=user, created=False)


@transaction.atomic
def new_person_for_unresolved(unresolved: UnresolvedName, name: str, *, user=None) -> LinkResult:
    """A new person named ``name`` (their full name), linked to ``unresolved`` as by
    ``link_unresolved``. A name the archive already has is refused: link to them instead."""
    name = " ".join((name or "").split())[:200]
    key = name_key(name)
    if not key:
        raise CurationError("A name needs at least one letter or digit.")
    unresolved = _lock_unresolved(unresolved)
    # the close spelling the importer gave the person it linked is theirs no longer
    aliases = Alias.objects.filter(key=key).select_related("person")
    if unresolved.person_id is not None and key == name_key(unresolved.name):
        aliases = aliases.exclude(person_id=unresolved.person_id)
    existing = aliases.first()
    existing = existing.person if existing else None
    if existing is None:
        existing = (
            Person.objects.filter(name__iexact=name)
            .exclude(pk=unresolved.person_id if key == name_key(unresolved.name) else None)
            .first()
        )
    if existing is not None:
        raise CurationError(f"{existing.name} is already in the archive; link to them instead.")
    person = Person.objects.create(name=name)
    Alias.objects.create(person=person, name=name, key=key)
    SlugRedirect.objects.filter(kind="person", old_slug=person.slug).delete()
    history.record(person, user=user, action="add", changes={"name": [None, name]})
    return _link(unresolved, person, user=user, created=True)


@transaction.atomic
def dismiss_unresolved(unresolved: UnresolvedName, *, user=None) -> str:
    """Take ``unresolved`` off the queue without linking it (not a person, or nobody the
    archive should know); recorded on its story. Returns the name."""
    unresolved = _lock_unresolved(unresolved)
    UnresolvedName.objects.filter(pk=unresolved.pk).delete()
    history.record(
        unresolved.article,
        user=user,
        action="dismiss",
        changes={"unresolved": [unresolved.name, None]},
        message=f"“{unresolved.name}” left unlinked.",
    )
    return unresolved.name


# --- the Curators group --------------------------------------------------------------------


def ensure_curators_group():
    """The "Curators" group with exactly ``CURATOR_PERMISSIONS`` (created or repaired)."""
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    wanted = [name.split(".", 1) for name in CURATOR_PERMISSIONS]
    perms = Permission.objects.filter(
        content_type__app_label="archive", codename__in=[codename for _, codename in wanted]
    )
    group.permissions.set(perms)
    return group


# --- the raw input as the reader read it ---------------------------------------------------


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


# --- undo ----------------------------------------------------------------------------------

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
