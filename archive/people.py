"""Resolving the names a story uses to the archive's Person records.

One person however the stories spell them. A name is matched, in order, by:

1. its normalised key among the names and aliases already in the archive;
2. for a full name, a person with the same surname and a similar given name
   (Antony / Anthony), or the same given name and a surname one or two letters off
   (Zelensky / Zelenskyy, Macon / Macron) — see ``ingest.people.same_person``;
3. for a surname alone, the one person in the archive with that surname.

Otherwise a new Person is made. A person first seen under a surname alone takes the
full name when a story gives it. Every new spelling becomes an Alias, so a curator's
merges and aliases steer later imports. The archive's names are loaded once per
resolver (one query), so resolving costs no query per name on the hot path, and the
near-spelling look-up goes through a deletion index (the surnames left after deleting
one or two letters), so it costs the same with 100 people or 100,000.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .bulk import RowInserter
from .ingest.people import KnownNames, PersonMention, name_key, same_person, similar_surname
from .models import Alias, Person, free_slug

MIN_FUZZY = 5  # shorter surnames only match exactly (see ``similar_surname``)
# new spellings, as (person id, name, key): a spelling already saved is skipped
ALIAS_ROWS = RowInserter(Alias, ("person_id", "name", "key"), ignore_conflicts=True)
PERSON_ROW = RowInserter(Person)


def _deletions(word: str, depth: int) -> set[str]:
    """``word`` and every string made from it by deleting up to ``depth`` letters."""
    out = {word}
    layer = {word}
    for _ in range(depth):
        # the first letter stays: near spellings must share it (``similar_surname``)
        layer = {w[:i] + w[i + 1 :] for w in layer for i in range(1, len(w))}
        out |= layer
    return out


class PersonResolver:
    """Finds or creates people for a batch, with the archive's names held in memory."""

    def __init__(self):
        self._by_key: dict[str, Person] | None = None
        self._by_surname: dict[str, set[int]] = {}
        self._people: dict[int, Person] = {}
        self._forms: dict[int, set[str]] = {}
        self._known = KnownNames()
        # deletion variant -> the surname (or tuple of surnames) it comes from
        self._near: dict[str, str | tuple[str, ...]] = {}

    def forget(self):
        """Drop what is held in memory (after a rollback): the next use reloads it."""
        self.__init__()

    def _load(self):
        if self._by_key is not None:
            return
        self._by_key = {}
        self._slugs: set[str] = set()
        for person in Person.objects.all():
            self._slugs.add(person.slug)
            self._add(person, person.name)
        for alias in Alias.objects.all().only("person_id", "name", "key"):
            person = self._people.get(alias.person_id)
            if person is not None:
                self._add(person, alias.name, alias.key)

    def _add(self, person: Person, form: str, key: str | None = None):
        key = key or name_key(form)
        if not key:
            return
        self._people[person.pk] = person
        self._by_key.setdefault(key, person)
        forms = self._forms.setdefault(person.pk, set())
        if form not in forms:
            forms.add(form)
            self._known.add(form)
        surname = key.rsplit(" ", 1)[-1]
        if surname not in self._by_surname:
            self._by_surname[surname] = set()
            if len(surname) >= MIN_FUZZY:
                for variant in _deletions(surname, 2):
                    held = self._near.get(variant)
                    if held is None:
                        self._near[variant] = surname
                    elif isinstance(held, str):
                        self._near[variant] = (held, surname)
                    else:
                        self._near[variant] = (*held, surname)
        self._by_surname[surname].add(person.pk)

    def known_names(self) -> KnownNames:
        """The archive's names, for ``pipeline.extract(known=...)``; kept up to date."""
        self._load()
        return self._known

    def _similar_surnames(self, surname: str) -> set[str]:
        """Surnames in the archive one or two letters off ``surname`` (not itself)."""
        if len(surname) < MIN_FUZZY:
            return set()
        found = set()
        for variant in _deletions(surname, 2):
            held = self._near.get(variant)
            if isinstance(held, str):
                found.add(held)
            elif held:
                found.update(held)
        found.discard(surname)
        return {other for other in found if similar_surname(other, surname)}

    def _match(self, form: str) -> Person | None:
        key = name_key(form)
        person = self._by_key.get(key)
        if person is not None:
            return person
        words = key.split()
        if not words:
            return None
        surname = words[-1]
        candidates = set(self._by_surname.get(surname, set()))
        if len(words) == 1:
            return self._people[next(iter(candidates))] if len(candidates) == 1 else None
        for other in self._similar_surnames(surname):
            candidates |= self._by_surname[other]
        matches = [
            self._people[pk]
            for pk in sorted(candidates)
            if any(len(f.split()) > 1 and same_person(form, f) for f in self._forms[pk])
        ]
        if matches:
            return matches[0]
        # A person known only by this surname so far.
        alone = [pk for pk in candidates if all(len(f.split()) == 1 for f in self._forms[pk])]
        if len(alone) == 1 and name_key(self._people[alone[0]].name) == surname:
            return self._people[alone[0]]
        return None

    def _create(self, name: str) -> Person:
        """A new Person, its slug chosen from the slugs held in memory (no look-up query).

        Another process may have taken the slug meanwhile (its INSERT fails, in a savepoint
        of its own): the person holding it is this one when the names agree (made by the
        other process from the same name), else the slugs are read again for a free one."""
        slug = free_slug(name, self._slugs)
        try:
            with transaction.atomic():
                person = PERSON_ROW.save_new(Person(name=name, slug=slug))
        except IntegrityError:
            held = Person.objects.filter(slug=slug).first()
            if held is not None and name_key(held.name) == name_key(name):
                self._slugs.add(slug)
                return held
            # (only those slugs: the others' people are not held here, and a slug held
            # without its person would give that person's name a second one)
            taken = set(Person.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
            person = PERSON_ROW.save_new(
                Person(name=name, slug=free_slug(name, self._slugs | taken))
            )
        self._slugs.add(person.slug)
        return person

    def resolve(self, mention: PersonMention, new_aliases: list | None = None) -> Person:
        """The Person for ``mention``, created with its aliases when the archive has none.

        New aliases are saved at once, or appended to ``new_aliases`` as (person id, name,
        key) for the caller to save with ``ALIAS_ROWS`` in one query with the rest of its
        story's.
        """
        self._load()
        forms = [mention.name, *sorted(mention.aliases)]
        person = None
        for form in forms:
            person = self._match(form)
            if person:
                break
        if person is None:
            person = self._create(mention.name)
        elif len(mention.name.split()) > len(person.name.split()):
            # First seen as a bare surname ("Putin"); the story gives the full name.
            person.name = mention.name
            person.save(update_fields=["name"])
        new = []
        for form in forms:
            key = name_key(form)
            if key and form not in self._forms.get(person.pk, set()):
                if key not in {name_key(f) for f in self._forms.get(person.pk, set())}:
                    new.append((person.pk, form, key))
                self._add(person, form, key)
        if person.pk not in self._forms or mention.name not in self._forms[person.pk]:
            self._add(person, mention.name)
        if new_aliases is not None:
            new_aliases.extend(new)
        elif new:
            ALIAS_ROWS.insert(new)
        return person
