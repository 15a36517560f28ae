"""What "Did you mean" may suggest, whatever the backend: a word the archive uses often,
a letter or two away from the word typed."""

from __future__ import annotations

import math

# A suggestion is a word the archive uses often: in SUGGEST_MIN_DOCS documents at least,
# and in one story of SUGGEST_MIN_SHARE (a typo made ten times in 100,000 stories is still
# a typo: "Did you mean president obamaa?").
SUGGEST_MIN_DOCS = 3
SUGGEST_MIN_SHARE = 1 / 20_000


def floor(stories: int) -> int:
    """How many documents a suggested word must be in, at least, in an archive of
    ``stories`` stories."""
    return max(SUGGEST_MIN_DOCS, math.ceil(stories * SUGGEST_MIN_SHARE))


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with at most one letter changed, added or removed."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]
