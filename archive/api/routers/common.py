"""What the routers share: the filters' parameters read and checked the same way
everywhere (an outlet or person by slug, a date as the search page takes it)."""

from __future__ import annotations

import datetime

from ninja.errors import HttpError

from search.api import parse_date

from ...models import Outlet, Person
from ...redirects import redirect_for

MAX_SLUG_CHARS = 80
MAX_ID = 2**63 - 1  # the largest id a database holds: a larger one is a 422, not a 500

DATE_DESCRIPTION = "YYYY, YYYY-MM or YYYY-MM-DD (a year or month: from its first, to its last day)"


def date_param(value: str | None, name: str) -> datetime.date | None:
    """The date ``from`` or ``to`` gives (``to=2022-02``: the month's last day); a value
    that is not a date is a 400 saying so."""
    if not value:
        return None
    try:
        return parse_date(value, end=(name == "to"))
    except ValueError:
        raise HttpError(
            400, f'"{value}" is not a date: {name} takes YYYY, YYYY-MM or YYYY-MM-DD.'
        ) from None


def dates(date_from: str | None, date_to: str | None):
    start, end = date_param(date_from, "from"), date_param(date_to, "to")
    if start and end and start > end:
        raise HttpError(400, f"from ({start}) is after to ({end}).")
    return start, end


def by_slug(model, kind: str, slug: str):
    """The outlet or person with ``slug`` (or an old slug of theirs, after a merge or a
    rename), or None."""
    found = model.objects.filter(slug=slug).first()
    if found is None:
        new_slug = redirect_for(kind, slug)
        if new_slug:
            found = model.objects.filter(slug=new_slug).first()
    return found


def filter_outlet(slug: str | None):
    """The outlet a filter names; an unknown one is a 400 (an empty list would look like
    an answer)."""
    if not slug:
        return None
    outlet = by_slug(Outlet, "outlet", slug)
    if outlet is None:
        raise HttpError(400, f'No outlet has the slug "{slug}" (see /api/outlets/).')
    return outlet


def filter_person(slug: str | None, label: str = "person"):
    if not slug:
        return None
    person = by_slug(Person, "person", slug)
    if person is None:
        raise HttpError(400, f'No person has the slug "{slug}" (see /api/people/).')
    return person
