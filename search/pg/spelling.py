"""Did you mean, from the word table: a rare word of the query replaced by a word the
archive uses often, one or two letters away (``search.suggestions``).

Candidates are the words nearest the typed word by trigrams (``pg_trgm``'s ``<->`` on the
table's GiST index), among those in more stories than the correction must beat; the edit
distance is checked here.
"""

from __future__ import annotations

import re

from django.db import connection

from .. import suggestions
from ..parse import ParsedQuery
from .documents import ARTICLE_TABLE, WORD_TABLE

NEAREST = 50  # candidate words read per word corrected, nearest by trigrams first
RARE = 3  # a word in this many stories or more is not corrected


def edit_distance(a: str, b: str, limit: int) -> int:
    """Letters changed, added or removed between ``a`` and ``b`` (``limit + 1`` once it
    is certainly more than ``limit``)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _close(word: str, candidate: str, edits: int) -> bool:
    # One edit keeps the first letter, two keep the first two (as the Whoosh backend).
    if edits == 1:
        return candidate[:1] == word[:1] and suggestions.one_edit_apart(word, candidate)
    return candidate[:2] == word[:2] and edit_distance(word, candidate, 2) <= 2


def suggest(parsed: ParsedQuery, hits: int = 0) -> tuple[str, list[str]] | None:
    """A corrected query text, or None.

    A word is corrected when it is in fewer than ``RARE`` stories and a word one edit
    away (else two) is in many more (twenty times, and at least the archive's floor,
    ``suggestions.floor``, and more than the query's ``hits``); of equally common words,
    the first in alphabetical order."""
    words = [w for w in parsed.words if re.fullmatch(r"[^\W\d_]{3,}", w.lower())]
    if not words:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {ARTICLE_TABLE}), word, stories FROM {WORD_TABLE} "
            "RIGHT JOIN (SELECT 1) one ON word = ANY(%s)",
            [[w.lower() for w in words]],
        )
        rows = cursor.fetchall()
        stories = rows[0][0]
        own = {word: n for _total, word, n in rows if word}
        floor = max(suggestions.floor(stories), hits) - 1
        replacements = {}
        for word in words:
            lower = word.lower()
            if own.get(lower, 0) >= RARE:
                continue
            best_freq = max(own.get(lower, 0) * 20, floor)
            cursor.execute(
                f"SELECT word, stories FROM {WORD_TABLE} WHERE stories > %s AND word <> %s "
                "ORDER BY word <-> %s LIMIT %s",
                [best_freq, lower, lower, NEAREST],
            )
            candidates = sorted(cursor.fetchall())
            for edits in (1, 2):
                best = None
                for cand, freq in candidates:
                    if freq > best_freq and _close(lower, cand, edits):
                        best, best_freq = cand, freq
                if best:
                    replacements[word] = best
                    break
    if not replacements:
        return None
    text = parsed.text
    for word, better in replacements.items():
        text = re.sub(rf"(?<![\w:]){re.escape(word)}(?!\w)", better, text)
    return text, sorted(replacements.values())
