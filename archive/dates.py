"""Dates as readers and curators write them, and the month arithmetic the pages need.

One parser for the whole project: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (the search
filters, the outlet page's ``?month=``, the date facets), with ``end=True`` giving the
period's last day. Plain functions on strings and dates, no Django.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_date(value: str, *, end: bool = False) -> date:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; the period's last day when ``end``.

    Surrounding spaces are ignored; anything else, or a day or month that does not
    exist, raises ``ValueError``.
    """
    match = DATE_RE.match(value.strip())
    if not match:
        raise ValueError(value)
    year, month, day = match.group(1), match.group(2), match.group(3)
    year = int(year)
    if month is None:
        return date(year, 12, 31) if end else date(year, 1, 1)
    month = int(month)
    if day is None:
        last = days_in_month(year, month) if 1 <= month <= 12 else 0
        return date(year, month, last if end else 1)
    return date(year, month, int(day))


def parse_month(value: str) -> date:
    """The first day of the month ``YYYY-MM`` (two-digit month, nothing around it);
    ``ValueError`` for anything else."""
    if not MONTH_RE.match(value):
        raise ValueError(value)
    return parse_date(value)


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=days_in_month(day.year, day.month))


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before, when negative) ``day``'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_spanned(first: date, last: date) -> int:
    """How many months ``first``'s to ``last``'s are, both counted (one for the same month)."""
    return (last.year - first.year) * 12 + last.month - first.month + 1
