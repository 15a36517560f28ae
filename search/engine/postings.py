"""Reading posting lists and columns as whole arrays: the documents of a query as a set
(``match_docs``), phrases checked on decoded positions, a term's postings a block at a
time (``term_postings``). Whoosh's matchers go one document at a time; its private block
readers are used through ``fastpaths`` only."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
from whoosh import query
from whoosh.reading import TermNotFound

from . import fastpaths
from .schema import POSITIONS_HEAD, UINT_SIZE, FastPositions

if TYPE_CHECKING:
    from .searchers import Entry


def term_docs(searcher, fieldname: str, text) -> set[int]:
    """Document numbers whose ``fieldname`` holds ``text``, read a posting block at a
    time (deleted documents included: callers intersect with ``kind_docs``)."""
    out: set[int] = set()
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        reader = sub.reader()
        try:
            matcher = fastpaths.unfiltered(reader.postings(fieldname, text))
        except TermNotFound:
            continue
        blocks = fastpaths.posting_blocks(matcher)
        if blocks is None:
            out.update(i + offset for i in matcher.all_ids())
            continue
        for ids, _weights, _values in blocks:
            out.update([i + offset for i in ids] if offset else ids)
    return out


def match_docs(searcher, q, entry: Entry | None = None) -> set[int]:
    """Document numbers matching ``q``, with set operations on whole posting lists for
    terms, ORs, ANDs and NOTs (Whoosh's matchers go one document at a time).

    With ``entry`` (the searcher's), posting lists come from ``cached_postings``: the
    ranking reads the same ones."""
    if isinstance(q, query.Term):
        if entry is not None:
            return set(cached_postings(entry, q.fieldname, q.text)[0])
        return term_docs(searcher, q.fieldname, q.text)
    if isinstance(q, query.Or):
        return set().union(*(match_docs(searcher, sub, entry) for sub in q.subqueries))
    if isinstance(q, query.And):
        sets = sorted((match_docs(searcher, sub, entry) for sub in q.subqueries), key=len)
        return sets[0].intersection(*sets[1:]) if sets else set()
    if isinstance(q, query.AndNot):
        found = match_docs(searcher, q.a, entry)
        if not found:
            return found
        excluded = match_docs(searcher, q.b, entry)
        if entry is not None and entry.budget is not None and entry.budget.cut:
            return set()  # what to exclude may not all be known: none is sure to be kept
        return found - excluded
    if isinstance(q, query.Phrase) and q.slop == 1 and q.words:
        return phrase_docs(searcher, q.fieldname, q.words, entry)
    return set(searcher.docs_for_query(q))


def phrase_docs(searcher, fieldname: str, words: list[str], entry=None) -> set[int]:
    """Documents with ``words`` one after the other in ``fieldname``: only documents with
    every word are candidates, and only their positions are decoded.

    Each word's posting list is read once, positions included (with ``entry``, its
    document numbers and weights are kept for ranking: see ``cached_postings``, and the
    matches of a phrase found in many documents are kept for the index generation)."""
    if len(words) == 1:
        if entry is not None:
            return set(cached_postings(entry, fieldname, words[0])[0])
        return term_docs(searcher, fieldname, words[0])
    key = (fieldname, tuple(words))
    if entry is not None and key in entry.phrases:
        entry.phrases.move_to_end(key)
        return set(entry.phrases[key])
    if entry is not None and entry.budget is not None and entry.budget.spent():
        return set()  # not read: counts as empty (see Budget)
    found = _phrase_docs(searcher, fieldname, words, entry)
    if entry is not None and len(found) >= PHRASES_CACHE_MIN:
        # A phrase of common words costs a pass over their positions: kept for the index
        # generation, as the scores of common words are.
        entry.phrases[key] = frozenset(found)
        entry.phrases_size += len(found)
        while entry.phrases_size > PHRASES_CACHE_DOCS and len(entry.phrases) > 1:
            entry.phrases_size -= len(entry.phrases.popitem(last=False)[1])
    return found


PHRASES_CACHE_MIN = 1_000  # documents of a phrase worth keeping its matches
PHRASES_CACHE_DOCS = 1_000_000  # matches kept in all


def _phrase_docs(searcher, fieldname: str, words: list[str], entry) -> set[int]:
    lists = []
    for word in words:
        ids, weights, values = term_postings(searcher, fieldname, word, values=True)
        if entry is not None:
            entry.memo.setdefault((fieldname, word), (ids, weights))
            if entry.budget is not None:
                entry.budget.spend(len(ids))
        lists.append((ids, values))
    fmt = searcher.schema[fieldname].format
    if isinstance(fmt, FastPositions):
        return _phrase_docs_numpy(lists)
    sets = [set(ids) for ids, _values in lists]
    candidates = min(sets, key=len).intersection(*sets)
    if not candidates:
        return candidates
    decode = fmt.decode_positions  # a format of Whoosh's own (FastPositions: above)
    first, *rest = [dict(zip(ids, values, strict=True)) for ids, values in lists]
    # The phrase starts where the first word is and the n-th word is n positions further:
    # the starts are the first word's positions less every other word's shifted back.
    shifts = [((-n).__add__, r) for n, r in enumerate(rest, 1)]
    found = set()
    for doc in candidates:
        starts = set(decode(first[doc]))
        for shift, r in shifts:
            positions = decode(r[doc])
            starts.intersection_update(map(shift, positions))
            if not starts:
                break
        else:
            found.add(doc)
    return found


def _ragged_sums(data: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The running sums of ``data`` restarted at each of its pieces (of ``sizes``)."""
    sums = np.cumsum(data, dtype=np.int64)
    ends = np.cumsum(sizes)
    before = np.zeros(len(sizes), np.int64)
    before[1:] = sums[ends[:-1] - 1]
    return sums - np.repeat(before, sizes)


def _positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Decode ``FastPositions`` values (schema.py: a count, a width byte, then the deltas
    of the positions, a byte or an unsigned int each) all at once: (index of the value,
    position) arrays, in the order of the values and of their positions."""
    if not values:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    head = POSITIONS_HEAD
    buffer = np.frombuffer(b"".join(values), np.uint8)
    lengths = np.fromiter(map(len, values), np.int64, len(values))
    starts = np.cumsum(lengths) - lengths
    width = buffer[starts + UINT_SIZE]
    owner, position = [], []
    for size, dtype in ((1, np.uint8), (4, np.uint32)):
        which = np.flatnonzero(width == size)
        if not len(which):
            continue
        nbytes = lengths[which] - head
        # the deltas' bytes, gathered from the joined buffer
        offsets = np.repeat(starts[which] + head - (np.cumsum(nbytes) - nbytes), nbytes)
        deltas = buffer[offsets + np.arange(len(offsets))].view(dtype)
        counts = nbytes // size
        owner.append(np.repeat(which, counts))
        position.append(_ragged_sums(deltas, counts))
    if len(owner) == 1:
        return owner[0], position[0]
    owner, position = np.concatenate(owner), np.concatenate(position)
    order = np.argsort(owner, kind="stable")
    return owner[order], position[order]


def _in_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which items of the sorted array ``a`` are in the sorted array ``b`` (a mask)."""
    if not len(b):
        return np.zeros(len(a), bool)
    where = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return b[where] == a


def _phrase_docs_numpy(lists: list) -> set[int]:
    """``_phrase_docs`` for ``FastPositions``: the documents with every word, then all
    their positions decoded at once, and the phrase starts (each word's positions less
    its place in the phrase) intersected as (document, start) keys. Posting lists are in
    document order, so every array here is sorted."""
    ids = [np.fromiter(found, np.int64, len(found)) for found, _values in lists]
    docs = min(ids, key=len)
    for other in ids:
        docs = docs[_in_sorted(docs, other)]
    if not len(docs):
        return set()
    keys = None
    for place, ((_found, values), word_ids) in enumerate(zip(lists, ids, strict=True)):
        at = np.flatnonzero(_in_sorted(word_ids, docs))
        picked = itemgetter(*at.tolist())(values) if len(at) > 1 else [values[at[0]]]
        owner, position = _positions(list(picked))
        # a document by its rank among the candidates: keys fit 64 bits, in order
        found = (owner << 32 | position) - place
        keys = found if keys is None else keys[_in_sorted(keys, found)]
        if not len(keys):
            return set()
    ranks = keys >> 32
    first = np.ones(len(ranks), bool)
    first[1:] = ranks[1:] != ranks[:-1]
    return set(docs[ranks[first]].tolist())


def cached_postings(entry: Entry, fieldname: str, text) -> tuple:
    """A term's document numbers and weights (None when they were scored already), read
    once per search: matching and ranking read the same lists."""
    key = (fieldname, text)
    scored = entry.scores.get(key)
    if scored is not None:
        return scored[0].tolist(), None
    if key not in entry.memo:
        budget = entry.budget
        if budget is not None and budget.spent():
            return [], []  # not read: counts as empty (see Budget)
        entry.memo[key] = term_postings(entry.searcher, fieldname, text)
        if budget is not None:
            budget.spend(len(entry.memo[key][0]))
    return entry.memo[key]


def term_postings(searcher, fieldname: str, text, *, values: bool = False) -> tuple:
    """The document numbers and weights of a term's postings, a block at a time
    (deleted documents included), and with ``values`` their encoded positions."""
    ids_out: list[int] = []
    weights_out: list[float] = []
    values_out: list[bytes] = []
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        try:
            matcher = fastpaths.unfiltered(sub.reader().postings(fieldname, text))
        except TermNotFound:
            continue
        blocks = fastpaths.posting_blocks(matcher, weights=True, values=values)
        if blocks is None:
            while matcher.is_active():
                ids_out.append(matcher.id() + offset)
                weights_out.append(matcher.weight())
                if values:
                    values_out.append(matcher.value())
                matcher.next()
            continue
        for ids, weights, block_values in blocks:
            ids_out.extend([d + offset for d in ids] if offset else ids)
            weights_out.extend(weights)
            if values:
                values_out.extend(block_values)
    if values:
        return ids_out, weights_out, values_out
    return ids_out, weights_out
