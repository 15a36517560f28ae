"""Did you mean: a rare word of the query replaced by a common word of the archive one or
two letters away."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import suggestions
from ..parse import ParsedQuery

if TYPE_CHECKING:
    from .searchers import Entry


def _doc_frequency(entry: Entry, word: str) -> int:
    """Documents with ``word`` in their headline, body or names (remembered per index
    generation: suggestions look up the same candidates again and again)."""
    found = entry.frequencies.get(word)
    if found is None:
        searcher = entry.searcher
        reader = searcher.reader()
        found = 0
        for fieldname in ("headline", "body", "people"):
            fieldobj = searcher.schema[fieldname]
            for term in fieldobj.process_text(word, mode="query"):
                found += reader.doc_frequency(fieldname, term)
        if len(entry.frequencies) >= FREQUENCIES_MAX:
            entry.frequencies.clear()
        entry.frequencies[word] = found
    return found


FREQUENCIES_MAX = 100_000

# (edits, ((field whose words are candidates, letters that must match at the start), ...))
SPELLING_PASSES = (
    (1, (("people", 1), ("headline", 1), ("body", 2))),
    (2, (("people", 2), ("headline", 2))),
)


def within(entry: Entry, fieldname: str, word: str, edits: int, prefix: int) -> list[str]:
    """The suggestion words of ``fieldname`` starting with the first ``prefix`` letters of
    ``word`` and at most ``edits`` letters changed, added or removed away from it (the
    words Whoosh's ``terms_within`` finds, from a word list kept in memory)."""
    length = len(word)
    words = [
        w for w in entry.spelling_words(fieldname, word[:prefix]) if abs(len(w) - length) <= edits
    ]
    return [w for w in words if suggestions.within_edits(word, w, edits)]


def suggestion_floor(entry: Entry) -> int:
    """How many documents (headline, body and names counted apart) a suggested word must
    be in, at least (``suggestions.floor``)."""
    stories = entry.searcher.reader().doc_frequency("kind", "article")
    return suggestions.floor(stories)


def suggest(entry: Entry, parsed: ParsedQuery, hits: int = 0) -> tuple[str, list[str]] | None:
    """A corrected query text from the index's own words, or None.

    A word is corrected when it is rare in the index and a word one or two edits away is
    far more common ("Zelenksy" -> "zelensky", "Macrn" -> "macron"); of equally common
    words, the first in alphabetical order. A correction is a word the archive uses often
    (``suggestion_floor``), in more documents than the query has ``hits``: never a typo
    for another typo, nor a word that finds less than what was typed.
    """
    words = parsed.words
    if not words:
        return None
    floor = max(suggestion_floor(entry), hits) - 1
    replacements = {}
    for word in words:
        lower = word.lower()
        if not re.fullmatch(r"[^\W\d_]{3,}", lower):
            continue
        own = _doc_frequency(entry, lower)
        if own >= 3:
            continue
        best, best_freq = None, max(own * 20, floor)
        # One edit in any field's words first; two edits only among the headline and
        # name words. The body's vocabulary, the largest, and two-edit candidates must
        # share the word's first two letters.
        for maxdist, fieldnames in SPELLING_PASSES:
            for fieldname, prefix in fieldnames:
                candidates = set(within(entry, fieldname, lower, maxdist, prefix))
                candidates.discard(lower)
                for cand in sorted(candidates):
                    freq = _doc_frequency(entry, cand)
                    if freq > best_freq:
                        best, best_freq = cand, freq
            if best:
                break
        if best:
            replacements[word] = best
    if not replacements:
        return None
    text = parsed.text
    for word, better in replacements.items():
        text = re.sub(rf"(?<![\w:]){re.escape(word)}(?!\w)", better, text)
    return text, sorted(replacements.values())
