"""Resolving the names a story uses to the archive's Person records.

One person however the stories spell them: a name is looked up by its normalised key
among the names and aliases already in the archive before a new Person is made.
"""

from __future__ import annotations

from .ingest.people import PersonMention, name_key
from .models import Alias, Person


class PersonResolver:
    """Finds or creates people for a batch, caching what it has looked up."""

    def __init__(self):
        self._cache: dict[str, Person] = {}

    def _lookup(self, key: str) -> Person | None:
        if key in self._cache:
            return self._cache[key]
        alias = Alias.objects.select_related("person").filter(key=key).order_by("id").first()
        person = alias.person if alias else None
        if person:
            self._cache[key] = person
        return person

    def resolve(self, mention: PersonMention) -> Person:
        """The Person for ``mention``, created with its aliases when the archive has none."""
        forms = [mention.name, *sorted(mention.aliases)]
        keys = [name_key(form) for form in forms]
        person = None
        for key in keys:
            person = self._lookup(key)
            if person:
                break
        if person is None:
            person = Person.objects.create(name=mention.name)
        for form, key in zip(forms, keys, strict=True):
            if key and key not in self._cache:
                Alias.objects.get_or_create(person=person, key=key, defaults={"name": form})
                self._cache[key] = person
        return person
