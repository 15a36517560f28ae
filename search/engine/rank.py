"""Ranking: Whoosh's BM25F computed from the posting lists with numpy (``ranked``), and
Whoosh's own scorer for what that cannot score."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from whoosh import collectors, query, sorting

from .postings import cached_postings

if TYPE_CHECKING:
    from .searchers import Entry

# Whoosh's BM25F parameters (scoring.BM25F defaults, the searcher's weighting).
BM25_B = 0.75
BM25_K1 = 1.2

SCORES_CACHE_MIN = 1_000  # shorter posting lists are read again: it costs little
SCORES_CACHE_POSTINGS = 3_000_000  # about 48 MB


class Unscorable(Exception):
    """A query part the posting-list scorer does not know: Whoosh ranks it."""


def ranked(entry: Entry, q, docs: set[int], clusters: list | None, limit: int) -> list[int]:
    """The best ``limit`` of ``docs`` for ``q`` by BM25F, one per story cluster.

    Scores are Whoosh's own (``scoring.BM25F`` with the field and query boosts, summed over
    the query's terms that a document matches), computed straight from the posting lists:
    Whoosh's matchers step through every match one document at a time, through a tree of
    matcher objects. Ties go to the lower document number, and a cluster is represented
    by its best copy, as with Whoosh's ``TopCollector`` and ``CollapseCollector``.
    """
    mask = None
    if entry is not None:
        mask = np.zeros(len(entry.column("day")), bool)
        mask[np.fromiter(docs, np.int64, len(docs))] = True
    ids, scores = _scores(entry, q, mask)
    if not len(ids):
        return []
    want = limit
    while True:
        if want >= len(ids):
            top_ids, top_scores = ids, scores
        else:
            # Every document scoring at least the want-th best score, in order.
            floor = np.partition(scores, len(scores) - want)[len(scores) - want]
            chosen = scores >= floor
            top_ids, top_scores = ids[chosen], scores[chosen]
        top = top_ids[np.lexsort((top_ids, -top_scores))].tolist()
        # Scored documents that are not matches (a phrase's words apart) drop out.
        out = ordered(top, docs, clusters, limit)
        if len(out) >= limit or len(top) >= len(ids):
            return out
        want *= 4  # copies of a story or documents left out filled the top: look further


_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float64))


def _scores(entry: Entry, q, mask) -> tuple:
    """``(documents, scores)``, numpy arrays, for the documents of ``mask`` (a boolean
    array by document number) that match ``q`` (phrases as their words).

    The scores of several parts are added in the order Whoosh adds them (floating-point
    sums depend on it, and ties with them): an OR's longest part first, then the others
    from the shortest; an AND's parts in turn.
    """
    if isinstance(q, query.Term):
        return _term_scores(entry, q.fieldname, q.text, q.boost, mask)
    if isinstance(q, query.Prefix):
        reader = entry.searcher.reader()
        fieldobj = entry.searcher.schema[q.fieldname]
        terms = [fieldobj.from_bytes(t) for t in reader.expand_prefix(q.fieldname, q.text)]
        if len(terms) == 1:  # Whoosh drops the boost of a prefix that is one word
            return _term_scores(entry, q.fieldname, terms[0], 1.0, mask)
        subs = [query.Term(q.fieldname, t) for t in terms]
        return _scores(entry, query.Or(subs, boost=q.boost), mask)
    if isinstance(q, query.Or) and type(q) in (query.Or, query.DefaultOr):
        parts = sorted((_scores(entry, sub, mask) for sub in q.subqueries), key=_length)
        ids, scores = _add_up(parts[-1:] + parts[:-1], len(mask), every=False)
    elif type(q) is query.And:
        parts = [_scores(entry, sub, mask) for sub in q.subqueries]
        ids, scores = _add_up(parts, len(mask), every=True)
    else:
        raise Unscorable(type(q).__name__)
    if q.boost != 1.0:
        scores = scores * q.boost
    return ids, scores


def _add_up(parts: list, size: int, *, every: bool) -> tuple:
    """The documents of any of ``parts`` (of ``every`` one), with their scores added up
    in the order of ``parts`` (a document number is in a part once)."""
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    total = np.zeros(size, np.float64)
    times = np.zeros(size, np.int16)
    for part_ids, part_scores in parts:
        total[part_ids] += part_scores
        times[part_ids] += 1
    ids = np.flatnonzero(times == len(parts) if every else times)
    return ids, total[ids]


def _length(part) -> int:
    return len(part[0])


def _term_scores(entry: Entry, fieldname: str, text, boost: float, mask) -> tuple:
    ids, scores = term_scores(entry, fieldname, text)
    wanted = mask[ids]
    ids, scores = ids[wanted], scores[wanted]
    return (ids, scores) if boost == 1.0 else (ids, scores * boost)


def term_scores(entry: Entry, fieldname: str, text) -> tuple:
    """A term's postings (document numbers, deleted ones included) and each one's BM25F
    score (no query boost), numpy arrays; long lists are kept for the index generation
    (up to ``SCORES_CACHE_POSTINGS`` postings in all, least recently used dropped first)."""
    key = (fieldname, text)
    cache = entry.scores
    found = cache.get(key)
    if found is not None:
        cache.move_to_end(key)
        return found
    searcher = entry.searcher
    if fieldname not in searcher.schema or not searcher.schema[fieldname].scorable:
        raise Unscorable(fieldname)
    ids, weights = cached_postings(entry, fieldname, text)
    ids = np.array(ids, np.int32)
    if len(ids):
        idf = searcher.idf(fieldname, text)
        k1_1 = BM25_K1 + 1
        # Whoosh's scoring.bm25, operation for operation in double precision (the same
        # rounding, so the same ties), with the length part taken from ``length_norms``.
        norms = entry.length_norms(fieldname, ids)
        weights = np.array(weights, np.float64)
        scores = idf * ((weights * k1_1) / (weights + norms))
    else:
        scores = np.zeros(0, np.float64)
    found = (ids, scores)
    if len(ids) >= SCORES_CACHE_MIN:
        cache[key] = found
        entry.scores_size += len(ids)
        while entry.scores_size > SCORES_CACHE_POSTINGS and len(cache) > 1:
            _key, (dropped, _s) = cache.popitem(last=False)
            entry.scores_size -= len(dropped)
    return found


def whoosh_ranked(searcher, words, docs, clusters, limit) -> list[int]:
    """Whoosh's own ranking, for queries ``ranked`` cannot score."""
    if clusters is not None:
        collector = collectors.CollapseCollector(
            _Allowed(collectors.TopCollector(limit), docs), sorting.FieldFacet("cluster")
        )
        searcher.search_with_collector(scoring(words), collector)
        hits = collector.results()
    else:
        hits = searcher.search(scoring(words), limit=limit, filter=docs)
    return [hit.docnum for hit in hits]


SKIP_TO_MAX = 300  # ranking jumps from one matching document to the next below this


class _Allowed(collectors.WrappingCollector):
    """Passes on only the documents in ``allow``. (Whoosh's own ``filter=`` wraps the
    collapsing collector and feeds documents past its collapsing step.)"""

    def __init__(self, child, allow: set[int]):
        super().__init__(child)
        self.allow = allow

    def matches(self):
        allow, offset = self.allow, self.child.offset
        if len(allow) > SKIP_TO_MAX:
            return (d for d in self.child.matches() if d + offset in allow)
        return self._skip_to_allowed()

    def _skip_to_allowed(self):
        # Few documents to rank: jump straight to each (whole posting blocks are skipped)
        # instead of stepping through every match of the words.
        matcher, offset = self.child.matcher, self.child.offset
        end = offset + self.child.subsearcher.reader().doc_count_all()
        for doc in sorted(d - offset for d in self.allow if offset <= d < end):
            if not matcher.is_active():
                return
            if matcher.id() < doc:
                matcher.skip_to(doc)
                if not matcher.is_active():
                    return
            if matcher.id() == doc:
                yield doc


def scoring(q):
    """``q`` for ranking documents already known to match it: a phrase scores as its
    words (checking word positions again for every candidate would double the work)."""
    if isinstance(q, query.Phrase):
        return query.And([query.Term(q.fieldname, w, boost=q.boost) for w in q.words])
    if isinstance(q, (query.And, query.Or)):
        return type(q)([scoring(sub) for sub in q.subqueries], boost=q.boost)
    return q


def ordered(order: list[int], docs: set[int], clusters: list | None, limit: int) -> list[int]:
    """The first ``limit`` of ``docs`` in ``order``, one per story cluster."""
    out = []
    seen = set()
    for d in order:
        if d not in docs:
            continue
        if clusters is not None and clusters[d]:
            if clusters[d] in seen:
                continue
            seen.add(clusters[d])
        out.append(d)
        if len(out) >= limit:
            break
    return out
