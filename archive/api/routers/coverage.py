"""``/api/coverage/``: how many stories (or quotes) a search found per day, week or month,
and their share of every story the archive published then — the chart of the search page
as JSON, counted as the search counts (a story republished by several outlets once)."""

from __future__ import annotations

import logging
from typing import Literal

from ninja import Query, Router
from ninja.errors import HttpError

from search import api as search_api

from ...research.coverage import CoverageError, coverage, read_choice
from ...research.coverage_views import slice_url
from ..schemas import Coverage, absolute, responses
from .common import DATE_DESCRIPTION, MAX_SLUG_CHARS, dates
from .search import MAX_QUERY_CHARS, NOTHING, UNAVAILABLE

log = logging.getLogger(__name__)

router = Router()


@router.get("/", response=responses(Coverage, 503), url_name="coverage")
def search_coverage(
    request,
    q: str = Query("", max_length=MAX_QUERY_CHARS, description="the search page's query language"),
    scope: Literal["articles", "quotes"] = Query("articles", alias="in"),
    outlet: list[str] = Query([], max_length=MAX_SLUG_CHARS, description="outlets' slugs or names"),
    person: list[str] = Query([], max_length=MAX_SLUG_CHARS, description="people's slugs or names"),
    date_from: str | None = Query(None, alias="from", max_length=10, description=DATE_DESCRIPTION),
    date_to: str | None = Query(None, alias="to", max_length=10, description=DATE_DESCRIPTION),
    interval: Literal["day", "week", "month"] | None = Query(
        None, description="the periods (default: chosen from the span of the matches)"
    ),
):
    """A search's matches per period, oldest first, every period from the first match to
    the last (or the from/to filter's range) with zeros included; each period links to the
    search page narrowed to it."""
    dates(date_from, date_to)
    asked = search_api.SearchRequest.from_query(request.GET)
    if asked.empty:
        raise HttpError(400, NOTHING)
    try:
        chosen, _measure = read_choice(request.GET)
        series = coverage(asked, chosen)
    except CoverageError as error:
        raise HttpError(400, str(error)) from None
    except Exception:  # a damaged index
        log.exception("API coverage failed for %r", asked.text)
        raise HttpError(503, UNAVAILABLE) from None
    stories = series.unit == "stories"
    return {
        "query": {
            "q": asked.text,
            "scope": asked.scope,
            "outlet": asked.outlet_slugs,
            "person": asked.person_slugs,
            "date_from": asked.date_from,
            "date_to": asked.date_to,
        },
        "interval": series.interval,
        "unit": series.unit,
        "total": series.total,
        "undated": series.undated,
        "periods": [
            {
                "start": p.start,
                "end": p.end,
                "count": p.stories,
                "all_stories": p.all_stories,
                "share": round(p.share, 6) if stories and p.share is not None else None,
                "search_url": absolute(request, slice_url(asked, p)),
            }
            for p in series.periods
        ],
        "notices": [*asked.notices, *series.notices],
    }
