"""Body cleaning: tell real paragraphs from boilerplate, and keep what was removed.

What counts as boilerplate (each removed line is kept with its position and reason,
so a curator can inspect it and put it back):

- promo links: ``READ MORE:``, ``Read more:``, ``Read:``, ``See also:``, ``Related:`` ...
- video players: ``Please use Chrome browser…``, a duration line (``2:46``) and the
  video title just under it;
- ``More on X`` link headers;
- pitches addressed to the reader: newsletter, podcast, subscription, support
  ("Your support helps us…"), bookmarking and comment-forum lines;
- ``Articles You May Like`` (and similar) blocks with the headlines under them;
- ``Source link`` / ``Source: Read Full Article`` footers (also when glued to the
  next line of text, which is then kept);
- a paragraph repeated later (a photo caption or a copy-paste): the later copy goes.

Anything else is a paragraph: the cleaner never drops a line for being short or odd.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whole-line boilerplate, matched against a stripped line. Each entry: (reason, pattern).
LINE_RULES: list[tuple[str, re.Pattern]] = [
    (
        "promo link",
        re.compile(
            r"^(read more|read|more|see also|also read|related|recommended|watch|listen"
            r"|watch now|read next|trending)\s*:",
            re.I,
        ),
    ),
    ("video player", re.compile(r"^please use (the )?chrome browser", re.I)),
    ("video player", re.compile(r"^(this video|the video) (is|cannot|can ?not)\b.{0,80}$", re.I)),
    ("video duration", re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")),
    ("source footer", re.compile(r"^(source link|source\s*:\s*read full article)\.?$", re.I)),
    ("more on", re.compile(r"^more (on|from|about) [\w’'\- ]{1,60}$", re.I)),
    ("comments", re.compile(r"^(\d+\s+)?(comments?|show comments|view comments)$", re.I)),
    ("comments", re.compile(r"^join (our|the) (commenting forum|conversation|discussion)", re.I)),
    ("comments", re.compile(r"^join thought-provoking conversations", re.I)),
    (
        "podcast pitch",
        re.compile(r"^(follow|listen to|subscribe to)\b.{0,80}\bpodcasts?\b.{0,80}$", re.I),
    ),
    ("subscription pitch", re.compile(r"^subscribe (to|now|today|for)\b.{0,80}$", re.I)),
    (
        "share links",
        re.compile(r"^(share this (article|story)|click to share|share on \w+)$", re.I),
    ),
]

# Pitches are addressed to the reader: a pitch keyword and a second-person or "us" word.
PITCHES: list[tuple[str, re.Pattern]] = [
    ("newsletter pitch", re.compile(r"\b(sign up|subscribe)\b.{0,80}\bnewsletters?\b", re.I)),
    ("newsletter pitch", re.compile(r"\bnewsletters?\b.{0,80}\b(inbox|sign up)\b", re.I)),
    ("subscription pitch", re.compile(r"\bstart your .{0,40}subscription\b", re.I)),
    ("bookmark pitch", re.compile(r"^want to bookmark\b", re.I)),
    ("support pitch", re.compile(r"\byour support\b", re.I)),
    ("support pitch", re.compile(r"\bis trusted by \d+ million\b", re.I)),
    ("support pitch", re.compile(r"\b(support|fund) (our|independent|quality) journalism\b", re.I)),
    ("support pitch", re.compile(r"\bpaywalls?\b.*\b(you|we|us)\b", re.I)),
    ("support pitch", re.compile(r"^help us\b", re.I)),
]
READER = re.compile(r"\b(you|your|us|our|we)\b", re.I)

RELATED_BLOCK = re.compile(
    r"^(articles you may like|you may also like|you might also like|related articles"
    r"|related stories|most read|most popular|recommended( for you)?|more stories"
    r"|top stories|trending( now)?|read next)$",
    re.I,
)
FOOTER_PREFIX = re.compile(r"^(source link|source\s*:\s*read full article)(?=\S)", re.I)
DURATION = LINE_RULES[3][1]
SENTENCE_END = re.compile(r"[.!…:;]['’”\"]?$")
WORD_RUN = re.compile(r"\w+")


@dataclass
class Removed:
    """A removed line (or the removed part of one): where it was, what, and why."""

    index: int
    text: str
    reason: str

    def as_dict(self):
        return {"index": self.index, "text": self.text, "reason": self.reason}


def boilerplate_reason(line: str) -> str | None:
    """The reason ``line`` is boilerplate, or None for a line that may be story text."""
    stripped = line.strip()
    for reason, pattern in LINE_RULES:
        if pattern.search(stripped):
            return reason
    if len(stripped.split()) <= 60 and READER.search(stripped):
        for reason, pattern in PITCHES:
            if pattern.search(stripped):
                return reason
    return None


def _looks_like_headline(line: str) -> bool:
    """A listed headline: short, and not a sentence ending in a full stop."""
    return len(line.split()) <= 20 and not re.search(r"[.;:]['’”\"]?$", line)


def paragraph_key(line: str) -> str:
    """Comparison key for repeated paragraphs: words only, one space apart, lower case."""
    return " ".join(WORD_RUN.findall(line)).lower()


def clean_lines(lines: list[str], start: int = 0) -> tuple[list[tuple[int, str]], list[Removed]]:
    """Split ``lines`` (already stripped, non-empty) into kept and removed.

    ``start`` is the index of ``lines[0]`` in the story's line list, so removed entries
    point at the original position. Kept lines come back as (index, text).
    """
    kept: list[tuple[int, str]] = []
    removed: list[Removed] = []
    in_related = False
    video_title_next = False
    seen: set[str] = set()
    for offset, line in enumerate(lines):
        index = start + offset
        if in_related:
            if _looks_like_headline(line):
                removed.append(Removed(index, line, "related headlines"))
                continue
            in_related = False
        if RELATED_BLOCK.match(line.strip()):
            in_related = True
            removed.append(Removed(index, line, "related headlines"))
            continue
        if video_title_next:
            video_title_next = False
            if _looks_like_headline(line) and not boilerplate_reason(line):
                removed.append(Removed(index, line, "video title"))
                continue
        footer = FOOTER_PREFIX.match(line)
        if footer:
            removed.append(Removed(index, footer.group(0), "source footer"))
            line = line[footer.end() :].strip()
        reason = boilerplate_reason(line)
        if reason:
            removed.append(Removed(index, line, reason))
            if reason == "video duration":
                video_title_next = True
            continue
        key = paragraph_key(line)
        if key in seen and len(key.split()) >= 5:
            removed.append(Removed(index, line, "repeated paragraph"))
            continue
        seen.add(key)
        kept.append((index, line))
    return kept, removed
