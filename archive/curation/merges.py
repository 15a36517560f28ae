"""People and outlets: merging several into one (old addresses redirected), splitting an
alias out into a person of its own, the names a person's stories give them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q

from .. import history
from ..ingest.people import name_key
from ..models import (
    Alias,
    Article,
    Mention,
    Outlet,
    Person,
    Quote,
    SlugRedirect,
    UnresolvedName,
    sort_key,
)
from ..signals import send_after_commit
from ..stats import refresh_person_counts
from .common import CurationError, curated_after_edit


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


def mention_names(person: Person) -> dict[str, int]:
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
    counts = mention_names(person)
    for alias in person.aliases.values_list("name", flat=True):
        counts.setdefault(alias, 0)
    counts.setdefault(person.name, 0)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
