"""More like this: the stories closest to one story, from the search index.

A story's key terms are the words of its text that Whoosh's ``Bo1`` expansion model
ranks highest (frequent in the story, rare in the archive: ``key_terms``, the same terms
and weights as ``Searcher.key_terms_from_text``); the stories using them most are found
from the body postings, read a block at a time (``postings.term_postings``).

The statistics of each word (how often the archive uses it, in how many stories) are
kept per searcher (``_word_stats``): most words of a story are common ones that other
stories looked up already, and one lookup in the term index costs more than the rest of
the word's work.
"""

from __future__ import annotations

import heapq
import logging
import math
import threading
import weakref
from collections import Counter

import numpy as np
from whoosh.reading import TermNotFound

from .. import source
from .postings import term_postings
from .schema import TEXT_ANALYZER
from .searchers import get_entry

log = logging.getLogger(__name__)

MORE_LIKE_THIS_CHARS = 20_000  # characters of a story whose key terms find similar ones
MORE_LIKE_THIS_TERMS = 12
MORE_LIKE_THIS_MAX_DF = 0.05  # of the stories: a word in more is not a key term
MORE_LIKE_THIS_MIN_DF = 50  # ... unless the archive is small
MORE_LIKE_THIS_RERANK = 50  # best matches whose length is then taken into account
WORD_STATS_MAX = 200_000  # words whose statistics a searcher keeps (about 30 MB)
FIELD = "body"

_stats_lock = threading.Lock()
_stats: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # searcher -> word stats


def more_like_this(article_id: int, limit: int = 5, *, text: str | None = None) -> list[int]:
    """Ids of published articles similar to ``article_id``, most similar first.

    The story's key terms (``MORE_LIKE_THIS_TERMS`` words of its text that are frequent in
    it and rare in the archive) are looked up in the body postings. A story scores, for each
    key term it contains, the term's weight times its inverse document frequency times a
    saturating function of how often it uses the term; the best ``MORE_LIKE_THIS_RERANK``
    are then divided by the fourth root of their length, so long stories do not win by
    containing every word. Words found in more than ``MORE_LIKE_THIS_MAX_DF`` of the stories
    (in a small archive: in half of them) are skipped: they say little about what a story is
    about, and their postings would make the cost grow with the archive.

    ``text`` saves a query when the caller already has the article's text.
    """
    entry = get_entry(wait=False)
    if entry is None:
        return []
    if text is None:
        text = source.article_text(article_id)
        if text is None:
            return []
    # The opening of a story names what it is about; analysing all of a huge one would hold
    # the searcher lock for seconds on every view of its page.
    text = text[:MORE_LIKE_THIS_CHARS]
    with entry.lock:
        try:
            return _similar(entry.searcher, article_id, text, limit)
        except Exception:
            log.exception("more_like_this failed for article %s", article_id)
            return []


def _word_stats(searcher) -> dict:
    """The searcher's kept word statistics: word -> (uses in the archive, stories)."""
    with _stats_lock:
        found = _stats.get(searcher)
        if found is None:
            found = _stats[searcher] = {}
        elif len(found) >= WORD_STATS_MAX:
            found.clear()
        return found


def word_stats(searcher, words) -> dict:
    """``{word: (frequency, doc_frequency)}`` in the body field for those of ``words`` the
    index has (the sums over its segments, as ``IndexReader.frequency`` and
    ``doc_frequency`` give them), one term-index lookup per word not seen before."""
    kept = _word_stats(searcher)
    leaves = searcher.reader().leaf_readers()
    out = {}
    for word in words:
        stats = kept.get(word)
        if stats is None:
            frequency, stories = 0, 0
            for leaf, _offset in leaves:
                try:
                    info = leaf.term_info(FIELD, word)
                except TermNotFound:
                    continue
                frequency += info.weight()
                stories += info.doc_frequency()
            stats = kept[word] = (frequency, stories) if stories else ()
        if stats:
            out[word] = stats
    return out


def _bo1(weight: float, f: float) -> float:
    """Whoosh's ``Bo1Model.score`` of a word used ``weight`` times in the text and
    ``f`` times per document in the archive, operation for operation."""
    return weight * math.log((1.0 + f) / f, 2) + math.log(1.0 + f, 2)


def key_terms(searcher, text: str, number: int) -> list[tuple[str, float, int]]:
    """The ``number`` key terms of ``text`` by Whoosh's ``Bo1`` model, best first:
    ``(word, weight, doc_frequency)``, the words and weights of
    ``searcher.key_terms_from_text("body", text, number)``.

    Words are scored from the most used in the text down; the words used ``k`` times are
    not looked up when ``number`` words already score more than any word used ``k``
    times can (``_bo1`` is highest at one of the ends of the possible frequencies), which
    leaves out most of the words a story uses once.
    """
    counts = Counter(TEXT_ANALYZER.terms(text)[0])
    if not counts:
        return []
    reader = searcher.reader()
    n = reader.doc_count_all()
    highest_f = max(1.0, reader.field_length(FIELD) / n)  # no word is used more often
    levels: dict[int, list[str]] = {}
    for word, count in counts.items():
        levels.setdefault(count, []).append(word)
    scored: list[tuple[float, str]] = []
    stats: dict[str, tuple] = {}
    for count in sorted(levels, reverse=True):
        if len(scored) >= number:
            floor = heapq.nlargest(number, scored)[-1][0]
            weight = float(count)
            if floor > max(_bo1(weight, 1 / n), _bo1(weight, highest_f)) * (1 + 1e-9):
                break
        found = word_stats(searcher, sorted(levels[count]))
        stats.update(found)
        weight = float(count)
        scored.extend(
            (_bo1(weight, frequency / n), word) for word, (frequency, _d) in found.items()
        )
    if not scored:
        return []
    maxweight = max(score for score, _word in scored)
    f = maxweight / n  # Bo1Model.normalizer
    norm = (maxweight * math.log((1.0 + f) / f) + math.log(1.0 + f)) / math.log(2.0)
    ranked = [(score / norm, word) for score, word in scored]
    ranked.sort(key=lambda x: (0 - x[0], x[1]))
    return [(word, weight, stats[word][1]) for weight, word in ranked[:number]]


def _similar(searcher, article_id, text, limit):
    reader = searcher.reader()
    stories = max(1, searcher.doc_frequency("kind", "article"))
    # Never a word in half the stories or more, however small the archive.
    most = min(
        max(1, (stories - 1) // 2), max(MORE_LIKE_THIS_MIN_DF, int(stories * MORE_LIKE_THIS_MAX_DF))
    )
    chosen = []
    for word, weight, frequency in key_terms(searcher, text, MORE_LIKE_THIS_TERMS * 3):
        if 0 < frequency <= most:
            chosen.append((word, weight * math.log(1 + stories / frequency)))
        if len(chosen) == MORE_LIKE_THIS_TERMS:
            break
    best = _best_live(reader, *_scores(searcher, chosen), MORE_LIKE_THIS_RERANK)
    ranked = heapq.nlargest(
        limit + 1,
        (
            (score / reader.doc_field_length(docnum, FIELD, 1) ** 0.25, docnum)
            for docnum, score in best
        ),
    )
    similar = []
    for _score, docnum in ranked:
        found = searcher.stored_fields(docnum).get("article_id")
        if found is not None and found != article_id:
            similar.append(found)
    return similar[:limit]


def _scores(searcher, chosen) -> tuple:
    """Every document using a key term, its score and the rank of its first posting:
    ``(docnums, scores, first)``, numpy arrays.

    A document's score adds up, key term after key term, the term's weight times
    ``uses / (uses + 1.2)``: the same sums, in the same order, as adding them up one
    posting at a time.
    """
    docs, parts = [], []
    for word, weight in chosen:
        ids, uses = term_postings(searcher, FIELD, word)
        if ids:
            used = np.asarray(uses, dtype=np.float64)
            docs.append(np.asarray(ids, dtype=np.int64))
            parts.append(weight * used / (used + 1.2))
    if not docs:
        return np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64)
    docnums, first, where = np.unique(np.concatenate(docs), return_index=True, return_inverse=True)
    # bincount adds the contributions in the order given: term by term
    return docnums, np.bincount(where, weights=np.concatenate(parts)), first


def _best_live(reader, docnums, scores, first, number: int) -> list[tuple[int, float]]:
    """The ``number`` best ``(docnum, score)`` whose document is not deleted, best first,
    equal scores in the order of their first posting (the postings include the deleted
    documents of a segment; they are few, so only the best are checked)."""
    deletions = reader.has_deletions()
    want = number
    while True:
        if len(scores) > want:
            floor = np.partition(scores, len(scores) - want)[len(scores) - want]
            some = np.flatnonzero(scores >= floor)
        else:
            some = np.arange(len(scores))
        some = some[np.lexsort((first[some], -scores[some]))]
        best = [(int(docnums[i]), float(scores[i])) for i in some]
        if not deletions:
            return best[:number]
        live = [item for item in best if not reader.is_deleted(item[0])]
        if len(live) >= number or len(some) == len(scores):
            return live[:number]
        want *= 4
