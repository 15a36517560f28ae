"""Resolving the names a story uses to the archive's Person records.

A wrong link is worse than a missing one. A story's person is linked to a person of the
archive only by a full name (given name and surname):

1. its normalised key among the full names and full-name aliases already in the archive;
2. a close spelling of it: the same surname and a similar given name (Antony / Anthony),
   or the same given name and a surname one or two letters off (Zelensky / Zelenskyy,
   Macon / Macron), with the same suffix (Jr., III) and no different middle name (see
   ``ingest.people.same_person``); when two people of the archive fit, neither is taken.

Middle names keep people apart: a name whose middle names or initials contradict any full
name the person has ("George H. W. Bush" for a George W. Bush also called "George Bush")
never links to them, nor is it added as their alias; a name without middle names that two
people told apart by theirs fit ("George Bush") is linked to neither and no new person is
made for it (it is left for a curator), nor for the plural of a full name the archive has
("Mike Pences" beside Mike Pence). A name without middle names agrees with one that has
them: "Donald Trump" is "Donald J. Trump" (not "Donald Trump Jr.": suffixes differ).

Never by a surname alone, never across different given names (Eric / Erica Garner). A
person a story names only by a surname ("Obama") is not linked to anybody: the story's
quotes keep the name as a label. Otherwise a new Person is made.

The name shown is the most common full name among the person's mentions (``Mention.name``,
the name each story gives them; the shorter, then the first alphabetically, on a tie), so
it does not depend on the order stories arrive in, and one story never renames a person
others have named. A name a curator set (one that is not the most common name when the
archive is loaded) is left alone.

Every new spelling becomes an Alias, so a curator's merges and aliases steer later
imports. The archive's names are loaded once per resolver (one query each for people,
aliases and name counts), so resolving costs no query per name on the hot path, and the
near-spelling look-up goes through a deletion index (the surnames left after deleting
one or two letters), so it costs the same with 100 people or 100,000.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count

from .bulk import RowInserter
from .ingest.namekeys import (
    KnownNames,
    middles_differ,
    name_key,
    name_parts,
    plural_key,
    same_person,
    similar_surname,
)
from .ingest.people import PersonMention
from .models import Alias, Mention, Person, free_slug, sort_key

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


def best_name(counts: dict[str, int]) -> str | None:
    """The most common full name of ``counts`` (name -> stories), the one with fewer
    words, then the first alphabetically, on a tie."""
    full = [name for name in counts if len(name.split()) > 1]
    if not full:
        return None
    return min(full, key=lambda name: (-counts[name], len(name.split()), name))


def _full(form: str) -> bool:
    return len(name_key(form).split()) > 1


class PersonResolver:
    """Finds or creates people for a batch, with the archive's names held in memory."""

    def __init__(self, *, savepoints: bool = True):
        # whether a new person is saved in a savepoint of its own (see ``_create``)
        self.savepoints = savepoints
        self._by_key: dict[str, Person] | None = None
        self._by_surname: dict[str, set[int]] = {}
        self._people: dict[int, Person] = {}
        self._forms: dict[int, set[str]] = {}
        self._known = KnownNames()
        # deletion variant -> the surname (or tuple of surnames) it comes from
        self._near: dict[str, str | tuple[str, ...]] = {}
        # person id -> {name a story gave them: stories}
        self._counts: dict[int, dict[str, int]] = {}
        self._curated: set[int] = set()  # people whose name a curator set
        # whether the last ``resolve`` found its person by a close spelling only
        self.last_near = False

    def forget(self):
        """Drop what is held in memory (after a rollback): the next use reloads it."""
        self.__init__(savepoints=self.savepoints)

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
        rows = (
            Mention.objects.exclude(name="")
            .values_list("person_id", "name")
            .annotate(n=Count("id"))
            .order_by()
        )
        for person_id, name, n in rows:
            self._counts.setdefault(person_id, {})[name] = n
        for pk, person in self._people.items():
            best = best_name(self._counts.get(pk, {}))
            if best is not None and best != person.name:
                self._curated.add(pk)

    def _add(self, person: Person, form: str, key: str | None = None):
        key = key or name_key(form)
        if not key:
            return
        self._people[person.pk] = person
        forms = self._forms.setdefault(person.pk, set())
        if form not in forms:
            forms.add(form)
            self._known.add(form)
        if " " not in key:
            return  # a surname alone links nobody
        self._by_key.setdefault(key, person)
        surname = name_parts(form)[2] or key.rsplit(" ", 1)[-1]
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

    def _fits(self, form: str, pk: int) -> bool:
        """Whether ``form`` is a spelling of one of the person's full names and contradicts
        the middle names of none ("George H. W. Bush" never fits a George W. Bush, even
        through the bare "George Bush" he is also called)."""
        full = [f for f in self._forms[pk] if _full(f)]
        return any(same_person(form, f, initials=False) for f in full) and not any(
            middles_differ(form, f) for f in full
        )

    def _fitting(self, form: str) -> list[int]:
        """The people of the archive ``form`` (a full name) fits (``_fits``), in id order."""
        surname = name_parts(form)[2]
        if not surname:
            return []
        candidates = set(self._by_surname.get(surname, set()))
        for other in self._similar_surnames(surname):
            candidates |= self._by_surname[other]
        return [pk for pk in sorted(candidates) if self._fits(form, pk)]

    def _held_apart(self, form: str, people: list[int]) -> bool:
        """Whether ``form``, a name without middle names, fits two of ``people`` whose middle
        names tell them apart (George W. and George H. W. Bush for "George Bush")."""
        if name_parts(form)[1] or len(people) < 2:
            return False
        named = {
            pk: [f for f in self._forms[pk] if _full(f) and same_person(form, f, initials=False)]
            for pk in people
        }
        return any(
            middles_differ(f, g)
            for i, p in enumerate(people)
            for q in people[i + 1 :]
            for f in named[p]
            for g in named[q]
        )

    def _match(self, form: str) -> Person | None:
        """The one person of the archive ``form`` (a full name) names, or None.

        A name without middle names that two people told apart by theirs fit ("George
        Bush") names neither, even when it is one's alias, unless it is the name one of them
        goes by: "Paul Ryan" names the Paul Ryan known by that name, not a Paul S. Ryan of
        one story (the Speaker's "Paul D. Ryan" would otherwise hold them apart)."""
        key = name_key(form)
        person = self._by_key.get(key)
        if person is not None:
            if name_parts(form)[1] or name_key(person.name) == key:
                return person
            fitting = self._fitting(form)
            if person.pk not in fitting:
                fitting.append(person.pk)
            return None if self._held_apart(form, fitting) else person
        matches = self._fitting(form)
        if len(matches) == 1:
            return self._people[matches[0]]
        return None  # nobody, or two people it could be

    def _create(self, name: str) -> Person:
        """A new Person, its slug chosen from the slugs held in memory (no look-up query).

        Another process may have taken the slug meanwhile (its INSERT fails, in a savepoint
        of its own): the person holding it is this one when the names agree (made by the
        other process from the same name), else the slugs are read again for a free one.
        Without ``savepoints`` the failed INSERT fails the caller's savepoint instead (the
        importer on SQLite: see ``importer.Importer``)."""
        slug = free_slug(name, self._slugs)
        if not self.savepoints:
            person = PERSON_ROW.save_new(Person(name=name, slug=slug, sort_name=sort_key(name)))
            self._slugs.add(person.slug)
            return person
        try:
            with transaction.atomic():
                person = PERSON_ROW.save_new(Person(name=name, slug=slug, sort_name=sort_key(name)))
        except IntegrityError:
            held = Person.objects.filter(slug=slug).first()
            if held is not None and name_key(held.name) == name_key(name):
                self._slugs.add(slug)
                return held
            # (only those slugs: the others' people are not held here, and a slug held
            # without its person would give that person's name a second one)
            taken = set(Person.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
            person = PERSON_ROW.save_new(
                Person(
                    name=name,
                    slug=free_slug(name, self._slugs | taken),
                    sort_name=sort_key(name),
                )
            )
        self._slugs.add(person.slug)
        return person

    def resolve(self, mention: PersonMention, new_aliases: list | None = None) -> Person | None:
        """The Person for ``mention``, created with its aliases when the archive has none;
        None when the story gives no full name for them, or only one without middle names
        that two people of the archive told apart by theirs fit ("George Bush").

        New aliases are saved at once, or appended to ``new_aliases`` as (person id, name,
        key) for the caller to save with ``ALIAS_ROWS`` in one query with the rest of its
        story's.
        """
        self._load()
        self.last_near = False
        if not _full(mention.name):
            return None
        forms = [mention.name, *sorted(f for f in mention.aliases if _full(f))]
        person = None
        for form in forms:
            person = self._match(form)
            if person and not any(
                middles_differ(f, g) for f in forms for g in self._forms[person.pk] if _full(g)
            ):
                break  # (not when another of the story's forms contradicts the person's)
            person = None
        self.last_near = person is not None and self._by_key.get(name_key(form)) is not person
        if person is None:
            if self._held_apart(mention.name, self._fitting(mention.name)):
                return None  # "George Bush" with George W. and H. W. in the archive
            if (
                mention.count == 1
                and not mention.aliases
                and plural_key(name_key(mention.name), self._by_key)
            ):
                # "the Mike Pences of the world", once, with Mike Pence in the archive: nobody.
                # A name the story uses again, or also by its surname, is a person's own
                # (Mark Meadows beside a Mark Meadow, Chris Evans beside a Chris Evan).
                return None
            person = self._create(mention.name)
        self.count(person, mention.name)
        new = []
        for form in [mention.name, *sorted(mention.aliases)]:
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

    def uncount(self, person_id: int, name: str) -> None:
        """One story fewer giving the person ``name`` (its mentions are about to be
        replaced): the name shown is chosen again when the story's people are resolved."""
        self._load()
        counts = self._counts.get(person_id, {})
        if counts.get(name, 0) > 0:
            counts[name] -= 1

    def count(self, person: Person, name: str) -> None:
        """One more story giving ``person`` the name ``name``: the name shown becomes the
        most common one (unless a curator set it)."""
        counts = self._counts.setdefault(person.pk, {})
        counts[name] = counts.get(name, 0) + 1
        if person.pk in self._curated:
            return
        best = best_name(counts)
        if best is not None and best != person.name:
            person.name = best
            person.save(update_fields=["name"])
