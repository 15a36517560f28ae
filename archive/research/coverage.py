"""Coverage over time: how many stories a search (a person, an outlet) found per day, week
or month, and what share they were of every story the archive published in that period.

The matches come from ``search.api.day_counts`` (one story per cluster of copies, as the search
page counts them, at its newest copy's date); the archive's own totals per period from the
database, counted the same way, cached under the archive's generation like the other
archive-wide figures (``archive.stats``). Periods without a story are zeros.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.db import models

from search import api

from ..dates import add_months
from ..models import Article
from ..pagecache import generation

INTERVALS = ("day", "week", "month")
MEASURES = ("count", "share")
DAY_SPAN_DAYS = 92  # matches spanning up to this many days are counted per day (~3 months)
WEEK_SPAN_DAYS = 731  # up to this many per week (~2 years); beyond, per month
MAX_PERIODS = 750  # an interval asked for that gives more periods falls back to a coarser one
TOTALS_CACHE_SECONDS = 300  # the archive's totals per period, while nothing changes
TOTALS_CACHE_KEY = "research:totals"


class CoverageError(ValueError):
    """A parameter of a coverage request that cannot be read; ``str()`` says why."""


def read_choice(get) -> tuple[str | None, str]:
    """``(interval, measure)`` from a query string's ``interval`` and ``measure``: the
    interval None when not given (chosen from the matches' span), the measure ``count``
    unless ``share``. Anything else raises ``CoverageError`` with the message to show."""
    interval = get.get("interval", "") or None
    measure = get.get("measure", "") or "count"
    if interval is not None and interval not in INTERVALS:
        raise CoverageError(f'Unknown interval "{interval[:40]}": use day, week or month.')
    if measure not in MEASURES:
        raise CoverageError(f'Unknown measure "{measure[:40]}": use count or share.')
    return interval, measure


# -- Periods ------------------------------------------------------------------------------


def period_start(day: date, interval: str) -> date:
    """The first day of the period of ``interval`` holding ``day`` (weeks start on Monday)."""
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_start(start: date, interval: str) -> date:
    """The first day of the period after the one starting on ``start``."""
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    return add_months(start, 1)


def period_end(start: date, interval: str) -> date:
    """The last day of the period starting on ``start``."""
    return next_start(start, interval) - timedelta(days=1)


def period_starts(first: date, last: date, interval: str) -> list[date]:
    """The first days of every period of ``interval`` from ``first``'s to ``last``'s."""
    starts, start, end = [], period_start(first, interval), period_start(last, interval)
    while start <= end:
        starts.append(start)
        start = next_start(start, interval)
    return starts


def period_count(first: date, last: date, interval: str) -> int:
    """How many periods of ``interval`` ``first`` to ``last`` touch (both counted)."""
    if interval == "day":
        return (last - first).days + 1
    if interval == "week":
        return (period_start(last, "week") - period_start(first, "week")).days // 7 + 1
    return (last.year - first.year) * 12 + last.month - first.month + 1


def choose_interval(first: date, last: date) -> str:
    """Days for a span of up to ``DAY_SPAN_DAYS``, weeks up to ``WEEK_SPAN_DAYS``, months
    beyond."""
    span = (last - first).days + 1
    if span <= DAY_SPAN_DAYS:
        return "day"
    if span <= WEEK_SPAN_DAYS:
        return "week"
    return "month"


def coarser(interval: str) -> str | None:
    index = INTERVALS.index(interval)
    return INTERVALS[index + 1] if index + 1 < len(INTERVALS) else None


# -- The archive's totals -----------------------------------------------------------------


def _compute_totals() -> dict:
    """Published stories per period of each interval, counted as ``search.api.matches``
    counts them: the copies of one story (a cluster) once, at its newest copy's date.

    Two queries: the published stories per day (from the status and date index alone),
    and the stories filed in a cluster (by the cluster index; their state is checked here,
    as the archive's views do, so that SQLite does not walk the whole status index)."""
    per_day: Counter = Counter(
        dict(
            Article.objects.published()
            .dated()
            .order_by()
            .values_list("published")
            .annotate(n=models.Count("id"))
        )
    )
    newest: dict[int, date] = {}
    published = Article.Status.PUBLISHED
    copies = Article.objects.filter(cluster_id__gt=0).order_by()  # a range of the index
    for day, cluster, status in copies.values_list("published", "cluster_id", "status"):
        if status != published or day is None:
            continue
        per_day[day] -= 1  # counted above as a story of its own
        if cluster not in newest or day > newest[cluster]:
            newest[cluster] = day
    per_day.update(newest.values())
    totals = {interval: Counter() for interval in INTERVALS}
    for day, n in per_day.items():
        if n:
            for interval in INTERVALS:
                totals[interval][period_start(day, interval)] += n
    days = [day for day, n in per_day.items() if n]
    return {
        "totals": {interval: dict(counts) for interval, counts in totals.items()},
        "first": min(days, default=None),
        "last": max(days, default=None),
    }


def archive_totals() -> dict:
    """``{"totals": {interval: {period start: stories}}, "first": day, "last": day}``: every
    published story per period (copies once) and the first and last publication dates.
    Cached under the archive's generation: two queries when cold, none after."""
    key = f"{TOTALS_CACHE_KEY}:{generation()}"
    return cache.get_or_set(key, _compute_totals, TOTALS_CACHE_SECONDS)


# -- A series -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One period of a series: its first and last day, the matches dated in it and every
    published story of the archive dated in it."""

    start: date
    end: date
    stories: int
    all_stories: int

    @property
    def share(self) -> float | None:
        """``stories`` as a fraction of ``all_stories``; None for a period with no story."""
        return self.stories / self.all_stories if self.all_stories else None


@dataclass
class Series:
    """Matches per period, oldest first, every period between the first and the last one
    present (zeros included)."""

    interval: str
    periods: list[Period]
    total: int  # every match, the undated ones included
    undated: int  # matches without a date: in no period
    automatic: bool = True  # the interval was chosen from the span, not asked for
    unit: str = "stories"  # or "quotes"
    notices: list[str] = field(default_factory=list)

    @property
    def dated(self) -> int:
        return self.total - self.undated

    @property
    def busiest(self) -> Period | None:
        """The period with the most matches (the earliest of equals); None without any."""
        best = None
        for period in self.periods:
            if period.stories and (best is None or period.stories > best.stories):
                best = period
        return best


@dataclass
class Plan:
    """The periods a series (or several, compared) is drawn in."""

    interval: str
    starts: list[date]
    automatic: bool
    notices: list[str]


def plan(
    dated,
    interval: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    figures: dict | None = None,
) -> Plan | None:
    """The periods for the dates ``dated`` (None when there are none): per ``interval``
    (None: chosen from their span by ``choose_interval``). A ``date_from``/``date_to``
    filter stretches the span to the filter's range, within the archive's dates, so that a
    search's quiet months show as zeros; an interval giving more than ``MAX_PERIODS``
    periods falls back to a coarser one with a notice."""
    if not dated:
        return None
    figures = figures or archive_totals()
    first, last = min(dated), max(dated)
    if date_from and figures["first"] and date_from < first:
        first = max(date_from, min(figures["first"], first))
    if date_to and figures["last"] and date_to > last:
        last = min(date_to, max(figures["last"], last))
    notices = []
    automatic = interval is None
    if automatic:
        interval = choose_interval(first, last)
    while (n := period_count(first, last, interval)) > MAX_PERIODS and coarser(interval):
        wider = coarser(interval)
        if not automatic:
            notices.append(f"Too many {interval}s to draw ({n:,}): shown per {wider}.")
        interval = wider
    return Plan(interval, period_starts(first, last, interval), automatic, notices)


def fill(counted, chosen: Plan | None, *, unit="stories", figures=None) -> Series:
    """The series of a search's matches counted by day (``search.api.DayCounts``) over the
    periods ``chosen``."""
    total, undated = counted.total, counted.undated
    if chosen is None:
        return Series("month", [], total, undated, unit=unit)
    figures = figures or archive_totals()
    interval = chosen.interval
    counts = Counter()
    for day, n in counted.days.items():
        counts[period_start(day, interval)] += n
    all_stories = figures["totals"][interval]
    periods = [
        Period(start, period_end(start, interval), counts.get(start, 0), all_stories.get(start, 0))
        for start in chosen.starts
    ]
    return Series(interval, periods, total, undated, chosen.automatic, unit, list(chosen.notices))


def coverage(asked, interval: str | None = None) -> Series:
    """The coverage of a search (``search.api.SearchRequest``): its matches counted per
    period of ``interval`` (None: chosen from their span), stretched to its date filter
    (see ``plan``)."""
    counted = api.day_counts(asked.text, **asked.kwargs())
    figures = archive_totals()
    chosen = plan(list(counted.days), interval, asked.date_from, asked.date_to, figures)
    unit = "quotes" if asked.scope == "quotes" else "stories"
    series = fill(counted, chosen, unit=unit, figures=figures)
    series.notices[:0] = counted.notices
    return series


def aligned(requests, interval: str | None = None) -> list[Series]:
    """The coverage of several searches over the same periods (the comparison page): the
    interval is chosen from the span of all their matches together, stretched to a date
    filter they all share."""
    figures = archive_totals()
    counted = [api.day_counts(asked.text, **asked.kwargs()) for asked in requests]
    every = [day for c in counted for day in c.days]
    froms = {a.date_from for a in requests}
    tos = {a.date_to for a in requests}
    date_from = froms.pop() if len(froms) == 1 else None
    date_to = tos.pop() if len(tos) == 1 else None
    chosen = plan(every, interval, date_from, date_to, figures)
    result = []
    for c in counted:
        series = fill(c, chosen, figures=figures)
        series.notices += c.notices
        result.append(series)
    return result
