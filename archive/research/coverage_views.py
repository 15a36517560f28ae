"""Coverage over time of a search, a person or an outlet, and the comparison page.

* ``coverage_block`` — the chart shown on the search page, a person's page and an
  outlet's page (``{% coverage_chart %}``, ``archive.templatetags.research_tags``);
* ``/search/coverage.csv?q=…`` — the series as CSV (the same filters as the search page);
* ``/compare/?q=…&q=…`` — two to four searches side by side.
"""

from __future__ import annotations

import csv
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.text import slugify
from django.views.decorators.clickjacking import xframe_options_sameorigin

from search import api

from . import chart as charts
from .coverage import INTERVALS, MEASURES, CoverageError, aligned, coverage, read_choice

log = logging.getLogger(__name__)

MIN_COMPARED = 2
MAX_COMPARED = 4
COMPARE_FORM_ROWS = 4  # search rows of the comparison form
COMPARE_TOP = 5  # outlets and people listed for each search compared
COMPARE_HITS = 3  # first hits shown of each search compared
UNAVAILABLE = "Coverage is unavailable at the moment: the search index cannot be read."


def slice_url(asked, period) -> str:
    """The search page for ``asked`` with its dates narrowed to ``period`` (within the
    search's own ``from``/``to``)."""
    start, end = period.start, period.end
    if asked.date_from and asked.date_from > start:
        start = asked.date_from
    if asked.date_to and asked.date_to < end:
        end = asked.date_to
    items = [(k, v) for k, v in asked.query_items() if k not in ("from", "to")]
    items += [("from", start.isoformat()), ("to", end.isoformat())]
    return reverse("search:search") + "?" + urlencode(items)


def search_url(asked) -> str:
    """The search page for ``asked``."""
    return reverse("search:search") + "?" + urlencode(asked.query_items())


def switch_links(get, current: str, key: str, values, base: str = "") -> list[dict]:
    """Links setting ``key`` to each of ``values``, keeping the other parameters of ``get``
    (``current``: the value shown now, not a link), to the page ``base`` ("": this one)."""
    links = []
    for value in values:
        params = get.copy()
        params[key] = value
        url = base + "?" + params.urlencode()
        links.append({"value": value, "url": url, "current": value == current})
    return links


def coverage_block(request, asked, *, title: str, base: str = "") -> dict:
    """The context of the coverage chart (``research/_coverage.html``) of ``asked`` on the
    page of ``request``, whose ``interval`` and ``measure`` it reads; ``title`` names what is
    counted (``Stories matching “…”``); ``base``: the page its switches lead to ("": this)."""
    get = request.GET
    try:
        interval, measure = read_choice(get)
    except CoverageError as error:
        return {"error": str(error)}
    try:
        series = coverage(asked, interval)
    except Exception:  # a damaged index: the page itself says so, or still shows its lists
        log.exception("coverage failed for %r", asked.text)
        return {"error": UNAVAILABLE}
    notices = list(series.notices)
    if measure == "share" and series.unit != "stories":
        notices.append("Quotes are counted, not shown as a share of stories.")
        measure = "count"
    drawn = charts.chart(
        [series], [title], measure=measure, title=title, link=lambda p, _j: slice_url(asked, p)
    )
    items = [*asked.query_items(), ("interval", series.interval)]
    return {
        "chart": drawn,
        "series": series,
        "notices": notices,
        "intervals": switch_links(get, series.interval, "interval", INTERVALS, base),
        "measures": switch_links(get, measure, "measure", MEASURES, base)
        if series.unit == "stories"
        else [],
        "csv_url": reverse("research:coverage_csv") + "?" + urlencode(items),
    }


def bad_request(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def coverage_csv(request):
    """``/search/coverage.csv``: the coverage series of a search (its ``q`` and filters, as
    the search page's) as CSV: period start, period end, stories, all stories, share."""
    asked = api.SearchRequest.from_query(request.GET)
    if asked.notices:
        return bad_request(" ".join(asked.notices))
    if asked.empty:
        return bad_request("Give a search: q=… or a filter (outlet, person, from, to).")
    try:
        interval, _measure = read_choice(request.GET)
    except CoverageError as error:
        return bad_request(str(error))
    try:
        series = coverage(asked, interval)
    except Exception:
        log.exception("coverage failed for %r", asked.text)
        return bad_request(UNAVAILABLE, status=503)
    name = slugify(asked.text)[:60] or "search"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coverage-{name}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    unit = series.unit
    writer.writerow(["period_start", "period_end", unit, "all_stories", "share"])
    for period in series.periods:
        share = "" if period.share is None or unit != "stories" else f"{period.share:.6f}"
        writer.writerow(
            [
                period.start.isoformat(),
                period.end.isoformat(),
                period.stories,
                period.all_stories,
                share,
            ]
        )
    return response


# -- Compare ------------------------------------------------------------------------------


def compared_rows(get) -> list[tuple[str, str]]:
    """The searches of a comparison as ``(words, outlet)``: the ``q`` values in order, each
    with the ``outlet`` value in the same position (the form sends one per row, empty for
    none). A row with neither is left out."""
    texts, outlets = get.getlist("q"), get.getlist("outlet")
    rows = []
    for i, text in enumerate(texts):
        outlet = outlets[i].strip() if i < len(outlets) else ""
        if text.strip() or outlet:
            rows.append((text, outlet))
    return rows


def compared_request(get, text: str, outlet: str):
    """One search of a comparison, read as the search page reads one (``SearchRequest``),
    with the ``from``/``to`` dates every search compared shares."""
    one = get.copy()
    one.setlist("q", [text])
    one.setlist("outlet", [outlet] if outlet else [])
    for key in ("person", "in"):
        one.setlist(key, [])
    return api.SearchRequest.from_query(one)


def facet_links(asked, result, name: str) -> list[dict]:
    """The first ``COMPARE_TOP`` values of a search's facet ``name`` (outlet, person), each
    linking to the search narrowed to it."""
    links = []
    for facet in result.facets.get(name, [])[:COMPARE_TOP]:
        items = [*asked.query_items(), (name, facet.value)]
        url = reverse("search:search") + "?" + urlencode(items)
        links.append({"label": facet.label, "count": facet.count, "url": url})
    return links


def label_of(asked) -> str:
    """A search compared, as the legend names it: its words and outlet."""
    words = f"“{asked.text}”" if asked.text else "All stories"
    if asked.outlet_slugs:
        words += f" in {', '.join(asked.outlet_slugs)}"
    return words


def compare(request):
    """``/compare/?q=…&q=…``: two to four searches side by side — one chart of their
    coverage over the same periods, their totals, top outlets and people, first stories."""
    get = request.GET
    given = compared_rows(get)
    rows = [{"q": text, "outlet": outlet} for text, outlet in given[:MAX_COMPARED]]
    rows += [{"q": "", "outlet": ""}] * max(0, COMPARE_FORM_ROWS - len(rows))
    context = {
        "rows": rows,
        "date_from": get.get("from", ""),
        "date_to": get.get("to", ""),
        "errors": [],
        "notices": [],
    }
    if len(given) > MAX_COMPARED:
        context["errors"].append(
            f"At most {MAX_COMPARED} searches can be compared: {len(given)} were given."
        )
        return render(request, "research/compare.html", context, status=400)
    asked = [compared_request(get, text, outlet) for text, outlet in given]
    try:
        interval, measure = read_choice(get)
    except CoverageError as error:
        context["errors"].append(str(error))
        return render(request, "research/compare.html", context, status=400)
    if asked and asked[0].notices:  # a bad from/to date, the same for every search
        context["errors"] += asked[0].notices
        return render(request, "research/compare.html", context, status=400)
    if len(asked) < MIN_COMPARED:
        if asked:
            context["notices"].append(
                f"Add a second search to compare with {label_of(asked[0])}: "
                f"{MIN_COMPARED} to {MAX_COMPARED} searches can be compared."
            )
        return render(request, "research/compare.html", context)
    try:
        results = [api.search(a.text, **a.kwargs()) for a in asked]
        series_list = aligned(asked, interval)
    except Exception:
        log.exception("comparison failed for %r", [a.text for a in asked])
        context["errors"].append(UNAVAILABLE)
        return render(request, "research/compare.html", context, status=503)
    labels = [label_of(a) for a in asked]
    drawn = charts.chart(
        series_list,
        labels,
        measure=measure,
        title="Coverage compared",
        link=lambda p, j: slice_url(asked[j], p),
    )
    columns = []
    for j, (one, result, series) in enumerate(zip(asked, results, series_list, strict=True)):
        columns.append(
            {
                "label": labels[j],
                "series": j,
                "total": series.total,
                "undated": series.undated,
                "url": search_url(one),
                "outlets": facet_links(one, result, "outlet"),
                "people": facet_links(one, result, "person"),
                "hits": result.hits[:COMPARE_HITS],
                "notices": series.notices,
            }
        )
    interval_now = series_list[0].interval
    context.update(
        chart=drawn,
        columns=columns,
        intervals=switch_links(get, interval_now, "interval", INTERVALS),
        measures=switch_links(get, measure, "measure", MEASURES),
    )
    return render(request, "research/compare.html", context)


# The search page's chart is a frame of its own: the search page answers as fast as before
# and the browser asks for the chart beside it (it counts every match, where a page of
# results reads only the best). No script: the frame's links open in the whole window.
FRAME_PARAMS = ("interval", "measure", "sort")  # kept for the switches' links


def search_title(asked) -> str:
    """What the chart of a search counts, in words."""
    if asked.scope == "quotes":
        return f"Quotes matching “{asked.text}”" if asked.text else "Quotes found"
    return f"Stories matching “{asked.text}”" if asked.text else "Stories found"


def compare_query(asked) -> str:
    """The comparison page's query string starting from the search ``asked``."""
    return urlencode([("q", asked.text)] + [("outlet", s) for s in asked.outlet_slugs[:1]])


def frame_query(get) -> str:
    """The query string of the search page's chart frame: the search and the chart's
    switches of the page's query string ``get`` (not its sort or page)."""
    asked = api.SearchRequest.from_query(get)
    items = asked.query_items() + [(k, get[k]) for k in FRAME_PARAMS if get.get(k)]
    return urlencode(items)


@xframe_options_sameorigin
def coverage_frame(request):
    """``/search/coverage/``: the coverage chart of a search, drawn in the search page's
    frame (its bars, switches and links open in the whole window)."""
    asked = api.SearchRequest.from_query(request.GET)
    if asked.empty:
        return bad_request("Give a search: q=… or a filter (outlet, person, from, to).")
    block = coverage_block(request, asked, title=search_title(asked), base=reverse("search:search"))
    block["framed"] = True  # the page around it has the heading and links to compare
    response = render(request, "research/coverage_frame.html", block)
    policy = settings.ARCHIVE_CONTENT_SECURITY_POLICY
    if policy:
        response["Content-Security-Policy"] = policy.replace(
            "frame-ancestors 'none'", "frame-ancestors 'self'"
        )
    return response


urlpatterns = [
    path("search/coverage/", coverage_frame, name="coverage_frame"),
    path("search/coverage.csv", coverage_csv, name="coverage_csv"),
    path("compare/", compare, name="compare"),
]
