"""What a search returns, whatever the backend: the page of hits, the facets, the
notices; and the facets' labels read from the archive."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from . import source
from .filters import Filters, resolve_filters
from .parse import ParsedQuery, parse

PAGE_SIZE = 20
FACET_SIZE = 10
MONTH_FACET_SIZE = 12
YEAR_FACET_SIZE = 10
# A facet's "more" list (``more=`` on the search page): the first FACET_MORE_SIZE outlets or
# people, every month and year.
FACET_MORE_SIZE = 100
FACETS = ("outlet", "person", "year", "month")
RESULT_WINDOW = 100  # the best hits ranked at once and kept (the first five pages)
SNIPPET_WINDOW = 800  # characters of a story a snippet is made from (two fragments)


@dataclass
class Facet:
    value: str  # the filter value (a slug or YYYY-MM)
    label: str
    count: int
    active: bool = False


@dataclass
class Hit:
    article_id: int
    headline: str
    outlet: str
    outlet_slug: str
    published: date | None
    people: list[tuple[str, str]]
    snippet: str
    article: object = None  # the Article, for its URL
    quote: object = None  # the Quote, on the quotes tab
    # Every published copy of the story (this one included), first copy first; empty
    # when the story has no other copy.
    copies: list = field(default_factory=list)

    @property
    def other_copies(self) -> list:
        return [a for a in self.copies if a.pk != self.article_id]

    @classmethod
    def of_article(cls, article, *, people, snippet: str, copies=(), quote=None) -> Hit:
        """The hit of ``article`` (its headline, outlet and date), or of one of its quotes."""
        return cls(
            article_id=article.pk,
            headline=article.title,
            outlet=article.outlet.name if article.outlet else "",
            outlet_slug=article.outlet.slug if article.outlet else "",
            published=article.published,
            people=list(people),
            snippet=snippet,
            article=article,
            quote=quote,
            copies=list(copies),
        )

    @classmethod
    def of_quote(cls, quote, snippet: str) -> Hit:
        """The hit of ``quote`` on the quotes tab: its story, its speaker."""
        speaker = [(quote.speaker.name, quote.speaker.slug)] if quote.speaker else []
        return cls.of_article(quote.article, people=speaker, snippet=snippet, quote=quote)


@dataclass
class SearchResult:
    parsed: ParsedQuery
    filters: Filters
    scope: str = "articles"  # articles | quotes
    # Matching stories: the copies of one story count once (quotes: matching quotes).
    total: int = 0
    page: int = 1
    pages: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    suggestion: tuple[str, list[str]] | None = None
    sort: str = "relevance"
    index_missing: bool = False
    notices: list[str] = field(default_factory=list)
    cut: bool = False  # the search reached its budget (see Budget): some matches left out
    # More articles match than a backend counts: the total (a lower bound) and the facets
    # are of the newest ``counted`` (0: every match was counted).
    counted: int = 0
    busy: bool = False  # the searcher was not free in time: nothing was searched
    more: str = ""  # the facet listed in full
    # Facets with more values than listed (the "more" link), by name.
    facet_more: dict[str, bool] = field(default_factory=dict)
    # Words were typed but none can be searched (a lone OR, only stop words): nothing was.
    nothing: bool = False


@dataclass
class Matches:
    """Every match of a search (``search.api.matches``): article ids, one per story cluster
    (the newest copy; quote ids for the quotes), newest first, undated last, ties by id
    highest first; ``dates`` their published dates; ``total`` all of them (more than
    ``len(ids)`` when a limit cut them); ``notices`` what the searcher should be told."""

    ids: list[int] = field(default_factory=list)
    dates: list[date | None] = field(default_factory=list)
    total: int = 0
    notices: list[str] = field(default_factory=list)


@dataclass
class DayCounts:
    """How many matches of a search (``search.api.day_counts``) each day has: stories once
    each, at their newest copy's date (quotes: each quote at its story's), as ``Matches``
    counts them; ``undated`` those without a date; ``total`` all of them."""

    days: dict[date, int] = field(default_factory=dict)
    undated: int = 0
    total: int = 0
    notices: list[str] = field(default_factory=list)


def _newest(nums, days, clusters):
    """The matches' ids and days (numpy arrays) newest first (ties: highest id first), a
    story's copies (one code of ``clusters``, 0: a story of its own) kept once, newest."""
    order = np.lexsort((-nums, -days))
    nums, days = nums[order], days[order]
    if clusters is not None and len(nums):
        clusters = clusters[order]
        keep = clusters == 0
        _, first = np.unique(clusters, return_index=True)
        keep[first[clusters[first] != 0]] = True
        nums, days = nums[keep], days[keep]
    return nums, days


def as_date(day: int) -> date | None:
    """A YYYYMMDD number as a date (0: None)."""
    return date(day // 10000, day // 100 % 100, day % 100) if day else None


def newest_per_story(nums, days, clusters=None, limit: int | None = None):
    """``Matches``' ids, dates and total from the matches' ids ``nums``, days (YYYYMMDD,
    0 undated) and story codes ``clusters`` (0: a story of its own; None: every match
    counts), numpy arrays of one length: each story's newest copy, newest first."""
    nums, days = _newest(nums, days, clusters)
    total = len(nums)
    if limit is not None:
        nums, days = nums[:limit], days[:limit]
    return nums.tolist(), [as_date(d) for d in days.tolist()], total


def count_days(nums, days, clusters=None) -> DayCounts:
    """``DayCounts`` of the matches (as ``newest_per_story`` takes them)."""
    _nums, days = _newest(nums, days, clusters)
    values, counts = np.unique(days, return_counts=True)
    found = DayCounts(total=len(days))
    for day, n in zip(values.tolist(), counts.tolist(), strict=True):
        if day:
            found.days[as_date(day)] = n
        else:
            found.undated = n
    return found


CUT_NOTICE = (
    "This search was stopped at its time limit: these are the results found by then. "
    "More specific words or fewer * prefixes find all."
)
COUNTED_NOTICE = (
    "More than {bound:,} articles match: the number of results and the counts beside the "
    "filters are of the {which} {bound:,}."
)
COUNTED_PHRASE_NOTICE = (
    "More than {bound:,} articles have all the words: the phrase was looked for in the "
    "{which} {bound:,}, and the number of results and the counts beside the filters are of "
    "those."
)
INDEX_MISSING_NOTICE = (
    "Search is not available yet: the search index has not been built (manage.py rebuild_index)."
)
BUSY_NOTICE = "Search is busy: please try again in a moment."
NOTHING_NOTICE = (
    '"{}" has no word to search for: type one or more words '
    '(OR, AND and the most common words such as "the" are not searched on their own).'
)


SORTS = ("relevance", "newest", "oldest")


def begin(
    text: str,
    *,
    sort: str = "relevance",
    scope: str = "articles",
    outlet_slugs=(),
    person_slugs=(),
    date_from=None,
    date_to=None,
    more: str = "",
    searchable=None,
) -> SearchResult:
    """What every backend does first: the query parsed, its filters resolved (at most two
    queries), the notices of both, the sort and the facet listed in full settled.

    ``searchable(parsed)`` says whether the backend searches any of the query's words
    (stop words are the backend's own); when words were typed and none is, the result is
    ``nothing`` (with its notice): no search, rather than a search for every story."""
    parsed = parse(text)
    filters = resolve_filters(parsed, outlet_slugs, person_slugs, date_from, date_to)
    result = SearchResult(parsed=parsed, filters=filters, scope=scope)
    result.more = more if more in FACETS else ""
    if parsed.notice:
        result.notices.append(parsed.notice)
    for name in filters.unknown:
        kind, value = name.split(":", 1)
        result.notices.append(f'Nothing in the archive is called "{value}" ({kind}).')
    words = searchable(parsed) if searchable is not None else parsed.has_terms
    if parsed.text and not (words or parsed.exclude or filters.active):
        result.nothing = True
        result.notices.append(NOTHING_NOTICE.format(parsed.text))
        return result
    if sort not in SORTS:
        sort = "relevance"
    if not parsed.has_terms and sort == "relevance":
        sort = "newest"
    result.sort = sort
    return result


def by_count(item):
    return -item[1], item[0]


def facet_labels(
    counts, filters: Filters, scope: str, more: str = ""
) -> tuple[dict[str, list[Facet]], dict[str, bool]]:
    """The facets to list, labelled (``more``: the one listed in full), and which of
    them have more values than listed."""

    def size(name, short):
        return FACET_MORE_SIZE if name == more else short

    facets = {}
    active_outlets = {o.slug for o in filters.outlets}
    active_people = {p.slug for p in filters.persons}
    if "outlet" in counts:
        top = counts["outlet"].most_common(size("outlet", FACET_SIZE))
        names = source.outlet_names([s for s, _ in top])
        facets["outlet"] = [Facet(s, names.get(s, s), n, s in active_outlets) for s, n in top]
    people_key = "speaker" if scope == "quotes" else "person"
    if people_key in counts:
        top = counts[people_key].most_common(size("person", FACET_SIZE))
        names = source.person_names([s for s, _ in top])
        facets["person"] = [Facet(s, names.get(s, s), n, s in active_people) for s, n in top]
    years = sorted(counts.get("year", {}).items(), reverse=True)
    facets["year"] = [Facet(y, y, n) for y, n in years[: size("year", YEAR_FACET_SIZE)]]
    months = sorted(counts["month"].items(), reverse=True)
    facets["month"] = [
        Facet(m, datetime.strptime(m, "%Y-%m").strftime("%B %Y"), n)
        for m, n in (months if more == "month" else months[:MONTH_FACET_SIZE])
    ]
    sizes = counts.get("sizes", {})
    shown = {name: len(values) for name, values in facets.items()}
    has_more = {name: sizes.get(name, len(counts.get(name, ()))) > shown[name] for name in facets}
    return facets, has_more
