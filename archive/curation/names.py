"""The queue of names to resolve: each name in its sentence, the people it may be, and
linking it to one of them, to a new person, or leaving it unlinked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from .. import history
from ..ingest.people import name_key
from ..models import (
    Alias,
    Article,
    Mention,
    Person,
    Quote,
    SlugRedirect,
    UnresolvedName,
    sort_key,
)
from ..people import best_name
from ..signals import send_after_commit
from ..stats import refresh_person_counts
from .common import CurationError, curated_after_edit
from .merges import mention_names, name_pattern

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
            counts = mention_names(previous)
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
