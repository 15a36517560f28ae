"""Publication dates from explicit dates in a story's text. Never invented.

Rule: the first full date (day, month name and year, in either order, or ISO
``YYYY-MM-DD``) in the story wins. Weekday words alone ("on Monday") give no date.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "jan."),
            ("february", "feb", "feb."),
            ("march", "mar", "mar."),
            ("april", "apr", "apr."),
            ("may",),
            ("june", "jun", "jun."),
            ("july", "jul", "jul."),
            ("august", "aug", "aug."),
            ("september", "sep", "sept", "sep.", "sept."),
            ("october", "oct", "oct."),
            ("november", "nov", "nov."),
            ("december", "dec", "dec."),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sep(?:t(?:ember)?)?\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
MONTH_DAY_YEAR = re.compile(
    _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})\b"
)
DAY_MONTH_YEAR = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d{2})\b"
)
ISO = re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b")


def _make(year, month, day):
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def find_date(text: str) -> dt.date | None:
    """The first explicit, valid calendar date in ``text``, or None."""
    found = []
    for pattern in (MONTH_DAY_YEAR, DAY_MONTH_YEAR):
        for m in pattern.finditer(text):
            month = MONTHS.get(m.group("month").lower())
            date = _make(m.group("year"), month, m.group("day")) if month else None
            if date:
                found.append((m.start(), date))
    for m in ISO.finditer(text):
        date = _make(m.group("year"), m.group("month"), m.group("day"))
        if date:
            found.append((m.start(), date))
    return min(found)[1] if found else None


def parse_date(value) -> dt.date | None:
    """A date from a structured field: ``YYYY-MM-DD`` (with or without time), M/D/YY(YY) or prose."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        date = _make(*m.groups())
        return date if date and date.year >= 1800 else None
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$", text)
    if m:
        month, day, year = m.groups()
        year = int(year)
        if year < 100:
            year += 2000 if year < 70 else 1900
        return _make(year, month, day)
    return find_date(text)
