"""RawStory -> Story: headline, standfirst, outlet, date, clean body, people and quotes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import clean, dates, outlets, people, quotes
from .readers import RawStory, normalise_text


class ExtractionError(Exception):
    """A story from which nothing usable can be extracted (no headline, no text)."""


@dataclass
class Story:
    """What the archive files for one story."""

    title: str
    standfirst: str = ""
    outlet: str | None = None
    published: dt.date | None = None
    byline: str = ""
    url: str = ""
    paragraphs: list[str] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    people: list[people.PersonMention] = field(default_factory=list)
    quotes: list[quotes.QuoteRef] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


BULLET = re.compile(r"^\s*[•\-\*·]\s+")


def _split_header(lines: list[str]) -> tuple[str | None, int, list[dict]]:
    """Find a site name and tagline on top; return (site name, index of the headline, removed)."""
    removed = []
    site = None
    i = 0
    if (
        len(lines) > 2
        and outlets.looks_like_site_name(lines[0])
        and (outlets.looks_like_tagline(lines[1]) or len(lines[0].split()) <= 3)
        and len(lines[1].split()) < 30
    ):
        site = lines[0].strip()
        removed.append(clean.Removed(0, lines[0], "site name").as_dict())
        i = 1
        if outlets.looks_like_tagline(lines[1]):
            removed.append(clean.Removed(1, lines[1], "site tagline").as_dict())
            i = 2
    return site, i, removed


def extract(raw: RawStory, outlet_hint: str | None = None) -> Story:
    """Extract a ``Story`` from a ``RawStory``. Raises ``ExtractionError`` for an empty story."""
    text = normalise_text(raw.text)
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise ExtractionError("empty story: no text")
    site, head, removed = _split_header(lines)
    if head >= len(lines):
        raise ExtractionError("no headline: the story has only a header")
    title = lines[head]
    rest = lines[head + 1 :]
    start = head + 1
    standfirst_lines = []
    # A standfirst: the line under the headline if it is short, plus any bullet points.
    if rest and len(rest[0].split()) <= 40 and len(rest) > 1:
        standfirst_lines.append(rest[0])
        rest, start = rest[1:], start + 1
    while rest and BULLET.match(rest[0]):
        standfirst_lines.append(BULLET.sub("", rest[0]).strip())
        rest, start = rest[1:], start + 1
    kept, dropped = clean.clean_lines(rest, start)
    removed.extend(r.as_dict() for r in dropped)
    paragraphs = [line for _, line in kept]
    if not paragraphs and not standfirst_lines:
        raise ExtractionError("no body: the story has a headline but no text")
    outlet = raw.meta.get("outlet") or site or outlets.outlet_from_signatures(text) or outlet_hint
    published = dates.parse_date(raw.meta.get("published")) or dates.find_date(
        "\n".join([title, *standfirst_lines, *paragraphs])
    )
    return Story(
        title=raw.meta.get("title") or title,
        standfirst="\n".join(standfirst_lines),
        outlet=outlet,
        published=published,
        byline=raw.meta.get("byline", ""),
        url=raw.url or raw.meta.get("url", ""),
        paragraphs=paragraphs,
        removed=removed,
        people=people.find_people([title, *standfirst_lines, *paragraphs]),
        quotes=quotes.find_quotes(paragraphs),
    )
