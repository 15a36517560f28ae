"""The outlet, person, author and date filters of a search, resolved against the archive
(any backend applies them to its own index)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify

from . import source
from .parse import ParsedQuery


@dataclass
class Filters:
    """Filters resolved against the database, to apply to the index."""

    outlets: list = field(default_factory=list)  # Outlet objects
    persons: list = field(default_factory=list)  # Person objects
    authors: list[str] = field(default_factory=list)  # byline names, slugged
    date_from: date | None = None
    date_to: date | None = None
    unknown: list[str] = field(default_factory=list)  # names that matched nothing

    @property
    def active(self) -> bool:
        return bool(
            self.outlets
            or self.persons
            or self.authors
            or self.date_from
            or self.date_to
            or self.unknown
        )


def resolve_filters(
    parsed: ParsedQuery, outlet_slugs=(), person_slugs=(), date_from=None, date_to=None
):
    """Outlets and people named in the query or chosen in the form (at most 2 queries)."""
    result = Filters(date_from=parsed.date_from or date_from, date_to=parsed.date_to or date_to)
    result.authors = [slugify(name) for name in parsed.authors if slugify(name)]
    outlet_names = [*parsed.outlets, *outlet_slugs]
    if outlet_names:
        found = source.outlets_named(outlet_names, slugify)
        result.outlets = found
        for name in outlet_names:
            if not any(o.slug == slugify(name) or o.name.lower() == name.lower() for o in found):
                result.unknown.append(f"outlet:{name}")
    person_names = [*parsed.persons, *person_slugs]
    if person_names:
        found = source.people_named(person_names, slugify)
        result.persons = found
        if not found:
            result.unknown.extend(f"person:{n}" for n in person_names)
    return result
