"""The page's hits: its stories (or quotes) read from the archive in one query, with
their snippets."""

from __future__ import annotations

import html
from collections import OrderedDict

from whoosh import highlight

from .. import source
from ..results import SNIPPET_WINDOW, Hit
from .highlight import MarkFormatter, snippet
from .schema import TEXT_ANALYZER

SNIPPETS_KEPT = 2_000  # snippets kept per searcher, for pages shown again


def article_hits(shown, terms, clusters=None, snippets: OrderedDict | None = None) -> list[Hit]:
    """The page's hits, each with the published copies of its story (one query).

    ``snippets`` keeps the snippets made (by story and terms) for the next pages shown of
    the same search, up to ``SNIPPETS_KEPT``."""
    ids = [stored["article_id"] for _docnum, stored in shown]
    cluster_ids = {
        int(clusters[docnum][1:]) for docnum, _stored in shown if clusters and clusters[docnum]
    }
    rows = source.page_articles(ids, cluster_ids)
    articles = {a.pk: a for a in rows}
    copies: dict[int, list] = {}
    for a in rows:
        if a.cluster_id:
            copies.setdefault(a.cluster_id, []).append(a)
    hits = []
    term_set = frozenset(terms)
    for _docnum, stored in shown:
        article = articles.get(stored["article_id"])
        if article is None:  # unpublished since it was indexed: check_index will tidy up
            continue
        key = (article.pk, article.updated, term_set)
        marked = snippets.get(key) if snippets is not None else None
        if marked is None:
            text = "\n\n".join(p for p in (article.standfirst, article.body) if p)
            marked = snippet(text, terms)
            if snippets is not None:
                snippets[key] = marked
                while len(snippets) > SNIPPETS_KEPT:
                    snippets.popitem(last=False)
        hits.append(
            Hit.of_article(
                article,
                people=stored.get("people_display") or [],
                snippet=marked,
                copies=copies.get(article.cluster_id, []) if article.cluster_id else [],
            )
        )
    return hits


def quote_hits(shown, terms) -> list[Hit]:
    ids = [int(stored["key"][1:]) for _docnum, stored in shown]
    quotes = source.page_quotes(ids)
    hits = []
    for quote_id in ids:
        quote = quotes.get(quote_id)
        if quote is None:
            continue
        marked = (
            snippet(quote.text, terms, top=1) if terms else html.escape(quote.text, quote=False)
        )
        if len(quote.text) <= SNIPPET_WINDOW and terms:
            marked = highlight.highlight(
                quote.text, terms, TEXT_ANALYZER, highlight.WholeFragmenter(), MarkFormatter()
            ) or html.escape(quote.text, quote=False)
        hits.append(Hit.of_quote(quote, marked))
    return hits
