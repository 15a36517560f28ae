"""``/api/quotes/``: quotations of published stories, latest first, by speaker, outlet and
date."""

from __future__ import annotations

import datetime

from ninja import Query, Router

from ...models import Quote
from .. import pages
from ..caching import by_generation
from ..schemas import QuoteList, quote_record, responses
from .common import DATE_DESCRIPTION, MAX_SLUG_CHARS, dates, filter_outlet, filter_person

router = Router()

KIND = "quotes"
DATED_ORDER = ("-published", "-article_id", "position")
UNDATED_ORDER = ("-article_id", "position")


@router.get("/", response=responses(QuoteList), url_name="quote_list")
@by_generation
def quote_list(
    request,
    speaker: str | None = Query(None, max_length=MAX_SLUG_CHARS, description="a person's slug"),
    outlet: str | None = Query(None, max_length=MAX_SLUG_CHARS, description="an outlet's slug"),
    date_from: str | None = Query(None, alias="from", max_length=10, description=DATE_DESCRIPTION),
    date_to: str | None = Query(None, alias="to", max_length=10, description=DATE_DESCRIPTION),
    fragments: bool = Query(False, description="also phrases quoted (a title, a word or two)"),
    cursor: str | None = Query(None, max_length=pages.MAX_CURSOR_CHARS),
    limit: int = Query(pages.DEFAULT_LIMIT, ge=1, le=pages.MAX_LIMIT),
):
    """Quotations, latest story first (in the story's order), undated stories last."""
    person, outlet_found = filter_person(speaker), filter_outlet(outlet)
    start, end = dates(date_from, date_to)
    quotes = Quote.objects.latest()
    if not fragments:
        quotes = quotes.complete()
    if person is not None:
        quotes = quotes.said_by(person)
    if outlet_found is not None:
        quotes = quotes.filter(article__outlet=outlet_found)
    if start:
        quotes = quotes.filter(published__gte=start)
    if end:
        quotes = quotes.filter(published__lte=end)
    after = pages.decode(cursor, KIND, (datetime.date, int, int)) if cursor else None
    # Dated and undated quotes are read apart, each in the order of an index (on
    # PostgreSQL a descending index puts the undated first).
    rows = []
    if after is None or after[0] is not None:
        dated = quotes.filter(published__isnull=False)
        if after is not None:
            published, article_id, position = after
            dated = (
                dated.filter(published__lte=published)
                .exclude(published=published, article_id__gt=article_id)
                .exclude(published=published, article_id=article_id, position__lte=position)
            )
        rows = list(dated.order_by(*DATED_ORDER)[: limit + 1])
    if len(rows) <= limit and not (start or end):
        undated = quotes.filter(published__isnull=True)
        if after is not None and after[0] is None:
            _none, article_id, position = after
            undated = undated.filter(article_id__lte=article_id).exclude(
                article_id=article_id, position__lte=position
            )
        rows += list(undated.order_by(*UNDATED_ORDER)[: limit + 1 - len(rows)])
    rows, cursor = pages.page_of(
        rows, limit, KIND, lambda q: (q.published, q.article_id, q.position)
    )
    return {
        "results": [quote_record(request, q) for q in rows],
        "next": pages.next_link(request, cursor),
    }
