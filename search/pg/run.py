"""A search on the PostgreSQL tables: ``run_search`` (the search page) and
``search_article_ids`` (the admin).

Two statements answer a page, whatever the size of the result: one counts the matches
(the copies of a story once) and every facet value in one pass over the match set; one
picks the page's hits, one per story cluster, ranked or by date, with their snippets
(``ts_headline`` on the page's stories only). Did you mean adds one or two when a search
finds fewer than five stories.

Ranking is ``ts_rank_cd`` with the field weights of ``RANK_WEIGHTS``, over a bounded
candidate set: the newest ``RANK_CANDIDATES`` matches. Reading a story's vector to rank
it is the cost of a search; a common word (``president``) matches tens of thousands of
stories, and ranking them all would take seconds. Below the bound every match is ranked.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import date

from django.db import connection

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
SNIPPET_CHARS = 20_000  # characters of a story ts_headline reads
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
        self.highlight = tsquery.highlight_text(parsed, prefixes)
        exclude = tsquery.exclude_text(parsed, prefixes)
        where, params = [], []
        if filters is not None and filters.unknown:
            where.append("false")  # a named outlet or person the archive does not have
        if self.match == tsquery.NOTHING:
            where.append("false")
        elif self.match:
            where.append(f"vector @@ to_tsquery('{CONFIG}', %s)")
            params.append(self.match)
        if exclude:
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


def counts(q: Query) -> tuple[int, dict]:
    """The number of matches and the facet counts (every value of each facet, one
    statement): ``{"outlet": Counter, "person"|"speaker": Counter, "month", "year",
    "sizes"}``."""
    persons = (
        "CASE WHEN speaker_slug = '' THEN '{}' ELSE ARRAY[speaker_slug] END"
        if q.quotes
        else "persons"
    )
    sql = f"""
        WITH m AS MATERIALIZED (
            SELECT {q.key} AS k, outlet_slug, {persons} AS persons, month
            FROM {q.table} WHERE {q.where}
        )
        SELECT 'total', '', count(DISTINCT k) FROM m
        UNION ALL SELECT 'outlet', outlet_slug, count(DISTINCT k) FROM m
            WHERE outlet_slug <> '' GROUP BY outlet_slug
        UNION ALL SELECT 'person', p, count(DISTINCT k) FROM m, unnest(persons) p GROUP BY p
        UNION ALL SELECT 'month', month, count(DISTINCT k) FROM m
            WHERE month <> '' GROUP BY month
        UNION ALL SELECT 'year', left(month, 4), count(DISTINCT k) FROM m
            WHERE month <> '' GROUP BY left(month, 4)
    """
    found = {"outlet": Counter(), "person": Counter(), "month": Counter(), "year": Counter()}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, q.params)
        for name, value, n in cursor.fetchall():
            if name == "total":
                total = n
            else:
                found[name][value] = n
    if q.quotes:
        found["speaker"] = found.pop("person")
    found["sizes"] = {
        "outlet": len(found["outlet"]),
        "person": len(found["speaker" if q.quotes else "person"]),
    }
    return total, found


def _ordered_sql(q: Query, sort: str, collapse: bool) -> tuple[str, list]:
    """SELECT of the matches' (id, story, published, rank) in the order of ``sort``,
    one per story with ``collapse`` (its best ranked, or first by date, copy)."""
    if sort == "relevance" and q.match:
        rank = f"ts_rank_cd(%s::float4[], vector, to_tsquery('{CONFIG}', %s), {RANK_NORMALIZATION})"
        candidates = (
            f"SELECT {q.id_column} AS id, {q.key} AS k, published, vector FROM {q.table} "
            f"WHERE {q.where} ORDER BY published DESC NULLS LAST, {q.id_column} DESC "
            f"LIMIT {RANK_CANDIDATES}"
        )
        scored = f"SELECT id, k, published, {rank} AS rank FROM ({candidates}) c"
        params = [RANK_WEIGHTS, q.match, *q.params]
        order = "rank DESC, published DESC NULLS LAST, id"
    else:
        scored = (
            f"SELECT {q.id_column} AS id, {q.key} AS k, published, 0.0::float4 AS rank "
            f"FROM {q.table} WHERE {q.where}"
        )
        params = list(q.params)
        if sort == "oldest":
            order = "published ASC NULLS LAST, id"
        else:
            order = "published DESC NULLS LAST, id DESC"
    if collapse:
        scored = f"SELECT DISTINCT ON (k) * FROM ({scored}) s ORDER BY k, {order}"
    return f"SELECT id, k, published, rank FROM ({scored}) o ORDER BY {order}", params


def article_page(q: Query, sort: str, start: int, limit: int) -> list[tuple]:
    """(article id, story, people, snippet) of the page's hits, one per story."""
    ordered, params = _ordered_sql(q, sort, collapse=True)
    table = source.table("Article")
    text = f"left(translate(a.standfirst || E'\\n\\n' || a.body, %s, %s), {SNIPPET_CHARS})"
    if q.highlight:
        snippet = (
            f"ts_headline('{CONFIG}', {text}, to_tsquery('{CONFIG}', %s), "
            f"CASE WHEN length(a.standfirst) + length(a.body) <= {WHOLE_CHARS} THEN %s ELSE %s END)"
        )
        snippet_params = [*TRANSLATE, q.highlight, WHOLE_OPTIONS, HEADLINE_OPTIONS]
    else:
        snippet, snippet_params = text, list(TRANSLATE)
    sql = f"""
        WITH page AS ({ordered} LIMIT %s OFFSET %s)
        SELECT page.id, page.k, d.people, {snippet}
        FROM page JOIN {ARTICLE_TABLE} d ON d.article_id = page.id
        JOIN {table} a ON a.id = page.id
        ORDER BY {_page_order(sort, q)}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, start, *snippet_params])
        return cursor.fetchall()


def _page_order(sort: str, q: Query) -> str:
    if sort == "relevance" and q.match:
        return "page.rank DESC, page.published DESC NULLS LAST, page.id"
    if sort == "oldest":
        return "page.published ASC NULLS LAST, page.id"
    return "page.published DESC NULLS LAST, page.id DESC"


def quote_page(q: Query, sort: str, start: int, limit: int) -> list[tuple]:
    """(quote id, snippet) of the page's quotes."""
    ordered, params = _ordered_sql(q, sort, collapse=False)
    table = source.table("Quote")
    text = "translate(t.text, %s, %s)"
    if q.highlight:
        snippet = (
            f"ts_headline('{CONFIG}', {text}, to_tsquery('{CONFIG}', %s), "
            f"CASE WHEN length(t.text) <= {results.SNIPPET_WINDOW} THEN %s ELSE %s END)"
        )
        snippet_params = [*TRANSLATE, q.highlight, WHOLE_OPTIONS, HEADLINE_OPTIONS]
    else:
        snippet, snippet_params = text, list(TRANSLATE)
    sql = f"""
        WITH page AS ({ordered} LIMIT %s OFFSET %s)
        SELECT page.id, {snippet} FROM page JOIN {table} t ON t.id = page.id
        ORDER BY {_page_order(sort, q)}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, start, *snippet_params])
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
            results.Hit(
                article_id=article.pk,
                headline=article.title,
                outlet=article.outlet.name if article.outlet else "",
                outlet_slug=article.outlet.slug if article.outlet else "",
                published=article.published,
                people=[tuple(p) for p in _json(people)],
                snippet=snippet,
                article=article,
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
        article = quote.article
        snippet = marked(text) if highlighted else opening(quote.text)
        hits.append(
            results.Hit(
                article_id=article.pk,
                headline=article.title,
                outlet=article.outlet.name if article.outlet else "",
                outlet_slug=article.outlet.slug if article.outlet else "",
                published=article.published,
                people=[(quote.speaker.name, quote.speaker.slug)] if quote.speaker else [],
                snippet=snippet,
                article=article,
                quote=quote,
            )
        )
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
    result.total, found = counts(q)
    result.pages = max(1, -(-result.total // results.PAGE_SIZE))
    result.page = min(max(1, page), result.pages)
    result.facets, result.facet_more = facet_labels(found, result.filters, scope, result.more)
    if result.total:
        start = (result.page - 1) * results.PAGE_SIZE
        if q.quotes:
            rows = quote_page(q, result.sort, start, results.PAGE_SIZE)
            result.hits = quote_hits(rows, bool(q.highlight))
        else:
            rows = article_page(q, result.sort, start, results.PAGE_SIZE)
            result.hits = article_hits(rows, bool(q.highlight))
    if q.match and result.total < 5 and result.page == 1:
        result.suggestion = spelling.suggest(result.parsed, result.total)
    return result


def search_article_ids(text: str, limit: int = 100) -> list[int]:
    """Ids of published articles matching ``text`` (the query language), best first."""
    q = Query(parse(text), None)
    if not q.match:
        return []
    ordered, params = _ordered_sql(q, "relevance", collapse=False)
    with connection.cursor() as cursor:
        cursor.execute(f"{ordered} LIMIT %s", [*params, limit])
        return [row[0] for row in cursor.fetchall()]
