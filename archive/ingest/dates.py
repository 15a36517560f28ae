"""Publication dates from explicit dates in a story's text. Never invented.

Rule, in order (the first that gives a date wins):

1. a structured field (``meta["published"]``);
2. a date line: a line that is only a date, or a ``Published`` / ``Updated`` /
   ``Posted`` line, among the first lines of the story;
3. a dateline opening the first paragraph ("KYIV, Feb. 8, 2022 —");
4. captions: lines that do not end a sentence (no full stop) and carry a full date,
   such as "… in Kyiv, Ukraine on Tuesday, Feb. 8, 2022". A photo is dated the day it
   was taken, so the latest caption date is taken.

A full date has a day, a month and a year (``Feb. 8, 2022``, ``8 February 2022``,
``2022-02-08``). Dates in the running text of a sentence ("in 2014", "on February 24,
2022, Russia invaded") describe events, not the story, and are not used; nor are
weekday words ("on Monday") or dates without a year ("February 7").
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
_MONTH = (
    r"(?P<month>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?"
    r"|Aug(?:ust|\.)?|Sep(?:t(?:ember)?)?\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
MONTH_DAY_YEAR = re.compile(
    r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{2})\b"
)
DAY_MONTH_YEAR = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>(?:19|20)\d{2})\b"
)
ISO = re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b")
DATE_LINE = re.compile(r"^(published|updated|posted|first published|last updated)\b", re.I)
WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
DATELINE = re.compile(r"^[A-Z][A-Za-z .'’-]{1,40},?\s+(?:\([^)]*\)\s+)?[-—–,]?\s*" + WEEKDAY)
SENTENCE_END = re.compile(r"[.!?]['’”\"]?$")


def _make(year, month, day):
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def all_dates(text: str) -> list[tuple[int, dt.date]]:
    """Every explicit, valid full date in ``text`` as (offset, date), in order."""
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
    return sorted(found)


def find_date(text: str) -> dt.date | None:
    """The first explicit, valid calendar date in ``text``, or None."""
    found = all_dates(text)
    return found[0][1] if found else None


def is_date_line(line: str) -> bool:
    """A line that only gives the story's date ("6 February 2022", "Updated: Feb. 8, 2022")."""
    found = all_dates(line)
    return bool(found) and (DATE_LINE.match(line) is not None or len(line.split()) <= 6)


def story_date(header: list[str], paragraphs: list[str]) -> dt.date | None:
    """The story's publication date by the module's rule, or None when it does not say."""
    for line in header[:8]:
        found = all_dates(line)
        if found and (DATE_LINE.match(line) or len(line.split()) <= 6):
            return found[0][1]
    if paragraphs:
        found = all_dates(paragraphs[0][:80])
        # a date opening the first paragraph, or after a place dateline ("LONDON, Monday")
        if found and (
            found[0][0] == 0
            or (found[0][0] < 60 and DATELINE.fullmatch(paragraphs[0][: found[0][0]]))
        ):
            return found[0][1]
    captions = [
        date
        for line in paragraphs
        if not SENTENCE_END.search(line.rstrip())
        for _, date in all_dates(line)
    ]
    return max(captions) if captions else None


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
