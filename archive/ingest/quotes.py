"""Direct quotations and their speakers."""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTE_SPAN = re.compile(r"“([^”]{2,}?)”|‘([^’]{2,}?)’(?![a-z])|\"([^\"]{2,}?)\"")
SAID_AFTER = re.compile(r"^[,\s]*(?:said|says|added|told [\w\s]+?)\s+([A-Z][\w’'\- ]+?)[.,]")
SPEAKER_BEFORE = re.compile(
    r"([A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)*)\s+(?:said|says|added|told [\w\s]+?)[,:]?\s*$"
)
FRAGMENT_WORDS = 6


@dataclass
class QuoteRef:
    text: str
    speaker: str | None
    speaker_label: str
    paragraph: int
    is_fragment: bool


def find_quotes(paragraphs: list[str]) -> list[QuoteRef]:
    """Quotations in ``paragraphs`` with the speaker named next to them, where one is."""
    quotes = []
    for index, paragraph in enumerate(paragraphs):
        for m in QUOTE_SPAN.finditer(paragraph):
            text = next(g for g in m.groups() if g is not None).strip()
            label = ""
            before = SPEAKER_BEFORE.search(paragraph[: m.start()])
            after = SAID_AFTER.search(paragraph[m.end() :])
            if before:
                label = before.group(1)
            elif after:
                label = after.group(1)
            quotes.append(
                QuoteRef(
                    text=text,
                    speaker=label or None,
                    speaker_label=label,
                    paragraph=index,
                    is_fragment=len(text.split()) < FRAGMENT_WORDS,
                )
            )
    return quotes
