"""The coverage chart's geometry: what the SVG template draws for one series or several
(the comparison page), as numbers and labels. Nothing here reads the database.

The drawing is a fixed-height SVG as wide as its box: the bars are drawn in an inner SVG
stretched to the plot's width (``preserveAspectRatio="none"``), the labels in the outer one
at percentages of the width, so text stays crisp and the same size however wide the chart.
"""

from __future__ import annotations

import math
from datetime import date

PLOT_TOP = 26  # px above the plot: the y axis's title
PLOT_HEIGHT = 160  # px
AXIS_BELOW = 42  # px below the plot: the dates and the x axis's title
SLOT = 12  # drawing units per period (the bars' inner SVG is stretched to the width)
GROUP = 10  # of which the bars take this many (the rest is the gap between periods)
MAX_X_LABELS = 6  # dates under the chart; more periods label every n-th one
Y_TICKS = 4  # about this many steps up the y axis
COLOURS = 4  # series styles in the stylesheet (.series-0 ... .series-3)

INTERVAL_NOUN = {"day": "day", "week": "week", "month": "month"}
X_TITLE = {"day": "Day", "week": "Week starting Monday", "month": "Month"}


def long_label(start: date, interval: str) -> str:
    """A period as a reader says it: ``7 February 2022``, ``week of 7 February 2022``,
    ``February 2022``."""
    if interval == "month":
        return f"{start:%B} {start.year}"
    text = f"{start.day} {start:%B} {start.year}"
    return f"week of {text}" if interval == "week" else text


def short_label(start: date, interval: str, with_year: bool) -> str:
    """A period under the chart: ``7 Feb`` (``7 Feb 2022`` with the year), ``Feb 2022``."""
    if interval == "month":
        return f"{start:%b} {start.year}"
    return f"{start.day} {start:%b} {start.year}" if with_year else f"{start.day} {start:%b}"


def nice_step(top: float, integer: bool) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``Y_TICKS`` steps up to
    ``top`` (at least 1 for counts)."""
    if top <= 0:
        return 1
    raw = top / Y_TICKS
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return max(1, round(step)) if integer else step


def y_axis(top: float, share: bool) -> tuple[float, list[tuple[float, str]]]:
    """The axis's top value and its ticks ``[(value, label)]`` from 0 up, for the largest
    value ``top`` (a count, or a percentage when ``share``)."""
    step = nice_step(top, integer=not share)
    steps = max(1, math.ceil(top / step - 1e-9))
    decimals = max(0, -math.floor(math.log10(step))) if share else 0
    ticks = []
    for i in range(steps + 1):
        value = i * step
        label = f"{value:.{decimals}f}%" if share else f"{round(value):,}"
        ticks.append((value, label))
    return steps * step, ticks


def percent(fraction: float | None) -> str:
    """A share as a reader reads it: ``12%``, ``3.4%``, ``0.25%``, ``—`` for none."""
    if fraction is None:
        return "—"
    value = 100 * fraction
    if value == 0:
        return "0%"
    if value >= 10:
        return f"{value:.0f}%"
    return f"{value:.1f}%" if value >= 1 else f"{value:.2f}%"


def chart(series_list, labels, *, measure: str, title: str, link) -> dict:
    """What the template draws for ``series_list`` (``coverage.Series`` over the same
    periods; ``labels`` names each, for the legend) with ``measure`` ``count`` or ``share``.

    ``link(period, index)`` gives the address of a bar (that slice of the search ``index``).
    Returns the SVG's sizes, ``y_ticks`` and ``x_ticks`` (label and position), the axes'
    titles, ``groups`` (one per period: its bars with their geometry, link and words) and
    the ``title``/``desc`` for screen readers; None when no series has a period.
    """
    first = series_list[0]
    if not first.periods:
        return None
    interval, share = first.interval, measure == "share"
    unit = first.unit
    n, k = len(first.periods), len(series_list)

    def value(period):
        if share:
            return 100 * (period.share or 0)
        return period.stories

    top_value = max(value(p) for s in series_list for p in s.periods)
    top, ticks = y_axis(top_value, share)
    bar_width = GROUP / k
    groups = []
    for i, start in enumerate(p.start for p in first.periods):
        bars = []
        for j, series in enumerate(series_list):
            period = series.periods[i]
            v = value(period)
            height = PLOT_HEIGHT * v / top if top else 0
            if v and height < 1:
                height = 1  # a period with a story is never drawn as nothing
            words = (
                f"{labels[j]}: " if k > 1 else ""
            ) + f"{long_label(start, interval)}: {period.stories:,} {noun(unit, period.stories)}"
            if unit == "stories":
                words += f", {percent(period.share)} of {period.all_stories:,}"
            bars.append(
                {
                    "series": j % COLOURS,
                    "x": round(i * SLOT + (SLOT - GROUP) / 2 + j * bar_width, 3),
                    "y": round(PLOT_HEIGHT - height, 3),
                    "height": round(height, 3),
                    "width": round(bar_width, 3),
                    "url": link(period, j) if period.stories else "",
                    "words": words,
                    "stories": period.stories,
                    "share": percent(period.share) if unit == "stories" else "—",
                }
            )
        groups.append(
            {
                "start": start,
                "end": first.periods[i].end,
                "label": long_label(start, interval),
                "all": first.periods[i].all_stories,
                "bars": bars,
            }
        )

    step = math.ceil(n / MAX_X_LABELS)
    x_ticks, last_year = [], None
    for i in range(0, n, step):
        start = first.periods[i].start
        pct = round(100 * (i * SLOT + SLOT / 2) / (n * SLOT), 2)
        x_ticks.append(
            {
                "pct": pct,
                "label": short_label(start, interval, start.year != last_year),
                "anchor": "start" if pct < 6 else "end" if pct > 94 else "middle",
            }
        )
        last_year = start.year

    y_ticks = [
        {"y": round(PLOT_TOP + PLOT_HEIGHT * (1 - v / top), 2), "label": label}
        for v, label in ticks
    ]
    per = INTERVAL_NOUN[interval]
    what = f"Share of all stories per {per}" if share else f"{unit.capitalize()} per {per}"
    span = f"{long_label(first.periods[0].start, interval)} to {long_label(first.periods[-1].start, interval)}"
    desc = []
    for j, series in enumerate(series_list):
        busiest = series.busiest
        prefix = f"{labels[j]}: " if k > 1 else ""
        if busiest is None:
            desc.append(f"{prefix}no dated {unit}.")
            continue
        desc.append(
            f"{prefix}{series.dated:,} dated {noun(unit, series.dated)}; the busiest {per} "
            f"{long_label(busiest.start, interval)}, {busiest.stories:,}"
            + (f" ({percent(busiest.share)} of all stories)." if unit == "stories" else ".")
        )
        if series.undated:
            desc.append(f"{series.undated:,} undated {noun(unit, series.undated)} not shown.")
    return {
        "title": f"{title}: {what.lower()}, {span}",
        "desc": " ".join(desc),
        "interval": interval,
        "measure": measure,
        "unit": unit,
        "width": n * SLOT,
        "plot_top": PLOT_TOP,
        "plot_height": PLOT_HEIGHT,
        "plot_bottom": PLOT_TOP + PLOT_HEIGHT,
        "height": PLOT_TOP + PLOT_HEIGHT + AXIS_BELOW,
        "x_label_y": PLOT_TOP + PLOT_HEIGHT + 16,
        "x_title_y": PLOT_TOP + PLOT_HEIGHT + AXIS_BELOW - 4,
        "y_title": "Share of all stories (%)" if share else f"{unit.capitalize()} per {per}",
        "x_title": X_TITLE[interval],
        "y_ticks": y_ticks,
        "x_ticks": x_ticks,
        "groups": groups,
        "legend": [
            {"label": label, "series": j % COLOURS, "total": s.total}
            for j, (label, s) in enumerate(zip(labels, series_list, strict=True))
        ]
        if k > 1
        else [],
    }


def noun(unit: str, n: int) -> str:
    """``story``/``stories``, ``quote``/``quotes`` for ``n``."""
    if unit == "quotes":
        return "quote" if n == 1 else "quotes"
    return "story" if n == 1 else "stories"
