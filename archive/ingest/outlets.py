"""Outlet recognition: from the story's header, or from the site's own signatures.

Rules (never a guess from a passing mention such as "telling the Mail"):

1. A structured field (``meta["outlet"]``) wins.
2. Header: the first line is a site name when it is short (at most five words), every
   word capitalised, without sentence punctuation, and either contains a masthead word
   (News, Times, Post, Daily, Defender ...), is followed by a tagline, is the name of a
   news outlet known by name (``words/news_outlets.txt``: Politico, Reuters, CNN ...,
   with or without a label such as "(Web News)" or "- Opinion"), or is a bare domain
   (``TheBlaze.com``): a headline is none of these.
3. Signatures: phrases only the outlet prints about itself (its subscription or
   podcast pitch), looked for only in the lines the cleaner removed as boilerplate and
   in the header, never in the story's own paragraphs.
4. Otherwise unknown (None), for a curator to fill; ``outlet_hint`` from the import
   command fills only this case.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

# Phrases that only the outlet itself prints (its own pitch), mapped to the outlet.
SIGNATURES: list[tuple[re.Pattern, str]] = [
    (
        re.compile(r"\bIndependent Premium\b|\bThe Independent is trusted by\b"),
        "The Independent",
    ),
    (
        re.compile(r"\bsupport the Guardian\b|\bSign up to (First Edition|Guardian)\b"),
        "The Guardian",
    ),
    (
        re.compile(r"\bTelegraph (subscription|Premium)\b|\bSubscribe to The Telegraph\b"),
        "The Telegraph",
    ),
    (re.compile(r"\bBBC News app\b|\bFollow BBC News\b"), "BBC News"),
    (re.compile(r"\bSign up for the Daily Mail\b|\bDailyMail\+"), "Daily Mail"),
]

MASTHEAD_WORDS = {
    "news", "times", "post", "daily", "herald", "gazette", "journal", "defender", "tribune",
    "mirror", "express", "mail", "telegraph", "guardian", "independent", "chronicle",
    "observer", "press", "today", "online", "media", "tv", "radio", "star", "sun", "standard",
    "record", "review", "report", "monitor", "insider", "wire", "dispatch", "courier",
    "bulletin", "sentinel", "examiner", "inquirer", "register", "weekly", "network",
}  # fmt: skip
TAGLINE = re.compile(
    r"\b(breaking news|latest news|headlines|news and|the daily|world news|videos|since \d{4}"
    r"|independent journalism|the voice of|your source)\b",
    re.I,
)


# A label after an outlet's name: "CNN (Web News)", "New York Times - Opinion".
OUTLET_LABEL = re.compile(r"\s*(?:[-–—|]\s*[\w/ ]{1,30}|\([^()]{1,30}\))\s*$")
DOMAIN = re.compile(r"^[A-Za-z][\w-]*\.(?:com|org|net|news|co\.uk)$", re.I)
OUTLETS_FILE = Path(__file__).with_name("words") / "news_outlets.txt"


@functools.cache
def known_outlets() -> frozenset[str]:
    """The names in ``words/news_outlets.txt``, case-folded (read once)."""
    lines = OUTLETS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().casefold() for line in lines if line.strip() and not line.startswith("#")
    )


def is_known_outlet(line: str) -> bool:
    """The line is a news outlet's name known by name, with or without a label after it,
    or a bare domain."""
    name = line.strip()
    if DOMAIN.match(name):
        return True
    known = known_outlets()
    return name.casefold() in known or OUTLET_LABEL.sub("", name).casefold() in known


def looks_like_site_name(line: str) -> bool:
    """A short capitalised line with no sentence punctuation, as a site's masthead is."""
    words = line.split()
    if not 1 <= len(words) <= 5 or line.rstrip().endswith((".", "?", "!", ":", ",", "’", "”")):
        return False
    return all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def looks_like_masthead(line: str) -> bool:
    """A site-name-like line that names itself as a publication (News, Times, Defender ...)."""
    return looks_like_site_name(line) and any(
        w.lower().strip(".,()") in MASTHEAD_WORDS for w in line.split()
    )


def looks_like_tagline(line: str) -> bool:
    """A slogan line under a masthead: news words, short, no full stop."""
    return (
        bool(TAGLINE.search(line)) and len(line.split()) <= 14 and not line.rstrip().endswith(".")
    )


def outlet_from_signatures(lines) -> str | None:
    """The outlet whose own signature appears in ``lines`` (boilerplate and header lines)."""
    if isinstance(lines, str):
        lines = lines.split("\n")
    for line in lines:
        for pattern, name in SIGNATURES:
            if pattern.search(line):
                return name
    return None
