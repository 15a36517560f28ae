"""``/api/search/``: the search page's search as JSON: the same query language and
filters (read by ``search.api.SearchRequest``), the same results, facets, suggestion and
notices, paged by a cursor over the search's pages."""

from __future__ import annotations

import hashlib
import logging
from typing import Literal

from ninja import Query, Router
from ninja.errors import HttpError

from search import api as search_api

from .. import pages
from ..schemas import SearchResults, absolute, article_ref, path_of, responses
from .common import DATE_DESCRIPTION, MAX_SLUG_CHARS, dates

log = logging.getLogger(__name__)

router = Router()

MAX_QUERY_CHARS = 500  # a longer query is a 422: no reader types one

NOTHING = "Nothing to search for: give q, or a filter (outlet, person, from, to)."
UNAVAILABLE = "Search is unavailable at the moment: the search index cannot be read."
NOT_BUILT = "Search is not available yet: the search index has not been built."
BUSY = "Search is busy: please try again in a moment."


def _person(request, name: str, slug: str) -> dict:
    return {
        "name": name,
        "slug": slug,
        "url": absolute(request, path_of("api:person_detail", slug)),
        "html_url": absolute(request, path_of("archive:person_detail", slug)),
    }


def _hit(request, hit, scope: str) -> dict:
    quote = None
    if scope == "quotes" and hit.quote is not None:
        q = hit.quote
        quote = {
            "id": q.pk,
            "text": q.text,
            "speaker": _person(request, q.speaker.name, q.speaker.slug) if q.speaker_id else None,
            "speaker_label": q.speaker_label,
        }
    return {
        "article": article_ref(request, hit.article),
        "snippet": hit.snippet,
        "people": [_person(request, name, slug) for name, slug in hit.people],
        "copies": len(hit.other_copies),
        "quote": quote,
    }


def _unavailable(message: str) -> HttpError:
    return HttpError(503, message)


@router.get("/", response=responses(SearchResults, 503), url_name="search")
def search(
    request,
    q: str = Query("", max_length=MAX_QUERY_CHARS, description="the search page's query language"),
    scope: Literal["articles", "quotes"] = Query("articles", alias="in"),
    outlet: list[str] = Query([], max_length=MAX_SLUG_CHARS, description="outlets' slugs or names"),
    person: list[str] = Query([], max_length=MAX_SLUG_CHARS, description="people's slugs or names"),
    date_from: str | None = Query(None, alias="from", max_length=10, description=DATE_DESCRIPTION),
    date_to: str | None = Query(None, alias="to", max_length=10, description=DATE_DESCRIPTION),
    sort: Literal["relevance", "newest", "oldest"] = Query("relevance"),
    cursor: str | None = Query(None, max_length=pages.MAX_CURSOR_CHARS),
):
    """Search the published stories (``in=quotes``: their quotations), 20 results a page,
    best first (or newest, oldest). A story republished by several outlets is one result.
    What the query language could not read is said in ``notices``, never an error."""
    dates(date_from, date_to)  # a date that is not one is a 400 here, not a notice
    asked = search_api.SearchRequest.from_query(request.GET)
    if asked.empty:
        raise HttpError(400, NOTHING)
    # A cursor belongs to one search: its kind is a hash of the request and the sort.
    signature = repr((asked.query_items(), sort)).encode()
    kind = "search:" + hashlib.sha1(signature).hexdigest()[:12]
    page = pages.decode(cursor, kind, (int,))[0] if cursor else 1
    if page < 1:
        raise HttpError(400, pages.BAD_CURSOR)
    try:
        result = search_api.search(asked.text, page=page, sort=sort, **asked.kwargs())
    except Exception:  # a damaged index (a segment file cut short or missing)
        log.exception("API search failed for %r: the index cannot be read", asked.text)
        raise _unavailable(UNAVAILABLE) from None
    if result.busy:
        raise _unavailable(BUSY)
    if result.index_missing:
        raise _unavailable(NOT_BUILT)
    # The backend answers a page past the last with the last: past it, nothing.
    hits = result.hits if result.page == page else []
    cursor = pages.encode(kind, page + 1) if hits and page < result.pages else None
    return {
        "query": {
            "q": asked.text,
            "scope": asked.scope,
            "outlet": asked.outlet_slugs,
            "person": asked.person_slugs,
            "date_from": asked.date_from,
            "date_to": asked.date_to,
            "sort": result.sort,
        },
        "total": result.total,
        "exact": not (result.counted or result.cut),
        "results": [_hit(request, hit, asked.scope) for hit in hits],
        "facets": {
            name: [{"value": f.value, "label": f.label, "count": f.count} for f in facets]
            for name, facets in result.facets.items()
        },
        "suggestion": result.suggestion[0] if result.suggestion else None,
        "notices": [*asked.notices, *result.notices],
        "next": pages.next_link(request, cursor),
    }
