"""The coverage chart of the home page: bars per month (or per year) and year marks.

Geometry only: the numbers an SVG template draws from counts the caller has read.
"""

import datetime

from django.urls import reverse

from .dates import add_months, months_spanned

TIMELINE_MAX_LABELS = 12  # year labels under the chart; more years label every n-th one
TIMELINE_MIN_MONTHS = 2  # a first year of one month drawn is not labelled (it would cover the next)


def timeline(rows):
    """Bars for a coverage chart from ``[(month_date, count)]``, gaps filled with zeros.

    Returns a dict with ``bars`` (``x``, ``height``, ``count``, ``label``, ``url``), the
    chart ``width``/``height`` and the ``max`` count, ready for the SVG template; ``None``
    when there are no dated stories. Long spans are drawn per year so bars stay visible.
    """
    rows = [(d, n) for d, n in rows if d is not None and n]
    if not rows:
        return None
    first, last = rows[0][0], rows[-1][0]
    months = months_spanned(first, last)
    counts = {}
    if months > 120:
        for d, n in rows:
            counts[d.year] = counts.get(d.year, 0) + n
        keys = [(y, None) for y in range(first.year, last.year + 1)]
        totals = [counts.get(y, 0) for y, _ in keys]
    else:
        for d, n in rows:
            counts[(d.year, d.month)] = counts.get((d.year, d.month), 0) + n
        keys = [(d.year, d.month) for d in (add_months(first, n) for n in range(months))]
        totals = [counts.get(k, 0) for k in keys]
    top = max(totals)
    # A fixed drawing width: the SVG stretches to its box, so bars share it evenly.
    slot = max(4, 720 // len(totals))
    bar_w, gap, chart_h = max(3, slot * 4 // 5), slot - max(3, slot * 4 // 5), 120
    bars = []
    for i, ((y, m), n) in enumerate(zip(keys, totals, strict=True)):
        if m is None:
            label = str(y)
            url = reverse("archive:dates_year", args=[f"{y:04d}"])
        else:
            label = datetime.date(y, m, 1).strftime("%B %Y")
            url = reverse("archive:dates_month", args=[f"{y:04d}", f"{m:02d}"])
        height = round(chart_h * n / top) if n else 0
        bars.append(
            {
                "x": i * (bar_w + gap),
                "y": chart_h - max(height, 1 if n else 0),
                "height": max(height, 1 if n else 0),
                "count": n,
                "label": label,
                "url": url if n else "",
            }
        )
    width = len(bars) * (bar_w + gap)
    by_year = {}
    for (y, _), n in zip(keys, totals, strict=True):
        by_year[y] = by_year.get(y, 0) + n
    return {
        "bars": bars,
        "ticks": year_ticks(keys, bars, width),
        "years": [
            {
                "year": y,
                "count": n,
                "url": reverse("archive:dates_year", args=[f"{y:04d}"]) if n else "",
            }
            for y, n in by_year.items()
        ],
        "width": width,
        "height": chart_h,
        "bar_width": bar_w,
        "max": top,
        "first": bars[0]["label"],
        "last": bars[-1]["label"],
        "per": "year" if months > 120 else "month",
    }


def year_ticks(keys, bars, width):
    """Year marks under a timeline: ``[{"label", "pct", "anchor"}]``.

    A mark stands where each year starts (its January, or its bar when drawn per year), as a
    percentage of the chart's width so the labels stay crisp however the bars stretch; the
    first year is marked at the first bar even when the chart starts mid-year. With more than
    ``TIMELINE_MAX_LABELS`` years only every n-th year is labelled (from the first).
    """
    starts = [(i, y) for i, (y, m) in enumerate(keys) if m is None or m == 1 or i == 0]
    step = -(-len(starts) // TIMELINE_MAX_LABELS)
    ticks = []
    for n, (i, y) in enumerate(starts):
        if n % step:
            continue
        pct = round(100 * bars[i]["x"] / width, 2)
        ticks.append({"label": str(y), "pct": pct, "anchor": "end" if pct > 94 else "start"})
    if len(starts) > 1 and step == 1 and starts[1][0] < TIMELINE_MIN_MONTHS:
        del ticks[0]  # a first year of a month or two: its label would cover the next one
    return ticks
