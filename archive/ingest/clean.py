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
- a paragraph repeated later (a photo caption or a copy-paste): the later copy goes;
- pictures and players: caption and credit lines ("Image copyright ...", "Photo: ...",
  "(.../Reuters)"), "Media playback is unsupported on your device";
- labels and markers: "FULL TEXT.", "ABSTRACT.", "Advertisement - story continues below",
  reading times, editor's notes, "Also on <site>" promos, "... in your inbox" pitches.

``not_an_article`` tells a body that is no article (a reprint or paywall notice, fewer than
``MIN_ARTICLE_WORDS`` words): such a story is imported for review, not published.

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
    # Pictures: a caption or credit line is not story text ("Image copyright AFP Image
    # caption ...", "(Dado Ruvic/Illustration/File Photo/Reuters)", "Photo : Shutterstock").
    ("caption", re.compile(r"^(image|picture|photo) (copyright|caption)\b", re.I)),
    (
        "photo credit",
        re.compile(
            r"^[(\[]?(photo|photograph|picture|image|credit|foto|illustration)s?"
            r"( by| credit)?\s*:\s*\S.{0,80}$"
            r"|^\([^()]{0,80}/(reuters|ap|afp|getty images?|file photo|epa|shutterstock)[^()]*\)\.?$"
            r"|^(getty images|shutterstock|reuters|afp|ap photo|epa)(/[\w .]+)?$",
            re.I,
        ),
    ),
    ("media player", re.compile(r"^media playback is (unsupported|not supported)\b", re.I)),
    (
        "reading time",
        re.compile(
            r"^(reading time|read time|tempo de leitura|tiempo de lectura|temps de lecture"
            r"|lesezeit)\s*:?\s*\d+\s*\w*\.?$|^\d+\s*(min|mins|minutes?)\.? read$",
            re.I,
        ),
    ),
    # Labels a page prints above a part of the story ("FULL TEXT.", "ABSTRACT.").
    (
        "label",
        re.compile(
            r"^(full text|abstract|summary|key points|highlights|advertisement|sponsored"
            r"|story continues below( advertisement)?|continue reading( below)?)\s*[.:]?$",
            re.I,
        ),
    ),
    (
        "advertisement",
        re.compile(r"^advertisement\s*[-–—:]\s*(story )?continues? below\b.{0,40}$", re.I),
    ),
    ("editor's note", re.compile(r"^\(?editor[’']?s[’']? note\s*[:.—–-]", re.I)),
    ("promo link", re.compile(r"^also on [\w-]+(\.[\w-]+)+\b", re.I)),
]

# Pitches are addressed to the reader: a pitch keyword and a second-person or "us" word.
PITCHES: list[tuple[str, re.Pattern]] = [
    ("newsletter pitch", re.compile(r"\b(sign up|subscribe)\b.{0,80}\bnewsletters?\b", re.I)),
    ("newsletter pitch", re.compile(r"\bnewsletters?\b.{0,80}\b(inbox|sign up)\b", re.I)),
    (
        "newsletter pitch",
        re.compile(r"\b(get|delivered|straight)\b.{0,80}\bin(to)? your inbox\b", re.I),
    ),
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
    r"|related stories|related posts|related content|related coverage|related|most read"
    r"|most popular|popular posts|recent posts|recommended( for you| reading)?|more stories"
    r"|top stories|trending( now)?|read next|you may also be interested in|further reading"
    r"|more from [\w .’'-]{1,40}|don[’']t miss)\s*:?$",
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


def clean_lines(
    lines: list[str], start: int = 0, *, drop_repeats: bool = True
) -> tuple[list[tuple[int, str]], list[Removed]]:
    """Split ``lines`` (already stripped, non-empty) into kept and removed.

    ``start`` is the index of ``lines[0]`` in the story's line list, so removed entries
    point at the original position. Kept lines come back as (index, text).
    ``drop_repeats``: a repeated paragraph goes (a caption or a copy-paste in scraped
    text); a web page's paragraphs are kept as the page has them (a recipe or a schedule
    repeats its lines on purpose, and the reader leaves the page's captions out).
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
        if drop_repeats and key in seen and len(key.split()) >= 5:
            removed.append(Removed(index, line, "repeated paragraph"))
            continue
        seen.add(key)
        kept.append((index, line))
    return kept, removed


MIN_ARTICLE_WORDS = 40  # fewer words than this: a stub, not an article
STUB_WORDS = 150  # a notice in a body this short is what the body is
# Notices that are all a stub's body says, as plain alternatives (no \b, so that the same
# text serves as a database regex: ``STUB_SQL_REGEX``, for the admin's filter).
STUB_PHRASES: dict[str, tuple[str, ...]] = {
    "a reprint notice": (
        "for reprint",
        "for republication",
        "reprints? (and|&) permissions?",
        "to order (presentation|reprints?)",
        "this copy is for your personal,? non-?commercial use",
        "republish this",
    ),
    "a paywall notice": (
        "subscribe to (continue|read)",
        "to continue reading",
        "continue reading with",
        "already a subscriber",
        "subscribers? only",
        "(log|sign) in to (read|continue)",
        "this (article|content) is (available )?(only )?(for|to) (subscribers|members)",
    ),
}
STUB_NOTICES = [
    (what, re.compile(r"\b(" + "|".join(phrases) + r")\b", re.I))
    for what, phrases in STUB_PHRASES.items()
]
STUB_SQL_REGEX = "(" + "|".join(p for phrases in STUB_PHRASES.values() for p in phrases) + ")"


def not_an_article(paragraphs: list[str], *, extracted: bool = True) -> str | None:
    """Why a story's body is not an article (so it waits for a curator), or None.

    A short body counts only when ``extracted`` (the body was found in a web page, where a
    stub is the extractor's catch); a text file's body is what its author wrote."""
    words = sum(len(p.split()) for p in paragraphs)
    if words < STUB_WORDS:
        text = "\n".join(paragraphs)
        for what, pattern in STUB_NOTICES:
            if pattern.search(text):
                return f"not an article: {what}"
    if extracted and words < MIN_ARTICLE_WORDS:
        return f"not an article: only {words} words"
    return None
