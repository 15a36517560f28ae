"""The search page: one small view over ``search.query``."""

import calendar
import logging
from urllib.parse import urlencode

from django.db.models import F
from django.shortcuts import render

from archive.models import Article

from . import query
from .query import PAGE_SIZE, parse_date

MAX_FILTER_VALUES = 5
UNAVAILABLE = (
    "Search is unavailable at the moment: the search index cannot be read. "
    "The stories themselves are unaffected; please try again later."
)

log = logging.getLogger(__name__)


class Params:
    """The page's query parameters, and links that change one of them (dropping ``page``)."""

    KEYS = ("q", "in", "outlet", "person", "from", "to", "sort")

    def __init__(self, get):
        self.items = [(k, v) for k in self.KEYS for v in get.getlist(k)[:MAX_FILTER_VALUES] if v]

    def url(self, add=(), remove=(), replace=None):
        """``?…`` with ``add`` pairs added, ``remove`` pairs (or keys) removed."""
        replace = replace or {}
        items = [
            (k, v)
            for k, v in self.items
            if (k, v) not in remove and k not in remove and k not in replace
        ]
        items += [(k, v) for k, v in replace.items() if v]
        items += [pair for pair in add if pair not in items]
        return "?" + urlencode(items) if items else "?"

    def page_url(self, number):
        return self.url(add=[("page", number)]) if number > 1 else self.url()


def _form_date(value, end, label, notices):
    if not value:
        return None
    try:
        return parse_date(value, end=end)
    except ValueError:
        notices.append(f'"{value}" is not a date (use YYYY-MM-DD); the {label} filter was ignored.')
        return None


def _page_number(value):
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def search(request):
    """Search the archive's articles (or quotes, with ``in=quotes``)."""
    get = request.GET
    params = Params(get)
    text = get.get("q", "").strip()
    scope = "quotes" if get.get("in") == "quotes" else "articles"
    outlets = get.getlist("outlet")[:MAX_FILTER_VALUES]
    people = get.getlist("person")[:MAX_FILTER_VALUES]
    notices = []
    date_from = _form_date(get.get("from", ""), False, "from", notices)
    date_to = _form_date(get.get("to", ""), True, "to", notices)
    context = {"q": text, "scope": scope, "params": params, "sort": get.get("sort", "")}
    if not (text or outlets or people or date_from or date_to):
        latest = (
            Article.objects.published()
            .select_related("outlet")
            .order_by(F("published").desc(nulls_last=True), "-id")[:PAGE_SIZE]
        )
        context.update(latest=latest, notices=notices)
        return render(request, "search/search.html", context)

    try:
        result = query.run_search(
            text,
            page=_page_number(get.get("page")),
            sort=get.get("sort", "relevance"),
            scope=scope,
            outlet_slugs=outlets,
            person_slugs=people,
            date_from=date_from,
            date_to=date_to,
        )
    except Exception:  # a damaged index (a segment file cut short or missing)
        log.exception("search failed for %r: the index cannot be read", text)
        context.update(notices=[*notices, UNAVAILABLE])
        return render(request, "search/search.html", context, status=503)
    result.notices[:0] = notices
    person_key = "person"
    facets = []
    for name, label in (
        ("outlet", "Outlet"),
        ("person", "Speaker" if scope == "quotes" else "Person"),
        ("month", "Month"),
    ):
        entries = []
        for facet in result.facets.get(name, []):
            if name == "month":
                year, month = map(int, facet.value.split("-"))
                start = f"{facet.value}-01"
                end = f"{facet.value}-{calendar.monthrange(year, month)[1]:02d}"
                facet.active = get.get("from") == start and get.get("to") == end
                link = (
                    params.url(remove=["from", "to"])
                    if facet.active
                    else params.url(replace={"from": start, "to": end})
                )
            else:
                key = person_key if name == "person" else name
                link = (
                    params.url(remove=[(key, facet.value)])
                    if facet.active
                    else params.url(add=[(key, facet.value)])
                )
            entries.append((facet, link))
        if entries:
            facets.append((name, label, entries))
    active = [
        (f"Outlet: {o.name}", params.url(remove=[("outlet", o.slug)]))
        for o in result.filters.outlets
        if o.slug in outlets
    ] + [
        (f"Person: {p.name}", params.url(remove=[("person", p.slug)]))
        for p in result.filters.persons
        if p.slug in people
    ]
    if get.get("from") or get.get("to"):
        span = " to ".join(v for v in (get.get("from"), get.get("to")) if v)
        active.append((f"Dates: {span}", params.url(remove=["from", "to"])))
    pages = {
        "number": result.page,
        "count": result.pages,
        "previous": params.page_url(result.page - 1) if result.page > 1 else "",
        "next": params.page_url(result.page + 1) if result.page < result.pages else "",
    }
    suggestion_url = ""
    if result.suggestion:
        suggestion_url = params.url(replace={"q": result.suggestion[0]})
    context.update(
        result=result,
        facets=facets,
        active_filters=active,
        pages=pages,
        first_index=(result.page - 1) * PAGE_SIZE + 1,
        suggestion_url=suggestion_url,
        sort_links=[
            (s, s.capitalize(), params.url(replace={"sort": s}), s == result.sort)
            for s in query.SORTS
        ],
        tab_articles=params.url(remove=["in"]),
        tab_quotes=params.url(replace={"in": "quotes"}),
        notices=result.notices,
    )
    return render(request, "search/search.html", context)
