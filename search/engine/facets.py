"""Facet counts with numpy over the searcher's numbered columns; the copies of one
story count once."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from ..results import FACET_SIZE, by_count

if TYPE_CHECKING:
    from .searchers import Entry


def facet_counts(
    entry: Entry, docs: set[int], scope: str, keep: int = FACET_SIZE
) -> tuple[int, dict[str, Counter]]:
    """The number of results and the facet counts of ``docs`` (every month and year, the
    first ``keep`` outlets and people; ``sizes``: how many values each facet has).

    Articles count as stories: the copies of one story (one cluster) count once in the
    total, and once for each facet value among them (a story carried by two outlets
    counts once for each outlet: what filtering by that outlet shows). Counting runs on
    the columns' value codes (``Entry.codes``) with numpy.
    """
    ids = np.fromiter(docs, np.int64, len(docs))
    size = len(entry.column("day"))
    total = len(ids)
    clustered = clusters = None
    if scope == "articles":
        labels, codes = entry.codes("cluster")
        ncl = len(labels)
        in_story = codes[ids] != 0  # code 0: no cluster
        clustered = ids[in_story]
        clusters = codes
        found, times = np.unique(codes[clustered], return_counts=True)
        total -= len(clustered) - len(found)
        # Only stories with two or more copies among the matches can count a value twice.
        clustered = clustered[np.isin(codes[clustered], found[times > 1])]
    mask = np.zeros(size, bool)
    mask[ids] = True
    if clustered is not None and len(clustered):
        in_clusters = np.zeros(size, bool)
        in_clusters[clustered] = True

    def count(name: str, keep: int | None) -> Counter:
        """The counts of the values of column ``name``, the first ``keep`` of them."""
        if name == "person_col":
            labels, codes, owners = entry.codes(name)
            counts = np.bincount(codes[mask[owners]], minlength=len(labels))
        else:
            labels, codes = entry.codes(name)
            counts = np.bincount(codes[ids], minlength=len(labels))
            counts[0] = 0  # no value
        if clustered is not None and len(clustered):
            # A value found in n copies of one story counts once, not n times.
            if name == "person_col":
                chosen = in_clusters[owners]
                values, stories = codes[chosen], clusters[owners[chosen]]
            else:
                values, stories = codes[clustered], clusters[clustered]
            if keep and np.count_nonzero(counts) > keep:
                # Only values that can be among the first ``keep`` need their repeats
                # counted (most of the work on a large result).
                contenders = _contenders(counts, values, stories, ncl, keep)
                chosen = contenders[values]
                values, stories = values[chosen], stories[chosen]
            _count_once(counts, values, stories, ncl)
            if name != "person_col":
                counts[0] = 0
        present = np.flatnonzero(counts)
        sizes[name] = len(present)
        if keep and len(present) > keep:  # those that can be among the first ``keep``
            floor = np.partition(counts[present], len(present) - keep)[len(present) - keep]
            present = present[counts[present] >= floor]
        # Larger counts first, then by value: the order facets are shown in.
        items = sorted(((labels[c], int(counts[c])) for c in present), key=by_count)
        return Counter(dict(items[:keep] if keep else items))

    sizes: Counter = Counter()
    counts = {"month": count("month", None), "year": count("year", None)}
    if scope == "quotes":
        counts["speaker"] = count("speaker", keep)
        sizes["person"] = sizes["speaker"]
    else:
        counts["outlet"] = count("outlet_slug", keep)
        counts["person"] = count("person_col", keep)
        sizes["outlet"] = sizes["outlet_slug"]
        sizes["person"] = sizes["person_col"]
    counts["sizes"] = sizes
    return total, counts


def _count_once(counts, values, stories, nstories: int) -> None:
    """Take from ``counts`` the repeats of each value within one story: ``values[i]`` was
    counted for a copy of story ``stories[i]``."""
    pairs = values.astype(np.int64) * nstories + stories
    found, times = np.unique(pairs, return_counts=True)
    repeated = times > 1
    np.subtract.at(counts, found[repeated] // nstories, times[repeated] - 1)


def _contenders(counts, values, stories, nstories: int, keep: int):
    """Which values (a mask over the codes) can be among the ``keep`` most counted once
    each story counts once: the ``keep`` most counted with repeats are counted exactly;
    the least of those, ``m``, is a floor of the keep-th count, and a value counted fewer
    than ``m`` times with its repeats has fewer without them."""
    top = np.argpartition(counts, len(counts) - keep)[len(counts) - keep :]
    in_top = np.zeros(len(counts), bool)
    in_top[top] = True
    exact = counts.copy()
    chosen = in_top[values]
    _count_once(exact, values[chosen], stories[chosen], nstories)
    return counts >= exact[top].min()
