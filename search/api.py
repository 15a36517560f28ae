"""Search's front door: the only module of ``search`` the rest of the project imports.

Every call goes to the configured backend (``search.backends``: Whoosh, the default, or
PostgreSQL); the query language, the filters and the result types are the same whichever
it is.

* ``search`` — the search page: a page of hits, the total, facets, a suggestion, notices;
* ``matches`` — every match of a search with its date, exactly (downloads);
* ``day_counts`` — how many matches each day has (coverage over time);
* ``article_ids`` — ids of published articles for a query, best first (the admin);
* ``more_like_this`` — the stories closest to one story (an article's page);
* ``index_articles`` / ``delete_articles`` — after the commit that changed articles
  (``search.signals`` does this for every save; call it for changes made otherwise);
* ``record`` — inside an import's transaction, before it commits;
* ``import_session`` — around an import run (``manage.py import_articles``), and
  ``expect_import`` / ``bulk_import`` inside it;
* ``rebuild`` / ``check`` — ``manage.py rebuild_index`` / ``check_index``;
* ``warm_up`` — a web worker as it starts;
* ``parse`` / ``parse_date`` and the result types, for the search page;
* ``SearchRequest`` — a search as a URL's query string gives it, for every page that takes one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .backends import CheckReport, ImportSession, RebuildReport, SearchBackend, get_backend
from .filters import Filters
from .parse import FILTER_NAMES, TOKEN_RE, Atom, ParsedQuery, parse, parse_date
from .request import SearchRequest
from .results import PAGE_SIZE, SORTS, DayCounts, Facet, Hit, Matches, SearchResult

__all__ = [
    "FILTER_NAMES",
    "PAGE_SIZE",
    "SORTS",
    "TOKEN_RE",
    "Atom",
    "CheckReport",
    "DayCounts",
    "Facet",
    "Filters",
    "Hit",
    "Matches",
    "ImportSession",
    "ParsedQuery",
    "RebuildReport",
    "SearchBackend",
    "SearchRequest",
    "SearchResult",
    "article_ids",
    "backend",
    "bulk_import",
    "check",
    "day_counts",
    "delete_articles",
    "expect_import",
    "import_session",
    "matches",
    "index_articles",
    "more_like_this",
    "parse",
    "parse_date",
    "rebuild",
    "record",
    "search",
    "take_failures",
    "warm_up",
]


def backend() -> SearchBackend:
    """The configured backend (``settings.ARCHIVE_SEARCH_BACKEND``)."""
    return get_backend()


def search(
    text: str,
    *,
    page: int = 1,
    sort: str = "relevance",
    scope: str = "articles",
    outlet_slugs=(),
    person_slugs=(),
    date_from: date | None = None,
    date_to: date | None = None,
    more: str = "",
) -> SearchResult:
    """Search the archive's stories (``scope="quotes"``: their quotes) for ``text`` in the
    query language (``search.parse``), with the form's filters, sorted by ``sort``
    (relevance, newest, oldest); ``page`` of ``PAGE_SIZE`` hits; ``more`` names a facet
    to list in full. A user's mistake is a notice in the result, never an exception."""
    return get_backend().search(
        text,
        page=page,
        sort=sort,
        scope=scope,
        outlet_slugs=outlet_slugs,
        person_slugs=person_slugs,
        date_from=date_from,
        date_to=date_to,
        more=more,
    )


def article_ids(text: str, limit: int = 100) -> list[int]:
    """Ids of published articles matching ``text`` (the query language), best first."""
    return get_backend().article_ids(text, limit)


def matches(
    text: str,
    *,
    scope: str = "articles",
    outlet_slugs=(),
    person_slugs=(),
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int | None = None,
) -> Matches:
    """Every match of a search (what ``search(...).total`` counts), exactly, whatever their
    number: article ids, one per story (its newest copy; quote ids with
    ``scope="quotes"``), newest first, undated last, with their dates (``Matches``);
    ``limit`` keeps the newest ``limit`` (``total`` still counts all). For downloads and
    charts: it reads every match, so it costs more than a page of ``search``."""
    return get_backend().matches(
        text,
        scope=scope,
        outlet_slugs=outlet_slugs,
        person_slugs=person_slugs,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
    )


def day_counts(
    text: str,
    *,
    scope: str = "articles",
    outlet_slugs=(),
    person_slugs=(),
    date_from: date | None = None,
    date_to: date | None = None,
) -> DayCounts:
    """How many of a search's matches each day has, counted as ``matches`` counts them
    (a story once, at its newest copy's date): coverage over time without reading every
    match's id (``DayCounts``)."""
    return get_backend().day_counts(
        text,
        scope=scope,
        outlet_slugs=outlet_slugs,
        person_slugs=person_slugs,
        date_from=date_from,
        date_to=date_to,
    )


def ready() -> bool:
    """Whether search has an index to answer from now (see ``SearchBackend.ready``)."""
    return get_backend().ready()


def more_like_this(article_id: int, limit: int = 5, *, text: str | None = None) -> list[int]:
    """Ids of published articles similar to ``article_id``, most similar first (``text``:
    the article's headline, standfirst and body, when the caller has them)."""
    return get_backend().more_like_this(article_id, limit, text=text)


def index_articles(ids: Iterable[int]) -> None:
    """Bring the index in step with the database for the articles ``ids``, after the
    commit that changed them (an article no longer published leaves the index)."""
    get_backend().changed({int(i) for i in ids})


def delete_articles(ids: Iterable[int]) -> None:
    """Take the articles ``ids`` out of the index, after the commit that deleted them."""
    get_backend().deleted({int(i) for i in ids})


def record(ids: Iterable[int], copies: Iterable[int] = ()) -> None:
    """Inside the transaction of an import chunk, before it commits: the chunk's new
    articles ``ids`` and the older ``copies`` it changed are owed to the index, in the
    same transaction (a process killed after the commit leaves them for the next write)."""
    get_backend().record(ids, copies)


def import_session():
    """A context manager around an import run, yielding an ``ImportSession``: the
    backend may write the run's chunks in a second process, or rebuild when it ends."""
    return get_backend().import_session()


def expect_import(stories: int) -> None:
    """Inside ``import_session``: the run is about to import ``stories`` stories (at
    least); enough of them make it a bulk run from the start."""
    session = get_backend().current_session()
    if session is not None:
        session.expect(stories)


def bulk_import() -> bool:
    """Whether the import run under way rebuilds the index when it ends."""
    session = get_backend().current_session()
    return bool(session is not None and session.bulk)


def take_failures() -> list[str]:
    """Why this thread's index writes failed since it last asked."""
    return get_backend().take_failures()


def rebuild(progress=True, **options) -> RebuildReport:
    """Build the index again from the database (``progress``: a callable told of each
    article indexed; ``options``: the backend's own, as ``manage.py rebuild_index``'s)."""
    return get_backend().rebuild(progress=progress, **options)


def check(repair: bool = False) -> CheckReport:
    """Compare the index with the database (and with ``repair`` fix what differs)."""
    return get_backend().check(repair=repair)


def warm_up() -> None:
    """Load what searches read, in the background (a web worker as it starts)."""
    get_backend().warm_up()
