"""RawStory -> Story: headline, standfirst, outlet, date, clean body, people and quotes.

Layout rules for plain-text stories (the way the scraped seeds arrive):

- header: a site name (and its tagline) on the first lines, see ``outlets``;
- headline: the first line after the header;
- a section label right under the headline (one or two capitalised words, "World");
- byline: a "By X and Y" line (or "By X, Associated Press", or an agency alone) under the
  headline, section label, date or standfirst: the names go to ``authors``, an agency to
  ``wire``, and the line out of the body (so its names are not people of the story);
- standfirst: the line under the headline when it is a summary line (no closing full
  stop and at most 60 words, or a single sentence of at most 30 words; never a dateline
  "LONDON (AP) —", a names-only byline, a caption or a credit), then any bullet points
  (``•``, ``-``, ``*``). A web page's standfirst is decided by its reader (a dek);
- wire: also from an agency dateline or a closing credit line;
- body: every other line, cleaned by ``clean`` (boilerplate removed and kept aside).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import clean, dates, outlets, pagemeta, people, quotes
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
    authors: list[str] = field(default_factory=list)
    wire: str = ""
    url: str = ""
    paragraphs: list[str] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    review_reason: str = ""  # why the story waits for a curator (not an article), or ""
    people: list[people.PersonMention] = field(default_factory=list)
    quotes: list[quotes.QuoteRef] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


BULLET = re.compile(r"^\s*[•\-\*·▪●]\s+")
SECTION_LABEL = re.compile(r"^[A-Z][\w&’'-]*(?: [A-Z&][\w’'-]*)?$")
QUOTE_START = re.compile(r"^[“‘\"']")
# "LONDON (AP) — ", "BERLIN -- ", "SANTA FE, N.M. (AP) - ": where a story's first paragraph starts.
DATELINE = re.compile(
    r"^[A-Z][A-Z .,'’-]{2,40}(?:,\s*[A-Z][\w.]+)?\s*(?:\([^)]{1,30}\)\s*)?(?:[—–]|--|-(?=\s))\s"
)
_NAME = r"[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,2}"
NAMES_ONLY = re.compile(rf"^{_NAME}(?:, {_NAME})*,? (?:and|&) {_NAME}$")
SENTENCE_BREAK = re.compile(r"[.!?]['’”\"]?\s+[A-Z“‘\"]")


def _split_header(lines: list[str]) -> tuple[str | None, int, list[dict]]:
    """Find a site name and tagline on top; return (site name, index of the headline, removed)."""
    removed = []
    if len(lines) > 2 and outlets.looks_like_site_name(lines[0]):
        tagline = outlets.looks_like_tagline(lines[1])
        if tagline or outlets.looks_like_masthead(lines[0]) or outlets.is_known_outlet(lines[0]):
            removed.append(clean.Removed(0, lines[0], "site name").as_dict())
            if tagline and len(lines) > 3:
                removed.append(clean.Removed(1, lines[1], "site tagline").as_dict())
                return lines[0].strip(), 2, removed
            return lines[0].strip(), 1, removed
    return None, 0, removed


STRUCTURED = {"html", "warc"}


def _byline(lines: list[str], pos: int, removed: list[dict]) -> tuple[list[str], str, int]:
    """A byline line at ``pos`` ("By X and Y", "By X, Associated Press", "Associated Press"):
    (names, agency, the position after it), the line kept in ``removed``; else nothing."""
    if pos >= len(lines) - 1:
        return [], "", pos
    line = lines[pos]
    names, wire = pagemeta.byline_names(line)
    if not names and not wire:
        wire = pagemeta.wire_name(line)
    if not names and not wire:
        return [], "", pos
    removed.append(clean.Removed(pos, line, "byline").as_dict())
    return names, wire, pos + 1


def is_standfirst(line: str) -> bool:
    """A summary line: no closing full stop and at most 60 words, or one short sentence."""
    if QUOTE_START.match(line) or clean.boilerplate_reason(line) or DATELINE.match(line):
        return False  # a dateline opens the story's first paragraph, not a summary
    if NAMES_ONLY.match(line):
        return False  # a byline without "By" ("Sarah Brookbank and Max Londberg")
    words = len(line.split())
    if not re.search(r"[.!?…]['’”\"]?$", line.rstrip()):
        return words <= 60
    return words <= 30 and not SENTENCE_BREAK.search(line)


def extract(
    raw: RawStory, outlet_hint: str | None = None, *, known: people.KnownNames | None = None
) -> Story:
    """Extract a ``Story`` from a ``RawStory``. Raises ``ExtractionError`` for an empty story.

    ``known`` carries the names the archive already has, so that people it knows are
    recognised from a bare surname (see ``people.find_people``).
    """
    text = normalise_text(raw.text)
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise ExtractionError("empty story: no text")
    site, head, removed = _split_header(lines)
    if head >= len(lines):
        raise ExtractionError("no headline: the story has only a header")
    title = lines[head]
    pos = head + 1
    # Pages (HTML, WARC) come with their standfirst decided by the reader from the page's
    # own elements; their first paragraph is never a section label or a standfirst.
    structured = raw.format in STRUCTURED
    authors, wire, pos = _byline(lines, pos, removed)
    if (
        not structured
        and pos < len(lines) - 1
        and SECTION_LABEL.match(lines[pos])
        and not clean.boilerplate_reason(lines[pos])
    ):
        removed.append(clean.Removed(pos, lines[pos], "section label").as_dict())
        pos += 1
    header_end = head + 1
    # A date line under the headline is the story's date, not its standfirst or body.
    while pos < len(lines) - 1 and len(lines[pos].split()) <= 8 and dates.is_date_line(lines[pos]):
        removed.append(clean.Removed(pos, lines[pos], "date line").as_dict())
        pos += 1
        header_end = pos
    if not authors:
        authors, credit, pos = _byline(lines, pos, removed)
        wire = wire or credit
    standfirst_lines = []
    if structured:
        if raw.meta.get("standfirst"):
            standfirst_lines.append(raw.meta["standfirst"])
    else:
        if pos < len(lines) - 1 and not BULLET.match(lines[pos]) and is_standfirst(lines[pos]):
            standfirst_lines.append(lines[pos])
            pos += 1
        while pos < len(lines) and BULLET.match(lines[pos]):
            standfirst_lines.append(BULLET.sub("", lines[pos]).strip())
            pos += 1
        if not authors and standfirst_lines and len(standfirst_lines) == 1:
            # a byline under a standfirst ("By X and Y")
            authors, credit, pos = _byline(lines, pos, removed)
            wire = wire or credit
    kept, dropped = clean.clean_lines(lines[pos:], pos, drop_repeats=not structured)
    removed.extend(r.as_dict() for r in dropped)
    paragraphs = [line for _, line in kept]
    if not paragraphs and not standfirst_lines:
        raise ExtractionError("no body: the story has a headline but no text")
    signature_lines = [*lines[:head], *(r["text"] for r in removed)]
    outlet = (
        raw.meta.get("outlet")
        or site
        or outlets.outlet_from_signatures(signature_lines)
        or outlet_hint
    )
    published = dates.parse_date(raw.meta.get("published")) or dates.story_date(
        lines[:header_end], paragraphs
    )
    story = Story(
        title=raw.meta.get("title") or title,
        standfirst="\n".join(standfirst_lines),
        outlet=outlet,
        published=published,
        byline=raw.meta.get("byline", ""),
        authors=list(raw.meta.get("authors") or authors),
        wire=raw.meta.get("wire")
        or wire
        or pagemeta.wire_from_text([*standfirst_lines, *paragraphs]),
        url=raw.url or raw.meta.get("url", ""),
        paragraphs=paragraphs,
        removed=removed,
        review_reason=clean.not_an_article(paragraphs, extracted=structured) or "",
    )
    story.people = people.find_people(people_texts(story), known)
    story.quotes = quotes.find_quotes(paragraphs, story.people)
    return story


def people_texts(story: Story) -> list[str]:
    """The texts people are looked for in: headline, standfirst lines, paragraphs."""
    standfirst = story.standfirst.split("\n") if story.standfirst else []
    return [story.title, *standfirst, *story.paragraphs]


def refresh_people(story: Story, known: people.KnownNames | None) -> bool:
    """Find ``story``'s people again with ``known`` (the only part of ``extract`` that
    depends on the archive), and its quotes when the people changed. Returns whether
    anything changed."""
    found = people.find_people(people_texts(story), known)
    if found == story.people:
        return False
    story.people = found
    story.quotes = quotes.find_quotes(story.paragraphs, found)
    return True
