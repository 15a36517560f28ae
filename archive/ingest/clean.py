"""Body cleaning: tell real paragraphs from boilerplate, and keep what was removed.

Every removed line is returned with its position and the reason, so a curator can
inspect it and put it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whole-line boilerplate, matched against a stripped line. Each entry: (reason, pattern).
LINE_RULES: list[tuple[str, re.Pattern]] = [
    ("promo link", re.compile(r"^(read more|read|more|see also|related|watch|listen)\s*:", re.I)),
    ("video player", re.compile(r"^please use (the )?chrome browser", re.I)),
    ("video duration", re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")),
    ("source footer", re.compile(r"^(source link|source\s*:\s*read full article)\.?$", re.I)),
    (
        "podcast pitch",
        re.compile(r"^(follow|listen to|subscribe to) .*\b(podcasts?|spotify|spreaker)\b", re.I),
    ),
    ("subscription pitch", re.compile(r"^subscribe to .{0,60}(premium|newsletter)", re.I)),
    ("newsletter pitch", re.compile(r"\b(sign up|subscribe)\b.{0,80}\bnewsletter\b", re.I)),
    ("support pitch", re.compile(r"^your support (helps|makes|allows)\b", re.I)),
    ("comments", re.compile(r"^(comments|join our commenting forum|show comments)$", re.I)),
    ("comments", re.compile(r"^join thought-provoking conversations", re.I)),
    ("bookmark pitch", re.compile(r"^want to bookmark your favourite articles", re.I)),
    ("more on", re.compile(r"^more on (this|the)?\s*\w[\w\s’'-]{0,60}$", re.I)),
]

RELATED_BLOCK = re.compile(
    r"^(articles you may like|you may also like|related articles|most read)$", re.I
)


@dataclass
class Removed:
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
    return None


def clean_lines(lines: list[str], start: int = 0) -> tuple[list[tuple[int, str]], list[Removed]]:
    """Split ``lines`` (already stripped, non-empty) into kept and removed.

    ``start`` is the index of ``lines[0]`` in the story's line list, so removed entries
    point at the original position. Kept lines come back as (index, text).
    """
    kept: list[tuple[int, str]] = []
    removed: list[Removed] = []
    in_related = False
    seen: dict[str, int] = {}
    for offset, line in enumerate(lines):
        index = start + offset
        if in_related:
            removed.append(Removed(index, line, "related headlines"))
            continue
        if RELATED_BLOCK.match(line.strip()):
            in_related = True
            removed.append(Removed(index, line, "related headlines"))
            continue
        reason = boilerplate_reason(line)
        if reason:
            removed.append(Removed(index, line, reason))
            continue
        key = re.sub(r"\W+", " ", line).strip().lower()
        if key in seen and len(key.split()) >= 5:
            removed.append(Removed(index, line, "repeated paragraph"))
            continue
        seen[key] = index
        kept.append((index, line))
    return kept, removed
