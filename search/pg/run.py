"""A search on the PostgreSQL tables: ``run_search`` (the search page) and
``search_article_ids`` (the admin).

Two statements answer a page, whatever the size of the result: one (``read``) counts the
matches (the copies of a story once) and every facet value, and picks the ids of the
page's hits, one per story cluster, ranked or by date, from the same rows; one makes the
snippets (``ts_headline`` on the page's stories only). Did you mean adds one or two when
a search finds fewer than five stories.

Every statement's cost is bounded, whatever the number of matches:

* the rows are found by bitmap scans of the indexes only (``PLANNER_SETTINGS``): the GIN
  index answers a query of words without reading the vectors (TOASTed: a fetch from the
  TOAST table, 5-15 µs each, which the planner does not cost), so a match costs a narrow
  heap row;
* the counts are exact up to ``COUNT_BOUND`` matching articles; beyond, they are of the
  newest ``COUNT_BOUND`` (the oldest for the oldest first; the total a lower bound) and
  the page says so (``SearchResult.counted``);
* a phrase needs its words' positions, which only the vector has: the newest
  ``PHRASE_BOUND`` articles having all its words are read, and the phrase is looked for
  in those only (the counts are of those, with the same notice, when there are more);
* ranking is ``ts_rank_cd`` with the field weights of ``RANK_WEIGHTS`` over the newest
  ``RANK_CANDIDATES`` of the rows counted (ranking reads each one's vector), the others
  following newest first; below the bound every match is ranked.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db import connection, transaction

from .. import results, source
from ..parse import ParsedQuery, parse
from ..results import SearchResult, facet_labels
from . import spelling, tsquery
from .documents import ARTICLE_TABLE, CONFIG, QUOTE_TABLE

# ts_rank_cd's weights of the D, C, B, A parts of a vector: quotes and outlet, body,
# standfirst and people, headline (as the Whoosh backend boosts its fields).
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
RANK_NORMALIZATION = 1  # the rank divided by 1 + log(length): a long story is no better
RANK_CANDIDATES = 2_000  # the newest matches ranked at most (see the module's docstring)
COUNT_BOUND = 10_000  # matching articles counted exactly at most; beyond, the newest
PHRASE_BOUND = 5_000  # articles with all a phrase's words its vectors are read for at most
# The planner of the search statements: bitmap scans only (the module's docstring); no
# JIT (compiling takes longer than these statements run); no parallel workers (starting
# and merging them doubled the time of the newest 10,000 of 80,000 matches, 30 -> 56 ms,
# and a web server's concurrent searches share the cores anyway).
PLANNER_SETTINGS = {
    "enable_seqscan": "off",
    "enable_indexscan": "off",
    "jit": "off",
    "max_parallel_workers_per_gather": "0",
}
SNIPPET_CHARS = 20_000  # characters of a story ts_headline reads at most
SNIPPET_FIRST_CHARS = 2_500  # ... and first (see article_page)
# ts_headline's markers: control characters, taken out of the text first, replaced by
# <mark> once the snippet is escaped.
START, STOP = "\x01", "\x02"
# The characters the text parser would read as markup or paths ("<b>", "&amp;", "/x"),
# which stories hold as plain text: ts_headline reads them as the control characters of
# STAND_INS (the vectors as spaces, documents.plain), given back once escaped.
MARKUP, STAND_INS = "<>&/", "\x03\x04\x05\x06"
TRANSLATE = (MARKUP + START + STOP + STAND_INS, STAND_INS)
RESTORE = str.maketrans(STAND_INS, MARKUP)
ESCAPED = {s: html.escape(c, quote=False) for s, c in zip(STAND_INS, MARKUP, strict=True)}
HEADLINE_OPTIONS = (
    f'StartSel="{START}", StopSel="{STOP}", MaxFragments=2, MaxWords=30, MinWords=12, '
    'FragmentDelimiter=" … "'
)
WHOLE_CHARS = 300  # a text this short is shown whole, its words marked
WHOLE_OPTIONS = f'StartSel="{START}", StopSel="{STOP}", HighlightAll=true'
SHORT_SNIPPET = 240  # characters of the opening shown when no word of the query is found


def marked(text: str | None) -> str:
    """A ``ts_headline`` result as HTML: the text escaped, its markers made ``<mark>``."""
    text = re.sub(r"\s+", " ", text or "").strip()
    escaped = html.escape(text, quote=False)
    for stand_in, entity in ESCAPED.items():
        escaped = escaped.replace(stand_in, entity)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")


def opening(text: str) -> str:
    """The escaped opening of ``text`` (a hit without a marked word)."""
    text = re.sub(r"\s+", " ", (text or "").translate(RESTORE)).strip()
    short = text[:SHORT_SNIPPET]
    if len(text) > SHORT_SNIPPET:
        short = short.rsplit(" ", 1)[0] + " …"
    return html.escape(short, quote=False)


class Query:
    """A search's SQL condition over one table: the words, the exclusions, the filters."""

    def __init__(self, parsed: ParsedQuery, filters, scope: str = "articles"):
        self.quotes = scope == "quotes"
        self.table = QUOTE_TABLE if self.quotes else ARTICLE_TABLE
        prefixes = tsquery.Prefixes(parsed)
        self.notices = prefixes.notices
        self.match = tsquery.match_text(parsed, prefixes)
        loose = tsquery.match_text(parsed, prefixes, loose=True)
        # The phrases' tsquery, checked on a bounded set of rows ("" without a phrase).
        self.phrase = self.match if loose != self.match else ""
        self.highlight = tsquery.highlight_text(parsed, prefixes)
        exclude = tsquery.exclude_text(parsed, prefixes)
        where, params = [], []
        if filters is not None and filters.unknown:
            where.append("false")  # a named outlet or person the archive does not have
        if self.match == tsquery.NOTHING:
            where.append("false")
        elif self.match:
            # The exclusions inside the tsquery: the GIN index answers them too.
            where.append(f"vector @@ to_tsquery('{CONFIG}', %s)")
            params.append(f"({loose}) & !({exclude})" if exclude else loose)
        elif exclude:
            where.append(f"NOT (vector @@ to_tsquery('{CONFIG}', %s))")
            params.append(exclude)
        if filters is not None:
            if filters.outlets:
                where.append("outlet_slug = ANY(%s)")
                params.append([o.slug for o in filters.outlets])
            if filters.persons:
                slugs = [p.slug for p in filters.persons]
                where.append("speaker_slug = ANY(%s)" if self.quotes else "persons && %s::text[]")
                params.append(slugs)
            for slug in filters.authors:
                where.append("%s = ANY(authors)")
                params.append(slug)
            if filters.date_from:
                where.append("published >= %s")
                params.append(filters.date_from)
            if filters.date_to:
                where.append("published <= %s")
                params.append(filters.date_to)
        self.where = " AND ".join(where) or "true"
        self.params = params

    @property
    def key(self) -> str:
        """What counts once: a story (its copies together), or a quote."""
        return "quote_id" if self.quotes else "story"

    @property
    def id_column(self) -> str:
        return "quote_id" if self.quotes else "article_id"


@contextmanager
def planned():
    """Run the statements inside with ``PLANNER_SETTINGS``: in a transaction of their
    own, whose end sets them back; inside a caller's, set back as they were before."""
    names = list(PLANNER_SETTINGS)
    own = connection.get_autocommit()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
            [v for name in names for v in (name, name, PLANNER_SETTINGS[name])],
        )
        before = cursor.fetchone()[::2]
        yield
        if not own:
            cursor.execute(
                "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
                [v for name, value in zip(names, before, strict=True) for v in (name, value)],
            )


def _bounded(q: Query, columns: str, limit: int, oldest: bool = False) -> str:
    """SELECT of ``columns`` of the newest (``oldest``: the oldest) ``limit`` rows the
    index finds for ``q`` (its phrases not checked)."""
    order = "ASC" if oldest else "DESC"
    return (
        f"SELECT {columns} FROM {q.table} WHERE {q.where} "
        f"ORDER BY published {order} NULLS LAST, {q.id_column} {order} LIMIT {limit}"
    )


@dataclass
class Found:
    """What the first statement of a search finds: the total (a lower bound when
    ``counted``), the facet counts, the bound they were counted within (0: every match
    was), the page shown (the one asked for, or the last) and its ids in order."""

    total: int = 0
    facets: dict = field(default_factory=dict)
    counted: int = 0
    page: int = 1
    ids: list[int] = field(default_factory=list)


def read(q: Query, sort: str, page: int) -> Found:
    """The matches' total, facet counts (every value of each facet): ``{"outlet": Counter,
    "person"|"speaker": Counter, "month", "year", "sizes"}``, and the ids of the page's
    hits, one per story, in one statement.

    The rows read are the newest ``COUNT_BOUND`` (``PHRASE_BOUND`` for a phrase; the
    oldest for the oldest first) the index finds, and one more to know whether there are
    more: then the total is a lower bound and the facets are of those rows. The pages are
    those rows': by relevance the newest ``RANK_CANDIDATES`` matches ranked, then the
    others newest first."""
    persons = (
        "CASE WHEN speaker_slug = '' THEN '{}' ELSE ARRAY[speaker_slug] END"
        if q.quotes
        else "persons"
    )
    bound = PHRASE_BOUND if q.phrase else COUNT_BOUND
    oldest = sort == "oldest"
    ranked = sort == "relevance" and bool(q.match)
    columns = f"{q.id_column} AS id, {q.key} AS k, outlet_slug, {persons} AS persons, month"
    columns += ", published" + (", vector" if q.phrase or ranked else "")
    hit = f"vector @@ to_tsquery('{CONFIG}', %s)" if q.phrase else "true"
    params = [*q.params, *([q.phrase] if q.phrase else [])]
    by_date = "published ASC NULLS LAST, id" if oldest else "published DESC NULLS LAST, id DESC"
    if ranked:
        rank = f"ts_rank_cd(%s::float4[], vector, to_tsquery('{CONFIG}', %s), {RANK_NORMALIZATION})"
        candidates = (
            f"SELECT id, k, published, CASE WHEN r <= {RANK_CANDIDATES} THEN {rank} END AS rank "
            "FROM (SELECT *, row_number() OVER (ORDER BY n) AS r FROM m) s"
        )
        page_params = [RANK_WEIGHTS, q.match]
        order = f"rank DESC NULLS LAST, {by_date}"
    else:
        candidates, page_params = "SELECT id, k, published FROM m", []
        order = by_date
    size = results.PAGE_SIZE
    sql = f"""
        WITH c AS MATERIALIZED (
            SELECT row_number() OVER (ORDER BY {by_date}) AS n, *
            FROM ({_bounded(q, columns, bound + 1, oldest)}) b
        ), m AS MATERIALIZED (
            SELECT * FROM c WHERE n <= {bound} AND {hit}
        ), t AS MATERIALIZED (
            SELECT count(DISTINCT k) AS total FROM m
        ), page AS MATERIALIZED (
            SELECT id, row_number() OVER (ORDER BY {order}) AS pos FROM (
                SELECT DISTINCT ON (k) * FROM ({candidates}) s ORDER BY k, {order}
            ) o ORDER BY {order} LIMIT {size}
            OFFSET (SELECT least(%s, greatest(0, (total - 1) / {size} * {size})) FROM t)
        )
        SELECT 'more', '', count(*) FROM c WHERE n > {bound}
        UNION ALL SELECT 'total', '', total FROM t
        UNION ALL SELECT 'page', id::text, pos FROM page
        UNION ALL SELECT 'outlet', outlet_slug, count(*) FROM (
            SELECT DISTINCT k, outlet_slug FROM m WHERE outlet_slug <> '') o
            GROUP BY outlet_slug
        UNION ALL SELECT 'person', p, count(*) FROM (
            SELECT DISTINCT k, p FROM m, unnest(persons) p) o GROUP BY p
        UNION ALL SELECT 'month', month, count(*) FROM (
            SELECT DISTINCT k, month FROM m WHERE month <> '') o GROUP BY month
        UNION ALL SELECT 'year', y, count(*) FROM (
            SELECT DISTINCT k, left(month, 4) AS y FROM m WHERE month <> '') o GROUP BY y
    """
    facets = {"outlet": Counter(), "person": Counter(), "month": Counter(), "year": Counter()}
    found = Found(facets=facets)
    more, ids = 0, []
    start = (max(1, page) - 1) * size
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *page_params, start])
        # By value: facet values of equal counts are listed in that order.
        for name, value, n in sorted(cursor.fetchall()):
            if name == "total":
                found.total = n
            elif name == "more":
                more = n
            elif name == "page":
                ids.append((n, int(value)))
            else:
                facets[name][value] = n
    if q.quotes:
        facets["speaker"] = facets.pop("person")
    facets["sizes"] = {
        "outlet": len(facets["outlet"]),
        "person": len(facets["speaker" if q.quotes else "person"]),
    }
    found.counted = bound if more else 0
    found.page = min(max(1, page), max(1, -(-found.total // size)))
    found.ids = [i for _pos, i in sorted(ids)]
    return found


def _ranked_sql(q: Query) -> tuple[str, list]:
    """SELECT of the ids of the newest ``RANK_CANDIDATES`` matches (for a phrase: of the
    newest ``PHRASE_BOUND`` rows with all its words), best first."""
    rank = f"ts_rank_cd(%s::float4[], vector, to_tsquery('{CONFIG}', %s), {RANK_NORMALIZATION})"
    columns = f"{q.id_column} AS id, published, vector"
    if q.phrase:
        candidates = (
            f"SELECT * FROM ({_bounded(q, columns, PHRASE_BOUND)}) b "
            f"WHERE vector @@ to_tsquery('{CONFIG}', %s) "
            f"ORDER BY published DESC NULLS LAST, id DESC LIMIT {RANK_CANDIDATES}"
        )
        params = [RANK_WEIGHTS, q.match, *q.params, q.phrase]
    else:
        candidates = _bounded(q, columns, RANK_CANDIDATES)
        params = [RANK_WEIGHTS, q.match, *q.params]
    sql = (
        f"SELECT id FROM (SELECT id, published, {rank} AS rank FROM ({candidates}) c) s "
        "ORDER BY rank DESC, published DESC NULLS LAST, id"
    )
    return sql, params


def _snippet(q: Query, text: str, length: str, whole: int) -> tuple[str, list]:
    """The SQL of a hit's snippet and its parameters: ``text`` with the query's words marked
    (``ts_headline``), all of it when ``length`` is at most ``whole`` characters, else the
    best fragments; the opening of ``text`` when the query has no words to mark."""
    if not q.highlight:
        return text, list(TRANSLATE)
    sql = (
        f"ts_headline('{CONFIG}', {text}, to_tsquery('{CONFIG}', %s), "
        f"CASE WHEN {length} <= {whole} THEN %s ELSE %s END)"
    )
    return sql, [*TRANSLATE, q.highlight, WHOLE_OPTIONS, HEADLINE_OPTIONS]


def article_page(q: Query, ids: list[int]) -> list[tuple]:
    """(article id, story, people, snippet) of the page's hits ``ids``, in that order.

    ``ts_headline`` parses all the text it is given (about 2.5 ms for 20,000 characters):
    the openings (``SNIPPET_FIRST_CHARS``) are read first, and only a hit whose opening
    has none of the query's words is read again further (``SNIPPET_CHARS``)."""
    rows = _article_page(q, ids, SNIPPET_FIRST_CHARS)
    if q.highlight:
        # the opening has none of the words, and there is more of the story to read
        again = [r[0] for r in rows if START not in (r[3] or "") and r[4] > SNIPPET_FIRST_CHARS]
        if again:
            further = {row[0]: row for row in _article_page(q, again, SNIPPET_CHARS)}
            rows = [further.get(row[0], row) for row in rows]
    return [row[:4] for row in rows]


def _article_page(q: Query, ids: list[int], chars: int) -> list[tuple]:
    table = source.table("Article")
    text = f"left(translate(a.standfirst || E'\\n\\n' || a.body, %s, %s), {chars})"
    length = "length(a.standfirst) + length(a.body)"
    snippet, snippet_params = _snippet(q, text, length, WHOLE_CHARS)
    sql = f"""
        SELECT page.id, d.story, d.people, {snippet}, {length}
        FROM unnest(%s::bigint[]) WITH ORDINALITY AS page(id, pos)
        JOIN {ARTICLE_TABLE} d ON d.article_id = page.id
        JOIN {table} a ON a.id = page.id
        ORDER BY page.pos
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*snippet_params, ids])
        return cursor.fetchall()


def quote_page(q: Query, ids: list[int]) -> list[tuple]:
    """(quote id, snippet) of the page's quotes ``ids``, in that order."""
    table = source.table("Quote")
    text = "translate(t.text, %s, %s)"
    snippet, snippet_params = _snippet(q, text, "length(t.text)", results.SNIPPET_WINDOW)
    sql = f"""
        SELECT page.id, {snippet}
        FROM unnest(%s::bigint[]) WITH ORDINALITY AS page(id, pos)
        JOIN {table} t ON t.id = page.id
        ORDER BY page.pos
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*snippet_params, ids])
        return cursor.fetchall()


def article_hits(rows, highlighted: bool) -> list[results.Hit]:
    """The page's hits from ``article_page``'s rows, each with the published copies of
    its story (one query)."""
    ids = [row[0] for row in rows]
    cluster_ids = {row[1] for row in rows if row[1] > 0}
    found = source.page_articles(ids, cluster_ids)
    articles = {a.pk: a for a in found}
    copies: dict[int, list] = {}
    for a in found:
        if a.cluster_id:
            copies.setdefault(a.cluster_id, []).append(a)
    hits = []
    for article_id, _story, people, text in rows:
        article = articles.get(article_id)
        if article is None:  # unpublished since it was written: check_index tidies up
            continue
        snippet = marked(text) if highlighted and START in (text or "") else opening(text)
        hits.append(
            results.Hit.of_article(
                article,
                people=[tuple(p) for p in _json(people)],
                snippet=snippet,
                copies=copies.get(article.cluster_id, []) if article.cluster_id else [],
            )
        )
    return hits


def _json(value):
    # Django reads jsonb as text (it decodes JSONField values itself).
    return json.loads(value) if isinstance(value, str) else value or []


def quote_hits(rows, highlighted: bool) -> list[results.Hit]:
    ids = [row[0] for row in rows]
    quotes = source.page_quotes(ids)
    hits = []
    for quote_id, text in rows:
        quote = quotes.get(quote_id)
        if quote is None:
            continue
        snippet = marked(text) if highlighted else opening(quote.text)
        hits.append(results.Hit.of_quote(quote, snippet))
    return hits


def run_search(
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
    """Search the archive: the page of hits, the total, the facets and a suggestion."""
    result = results.begin(
        text,
        sort=sort,
        scope=scope,
        outlet_slugs=outlet_slugs,
        person_slugs=person_slugs,
        date_from=date_from,
        date_to=date_to,
        more=more,
        searchable=tsquery.searchable,
    )
    if result.nothing:
        return result
    q = Query(result.parsed, result.filters, scope)
    result.notices.extend(q.notices)
    with planned():
        found = read(q, result.sort, page)
        rows = []
        if found.ids:
            rows = (quote_page if q.quotes else article_page)(q, found.ids)
    result.total, result.counted, result.page = found.total, found.counted, found.page
    result.pages = max(1, -(-result.total // results.PAGE_SIZE))
    if result.counted:
        notice = results.COUNTED_PHRASE_NOTICE if q.phrase else results.COUNTED_NOTICE
        which = "oldest" if result.sort == "oldest" else "newest"
        result.notices.append(notice.format(bound=result.counted, which=which))
    result.facets, result.facet_more = facet_labels(
        found.facets, result.filters, scope, result.more
    )
    if rows:
        hits = quote_hits if q.quotes else article_hits
        result.hits = hits(rows, bool(q.highlight))
    if q.match and result.total < 5 and result.page == 1:
        result.suggestion = spelling.suggest(result.parsed, result.total)
    return result


def _matches_sql(text: str, scope: str, filters: dict):
    """The statement selecting every match's (id, YYYYMMDD day, story code) and its
    parameters, the query, and the notices; the statement None when there was nothing to
    search. A phrase is looked for in every row with all its words (each one's vector
    read, about 12 µs), not in the newest ``PHRASE_BOUND``."""
    result = results.begin(
        text, sort="newest", scope=scope, searchable=tsquery.searchable, **filters
    )
    if result.nothing:
        return None, [], None, result.notices
    q = Query(result.parsed, result.filters, scope)
    day = (
        "COALESCE((extract(year FROM published) * 10000 + extract(month FROM published) * 100"
        " + extract(day FROM published))::int, 0)"
    )
    story = "0" if q.quotes else "CASE WHEN story > 0 THEN story ELSE 0 END"
    sql = f"SELECT {q.id_column} AS id, {day} AS day, {story} AS k FROM {q.table} WHERE {q.where}"
    params = list(q.params)
    if q.phrase:
        sql += f" AND vector @@ to_tsquery('{CONFIG}', %s)"
        params.append(q.phrase)
    return sql, params, q, [*result.notices, *q.notices]


def run_matches(text: str, *, scope: str = "articles", limit: int | None = None, **filters):
    """Every match of a search (``results.Matches``), counted exactly whatever their number."""
    sql, params, q, notices = _matches_sql(text, scope, filters)
    found = results.Matches(notices=notices)
    if sql is None:
        return found
    with planned(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    array = np.array(rows, np.int64).reshape(-1, 3)
    clusters = None if q.quotes else array[:, 2]
    found.ids, found.dates, found.total = results.newest_per_story(
        array[:, 0], array[:, 1], clusters, limit
    )
    return found


def run_day_counts(text: str, *, scope: str = "articles", **filters):
    """``results.DayCounts`` of a search, counted in the database: each story once, at its
    newest copy's day (the rows themselves are never sent)."""
    sql, params, q, notices = _matches_sql(text, scope, filters)
    found = results.DayCounts(notices=notices)
    if sql is None:
        return found
    if not q.quotes:  # a story's copies once: the newest (ties: the highest id)
        sql = (
            f"SELECT DISTINCT ON (CASE WHEN k > 0 THEN k ELSE -id END) id, day FROM ({sql}) m "
            "ORDER BY CASE WHEN k > 0 THEN k ELSE -id END, day DESC, id DESC"
        )
    with planned(), connection.cursor() as cursor:
        cursor.execute(f"SELECT day, count(*) FROM ({sql}) s GROUP BY day", params)
        for day, n in cursor.fetchall():
            if day:
                found.days[results.as_date(day)] = n
            else:
                found.undated = n
            found.total += n
    return found


def search_article_ids(text: str, limit: int = 100) -> list[int]:
    """Ids of published articles matching ``text`` (the query language), best first."""
    q = Query(parse(text), None)
    if not q.match:
        return []
    ranked, params = _ranked_sql(q)
    with planned(), connection.cursor() as cursor:
        cursor.execute(f"{ranked} LIMIT %s", [*params, limit])
        return [row[0] for row in cursor.fetchall()]
