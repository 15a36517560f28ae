"""A search on the Whoosh index: ``run_search`` (the search page) and
``search_article_ids`` (the admin). The matching documents are found once as a set (total
and facets), then only the page's hits are ranked or ordered by date, one per story
cluster; counts, ranked windows and suggestions are kept per searcher."""

from __future__ import annotations

import time
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from whoosh import query

from .. import results
from ..parse import ParsedQuery, parse
from ..results import (
    BUSY_NOTICE,
    CUT_NOTICE,
    FACET_MORE_SIZE,
    FACET_SIZE,
    SearchResult,
    facet_labels,
)
from . import searchers
from .compile import PrefixWords, date_docs, exclusions, filter_query, text_query
from .facets import facet_counts
from .highlight import highlight_terms
from .hits import article_hits, quote_hits
from .postings import match_docs
from .rank import Unscorable, ordered, ranked, scoring, whoosh_ranked
from .schema import QUOTE_FIELDS, TEXT_ANALYZER, TEXT_FIELDS
from .spelling import suggest

if TYPE_CHECKING:
    from .searchers import Entry

SEARCH_WAIT_SECONDS = 0.2  # time a search waits for the searcher while others use it
CUT_RETRY_SECONDS = 30.0  # a search cut short is kept this long, then run again


def searchable(parsed: ParsedQuery) -> bool:
    """Whether a positive word, phrase or prefix of ``parsed`` is searched (stop words
    analyse to nothing)."""
    return any(
        a.kind == "prefix" or any(True for _ in TEXT_ANALYZER(a.text, mode="query"))
        for g in parsed.groups
        for a in g
    )


def run_search(
    text: str,
    *,
    page: int = 1,
    sort: str = "relevance",
    scope: str = "articles",
    outlet_slugs=(),
    person_slugs=(),
    date_from: date | None = None,
    date_to: date | None = None,
    more: str = "",
    _entry: Entry | None = None,
    _hits: bool = True,
) -> SearchResult:
    """Search the archive: the page of hits, total, facets and a suggestion.

    Database work is fixed whatever the size of the result: resolving named filters,
    one query for the page's articles (or quotes), one each for facet labels. ``more``
    names a facet (``FACETS``) to list in full (``FACET_MORE_SIZE`` values).
    (``_entry`` and ``_hits`` are for warming a searcher: see ``Entry.warm``.)
    """
    result = results.begin(
        text,
        sort=sort,
        scope=scope,
        outlet_slugs=outlet_slugs,
        person_slugs=person_slugs,
        date_from=date_from,
        date_to=date_to,
        more=more,
        searchable=searchable,
    )
    if result.nothing:
        return result
    entry = _entry or searchers.get_entry()
    if entry is None:
        result.index_missing = True
        return result
    search = (
        text,
        ("sort", result.sort),
        ("scope", scope),
        ("outlet_slugs", tuple(outlet_slugs)),
        ("person_slugs", tuple(person_slugs)),
        ("date_from", date_from),
        ("date_to", date_to),
        ("more", result.more),
    )
    if not entry.lock.acquire(timeout=SEARCH_WAIT_SECONDS):
        result.busy = True
        result.notices.append(BUSY_NOTICE)
        return result
    try:
        entry.remember(search)
        entry.budget = searchers.Budget()
        try:
            _search(entry, result, page, scope, hits=_hits)
        finally:
            entry.memo = {}
            entry.budget = None
    finally:
        entry.lock.release()
    if result.cut:
        result.notices.append(CUT_NOTICE)
    return result


CACHED_DOCS_MAX = 5_000  # larger match sets are recomputed for another page, not kept
FACET_CACHE_ENTRIES = 128  # searches' counts, ranked windows and suggestions kept


def _search(entry: Entry, result: SearchResult, page: int, scope: str, hits=True) -> None:
    """Fill ``result``: the matching documents are found once as a set (total and
    facets), then only the page's hits are ranked (BM25F from the posting lists, see
    ``ranked``) or ordered by date (the cached day order), one hit per story cluster."""
    matching, words, prefixes, key = _matcher(entry, result, scope)
    cached = entry.facet_cache.get(key)
    # A search cut short (see Budget) is kept for a while, so that asking again costs
    # nothing, then run again (the server may have more time to give).
    if cached is not None and cached[3] and time.monotonic() - cached[3] > CUT_RETRY_SECONDS:
        entry.facet_cache.pop(key)
        entry.facet_cache.pop((*key, "ranked"), None)
        cached = None
    try:
        _search_docs(entry, result, page, scope, hits, key, cached, matching, words, prefixes)
    finally:
        if entry.budget is not None and entry.budget.cut and key in entry.facet_cache:
            docs, total, counts, cut_at = entry.facet_cache[key]
            entry.facet_cache[key] = (docs, total, counts, cut_at or time.monotonic())
    result.cut = result.cut or bool(entry.budget is not None and entry.budget.cut)


def _matcher(entry: Entry, result: SearchResult, scope: str):
    """The search of ``result`` compiled for ``entry``'s searcher: a function finding the
    set of matching documents, the words' query, the prefixes read and the search's key
    among the cached ones."""
    searcher = entry.searcher
    schema = searcher.schema
    parsed, filters = result.parsed, result.filters
    fields_ = tuple(QUOTE_FIELDS) if scope == "quotes" else tuple(TEXT_FIELDS)
    kind = "quote" if scope == "quotes" else "article"
    prefixes = PrefixWords(entry, parsed, fields_)
    words = text_query(schema, parsed, fields_, prefixes)
    parts = filter_query(filters, person_field="speaker" if scope == "quotes" else "person")
    excluded = exclusions(schema, parsed, fields_, prefixes)
    result.notices.extend(prefixes.notices)

    def matching() -> set[int]:
        sets = [entry.kind_docs(kind)]
        if words is not None:
            sets.append(match_docs(searcher, words, entry))
        sets.extend(match_docs(searcher, part) for part in parts)
        sets.sort(key=len)
        docs = date_docs(entry, filters, sets[0].intersection(*sets[1:]))
        if excluded is not None and docs:
            docs -= match_docs(searcher, excluded)
        return docs

    key = (scope, repr(words), repr(parts), repr(excluded), filters.date_from, filters.date_to)
    return matching, words, prefixes, key


def _search_docs(entry, result, page, scope, hits, key, cached, matching, words, prefixes):
    """``_search`` once the query is built: its counts, page of hits and suggestion."""
    searcher = entry.searcher
    schema = searcher.schema
    parsed, filters = result.parsed, result.filters
    if cached is None:
        docs = matching()
        total, counts = facet_counts(entry, docs, scope)
        cached = (docs if len(docs) <= CACHED_DOCS_MAX else None, total, counts, None)
        entry.facet_cache[key] = cached
        while len(entry.facet_cache) > FACET_CACHE_ENTRIES:
            entry.facet_cache.popitem(last=False)
    else:
        entry.facet_cache.move_to_end(key)
        docs = cached[0]
        result.cut = cached[3] is not None
    _cached_docs, result.total, counts, _cut_at = cached
    result.pages = max(1, -(-result.total // results.PAGE_SIZE))
    result.page = min(max(1, page), result.pages)
    if result.more in ("outlet", "person") and counts["sizes"].get(result.more, 0) > FACET_SIZE:
        # The facet listed in full is counted again for more values (kept like the rest).
        mkey = (*key, "more")
        full = entry.facet_cache.get(mkey)
        if full is None:
            if docs is None:
                docs = matching()
            full = entry.facet_cache[mkey] = facet_counts(entry, docs, scope, FACET_MORE_SIZE)[1]
        counts = {
            **counts,
            **{k: v for k, v in full.items() if k in ("outlet", "person", "speaker")},
        }
    result.facets, result.facet_more = facet_labels(counts, filters, scope, result.more)
    if result.total:
        limit = result.page * results.PAGE_SIZE
        start = (result.page - 1) * results.PAGE_SIZE
        clusters = entry.column("cluster") if scope == "articles" else None
        if words is not None and result.sort == "relevance":
            # The best ``results.RESULT_WINDOW`` are ranked once and kept with the query's counts.
            rkey = (*key, "ranked")
            window = entry.facet_cache.get(rkey)
            if window is None or (len(window[1]) < limit and not window[0]):
                want = max(limit, results.RESULT_WINDOW)
                if docs is None:
                    docs = matching()
                collapse = clusters if clusters is not None and "cluster" in schema else None
                try:
                    best = ranked(entry, scoring(words), docs, collapse, want)
                except Unscorable:
                    best = whoosh_ranked(searcher, words, docs, collapse, want)
                window = entry.facet_cache[rkey] = (len(best) < want, best)
            shown = [(d, searcher.stored_fields(d)) for d in window[1][start:limit]]
        else:
            if docs is None:
                docs = matching()
            page_docs = ordered(entry.by_date(result.sort, docs), docs, clusters, limit)
            page_docs = page_docs[start:limit]
            shown = [(d, searcher.stored_fields(d)) for d in page_docs]
        if not hits:
            return
        terms = highlight_terms(parsed, searcher, prefixes)
        if scope == "quotes":
            result.hits = quote_hits(shown, terms)
        else:
            result.hits = article_hits(shown, terms, clusters, entry.snippets)
    if words is not None and result.total < 5 and result.page == 1:
        skey = ("suggest", tuple(parsed.words), parsed.text, result.total)
        if skey not in entry.facet_cache:
            entry.facet_cache[skey] = suggest(entry, parsed, result.total)
        result.suggestion = entry.facet_cache[skey]


def _matched(text: str, scope: str, filters: dict):
    """Every match of a search as numpy arrays: (ids, days, story codes or None), with its
    notices; ids None when there was nothing to search."""
    result = results.begin(text, sort="newest", scope=scope, searchable=searchable, **filters)
    if result.nothing:
        return None, None, None, result.notices
    entry = searchers.get_entry()
    if entry is None:
        return None, None, None, [*result.notices, results.INDEX_MISSING_NOTICE]
    with entry.lock:
        matching, _words, _prefixes, _key = _matcher(entry, result, scope)
        docs = np.fromiter(matching(), np.int64)
        days = np.asarray(entry.column("day"), np.int64)[docs]
        nums = np.asarray(entry.numbers(), np.int64)[docs]
        clusters = entry.codes("cluster")[1][docs] if scope == "articles" else None
    return nums, days, clusters, result.notices


def run_matches(text: str, *, scope: str = "articles", limit: int | None = None, **filters):
    """Every match of a search (``results.Matches``): one document per story cluster, the
    newest copy, newest first (undated last; ties by id, highest first), exactly counted
    whatever their number (no budget: a download or a chart needs them all)."""
    nums, days, clusters, notices = _matched(text, scope, filters)
    found = results.Matches(notices=notices)
    if nums is not None:
        found.ids, found.dates, found.total = results.newest_per_story(nums, days, clusters, limit)
    return found


def run_day_counts(text: str, *, scope: str = "articles", **filters):
    """``results.DayCounts`` of a search, counted as ``run_matches`` counts."""
    nums, days, clusters, notices = _matched(text, scope, filters)
    if nums is None:
        return results.DayCounts(notices=notices)
    found = results.count_days(nums, days, clusters)
    found.notices = notices
    return found


def search_article_ids(text: str, limit: int = 100) -> list[int]:
    """Ids of published articles matching ``text`` (query language), best first."""
    entry = searchers.get_entry()
    if entry is None:
        return []
    parsed = parse(text)
    with entry.lock:
        prefixes = PrefixWords(entry, parsed, tuple(TEXT_FIELDS))
        words = text_query(entry.searcher.schema, parsed, tuple(TEXT_FIELDS), prefixes)
        if words is None:
            return []
        q = query.And([query.Term("kind", "article"), words])
        excluded = exclusions(entry.searcher.schema, parsed, tuple(TEXT_FIELDS), prefixes)
        if excluded is not None:
            q = query.AndNot(q, excluded)
        return [hit["article_id"] for hit in entry.searcher.search(q, limit=limit)]
