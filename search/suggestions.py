"""What "Did you mean" may suggest, whatever the backend: a word the archive uses often,
a letter or two away from the word typed."""

from __future__ import annotations

import math

from rapidfuzz.distance import Levenshtein

# A suggestion is a word the archive uses often: in SUGGEST_MIN_DOCS documents at least,
# and in one story of SUGGEST_MIN_SHARE (a typo made ten times in 100,000 stories is still
# a typo: "Did you mean president obamaa?").
SUGGEST_MIN_DOCS = 3
SUGGEST_MIN_SHARE = 1 / 20_000


def floor(stories: int) -> int:
    """How many documents a suggested word must be in, at least, in an archive of
    ``stories`` stories."""
    return max(SUGGEST_MIN_DOCS, math.ceil(stories * SUGGEST_MIN_SHARE))


def within_edits(a: str, b: str, edits: int) -> bool:
    """Whether ``b`` is ``a`` with at most ``edits`` letters changed, added or removed
    (Levenshtein distance, rapidfuzz's: the same answer as a distance table, in C)."""
    return Levenshtein.distance(a, b, score_cutoff=edits) <= edits


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with at most one letter changed, added or removed."""
    return within_edits(a, b, 1)
