"""The search page: one small view over ``search.api``."""

import contextlib
import logging
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.text import slugify

from . import api, source
from .api import FILTER_NAMES, PAGE_SIZE, SORTS, TOKEN_RE, parse_date
from .request import MAX_FILTER_VALUES, SearchRequest
from .source import days_in_month

UNAVAILABLE = (
    "Search is unavailable at the moment: the search index cannot be read. "
    "The stories themselves are unaffected; please try again later."
)

log = logging.getLogger(__name__)


class Params:
    """The page's query parameters, and links that change one of them (dropping ``page``)."""

    KEYS = ("q", "in", "outlet", "person", "from", "to", "sort", "more")

    def __init__(self, get):
        self.items = [(k, v) for k in self.KEYS for v in get.getlist(k)[:MAX_FILTER_VALUES] if v]

    def url(self, add=(), remove=(), replace=None):
        """``?…`` with ``add`` pairs added, ``remove`` pairs (or keys) removed."""
        replace = dict(replace or {})
        items = []
        for k, v in self.items:
            if (k, v) in remove or k in remove:
                continue
            if k in replace:  # a replaced value keeps its place
                if value := replace.pop(k):
                    items.append((k, value))
                continue
            items.append((k, v))
        items += [(k, v) for k, v in replace.items() if v]
        items += [pair for pair in add if pair not in items]
        return "?" + urlencode(items) if items else "?"

    def page_url(self, number):
        return self.url(add=[("page", number)]) if number > 1 else self.url()


def _period(facet, name):
    """The first and last day of a year or month facet's value, as ``from`` and ``to``."""
    if name == "year":
        return f"{facet.value}-01-01", f"{facet.value}-12-31"
    year, month = map(int, facet.value.split("-"))
    return f"{facet.value}-01", f"{facet.value}-{days_in_month(year, month):02d}"


def _facet_link(params, get, name, facet):
    """The link of a facet value: adding its filter, or removing it when active."""
    if name in ("year", "month"):
        start, end = _period(facet, name)
        facet.active = get.get("from") == start and get.get("to") == end
        if facet.active:
            return params.url(remove=["from", "to"])
        return params.url(replace={"from": start, "to": end})
    if facet.active:
        return params.url(remove=[(name, facet.value)])
    return params.url(add=[(name, facet.value)])


def _named(filters, name: str, value: str) -> str:
    """The name of the outlet or person an ``outlet`` or ``person`` filter value found
    (the value itself when it found none or several could be meant)."""
    if name == "outlet":
        for outlet in filters.outlets:
            if outlet.slug == slugify(value) or outlet.name.lower() == value.lower():
                return outlet.name
        return value
    for person in filters.persons:
        if slugify(value) in (person.slug, slugify(person.name)):
            return person.name
    # Another spelling of a name ("zelenskyy"): the one person found, when only one was asked.
    return filters.persons[0].name if len(filters.persons) == 1 else value


def _dates_label(start: str, end: str) -> str:
    """``Year: 2022``, ``Month: March 2022``, ``Dates: A to B``, ``From: A`` or ``To: B``."""
    with contextlib.suppress(ValueError):
        first, last = parse_date(start), parse_date(end, end=True)
        if (first, last) == (parse_date(start[:4]), parse_date(start[:4], end=True)):
            return f"Year: {first.year}"
        if (first, last) == (parse_date(start[:7]), parse_date(start[:7], end=True)):
            return f"Month: {first:%B %Y}"
    if start and end:
        return f"Dates: {start} to {end}"
    return f"From: {start}" if start else f"To: {end}"


def _active_filters(params, get, text: str, filters, scope: str) -> list[tuple[str, str]]:
    """The active filters as (label, link removing it): those of the form (or the facets)
    and those typed in the query (``person:zelensky``), removed from it."""
    person_label = "Speaker" if scope == "quotes" else "Person"
    labels = {"outlet": "Outlet", "person": person_label, "author": "Author"}
    active = []
    for name in ("outlet", "person"):
        for value in get.getlist(name)[:MAX_FILTER_VALUES]:
            if value:
                label = f"{labels[name]}: {_named(filters, name, value)}"
                active.append((label, params.url(remove=[(name, value)])))
    start, end = get.get("from", ""), get.get("to", "")
    if start or end:
        active.append((_dates_label(start, end), params.url(remove=["from", "to"])))
    for match in TOKEN_RE.finditer(text):
        neg, name, value, _stray = match.groups()
        name = (name or "").lower()
        if neg or name not in FILTER_NAMES or not value.strip('"'):
            continue
        value = value.strip('"').strip()
        shown = _named(filters, name, value) if name in ("outlet", "person") else value
        rest = " ".join(f"{text[: match.start()]} {text[match.end() :]}".split())
        label = labels.get(name, name.capitalize())  # from, to
        active.append((f"{label}: {shown}", params.url(replace={"q": rest})))
    return active


def _page_number(value):
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def search(request):
    """Search the archive's articles (or quotes, with ``in=quotes``)."""
    get = request.GET
    params = Params(get)
    asked = SearchRequest.from_query(get)
    text, scope, notices = asked.text, asked.scope, asked.notices
    context = {"q": text, "scope": scope, "params": params, "sort": get.get("sort", "")}
    if asked.empty:
        latest = source.latest_published(PAGE_SIZE)
        context.update(latest=latest, notices=notices)
        return render(request, "search/search.html", context)

    try:
        result = api.search(
            text,
            page=_page_number(get.get("page")),
            sort=get.get("sort", "relevance"),
            more=get.get("more", ""),
            **asked.kwargs(),
        )
    except Exception:  # a damaged index (a segment file cut short or missing)
        log.exception("search failed for %r: the index cannot be read", text)
        context.update(notices=[*notices, UNAVAILABLE])
        return render(request, "search/search.html", context, status=503)
    result.notices[:0] = notices
    facets = []
    for name, label in (
        ("outlet", "Outlet"),
        ("person", "Speaker" if scope == "quotes" else "Person"),
        ("year", "Year"),
        ("month", "Month"),
    ):
        entries = [
            (facet, _facet_link(params, get, name, facet)) for facet in result.facets.get(name, [])
        ]
        if not entries:
            continue
        more = less = ""
        if result.more == name:
            less = params.url(remove=["more"])
        elif result.facet_more.get(name):
            more = params.url(replace={"more": name})
        facets.append(
            {"name": name, "label": label, "entries": entries, "more": more, "less": less}
        )
    active = _active_filters(params, get, text, result.filters, scope)
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
            (s, s.capitalize(), params.url(replace={"sort": s}), s == result.sort) for s in SORTS
        ],
        tab_articles=params.url(remove=["in"]),
        tab_quotes=params.url(replace={"in": "quotes"}),
        notices=result.notices,
    )
    return render(request, "search/search.html", context)
