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
resolver (one query), so resolving costs no query per name on the hot path.
"""

from __future__ import annotations

from .ingest.people import KnownNames, PersonMention, name_key, same_person, similar_surname
from .models import Alias, Person


class PersonResolver:
    """Finds or creates people for a batch, with the archive's names held in memory."""

    def __init__(self):
        self._by_key: dict[str, Person] | None = None
        self._by_surname: dict[str, set[int]] = {}
        self._people: dict[int, Person] = {}
        self._forms: dict[int, set[str]] = {}
        self._known: KnownNames | None = None

    def _load(self):
        if self._by_key is not None:
            return
        self._by_key = {}
        for person in Person.objects.all():
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
        self._forms.setdefault(person.pk, set()).add(form)
        words = key.split()
        self._by_surname.setdefault(words[-1], set()).add(person.pk)
        self._known = None

    def known_names(self) -> KnownNames:
        """The archive's names, for ``pipeline.extract(known=...)``."""
        self._load()
        if self._known is None:
            self._known = KnownNames.from_names(
                form for forms in self._forms.values() for form in forms
            )
        return self._known

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
        for other, ids in self._by_surname.items():
            if other != surname and similar_surname(other, surname):
                candidates |= ids
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

    def resolve(self, mention: PersonMention) -> Person:
        """The Person for ``mention``, created with its aliases when the archive has none."""
        self._load()
        forms = [mention.name, *sorted(mention.aliases)]
        person = None
        for form in forms:
            person = self._match(form)
            if person:
                break
        if person is None:
            person = Person.objects.create(name=mention.name)
        elif len(mention.name.split()) > len(person.name.split()):
            # First seen as a bare surname ("Putin"); the story gives the full name.
            person.name = mention.name
            person.save(update_fields=["name"])
        new = []
        for form in forms:
            key = name_key(form)
            if key and form not in self._forms.get(person.pk, set()):
                if key not in {name_key(f) for f in self._forms.get(person.pk, set())}:
                    new.append(Alias(person=person, name=form, key=key))
                self._add(person, form, key)
        if person.pk not in self._forms or mention.name not in self._forms[person.pk]:
            self._add(person, mention.name)
        if new:
            Alias.objects.bulk_create(new, ignore_conflicts=True)
        return person
