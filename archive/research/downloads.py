"""Downloads of a search: every matching story (or quote) as CSV or JSON Lines, written
while it is read.

A story's fields are those of ``manage.py export_articles`` (``archive.export.article_record``);
JSON Lines carries its records unchanged, one a line. CSV flattens each record into one row a
spreadsheet opens: lists joined into one cell (see ``article_row``).

Memory stays flat whatever the size of the result: the matching ids (plain integers) are
read once, then the rows ``CHUNK_SIZE`` at a time, each chunk with a fixed number of queries
(stories: the stories with their outlet and cluster, their mentions with people, the people's
aliases, their quotes; quotes: one query), written out and let go.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from archive.export import article_record, export_queryset
from archive.models import Article, Quote

# Stories (or quotes) in one download at most; a download of more matches is cut short
# and says so (a response header, and a last row or record naming the cap and the total).
DOWNLOAD_CAP = 100_000
CHUNK_SIZE = 500  # rows read from the database at once
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such
# a cell is written with a leading apostrophe, which spreadsheets show as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark (without it,
# the quotation marks and accents of news text come out garbled); LibreOffice, pandas and
# Python's csv module with ``encoding="utf-8-sig"`` read it either way. JSON Lines has none.
BOM = "\ufeff"
PEOPLE_SEPARATOR = "; "
# Quotes in one cell, one a line: a quote's own line breaks are made spaces, so a line break
# in the cell only ever separates two quotes.
QUOTE_SEPARATOR = "\n"
PARAGRAPH_SEPARATOR = "\n\n"

ARTICLE_COLUMNS = [
    "id",
    "source",
    "title",
    "standfirst",
    "outlet",
    "authors",
    "wire",
    "published",
    "url",
    "status",
    "body",
    "people",
    "quotes",
    "cluster",
    "first_published_copy",
]
QUOTE_COLUMNS = [
    "id",
    "text",
    "speaker",
    "speaker_url",
    "speaker_label",
    "fragment",
    "story_id",
    "headline",
    "story_url",
    "source_url",
    "outlet",
    "published",
]
# An article's fields its export record leaves out, the largest first (not read).
UNEXPORTED = ("raw", "removed", "curated_fields", "byline", "encoding")
# What a quote download reads of a quote, its speaker and its story.
QUOTE_FIELDS = (
    "text",
    "speaker_label",
    "is_fragment",
    "speaker__name",
    "speaker__slug",
    "article__title",
    "article__slug",
    "article__url",
    "article__published",
    "article__outlet__name",
)


def cell(value) -> str | int:
    """A value as a CSV cell: ``None`` empty, booleans ``true``/``false``, text that a
    spreadsheet would run as a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def one_line(text: str) -> str:
    return " ".join(text.split())


def quote_line(quote: dict) -> str:
    """``speaker: text`` of an export record's quote (its label when no person is linked)."""
    who = quote["speaker"] or quote["speaker_label"] or "unattributed"
    return f"{one_line(who)}: {one_line(quote['text'])}"


def article_row(record: dict) -> list:
    """The CSV row of an export record (``article_record``): authors and people's names
    joined by ``"; "``, the body's paragraphs by a blank line, the quotes one a line as
    ``speaker: text``."""
    flat = {
        **record,
        "authors": PEOPLE_SEPARATOR.join(record["authors"]),
        "body": PARAGRAPH_SEPARATOR.join(record["body"]),
        "people": PEOPLE_SEPARATOR.join(p["name"] for p in record["people"]),
        "quotes": QUOTE_SEPARATOR.join(quote_line(q) for q in record["quotes"]),
    }
    return [cell(flat[name]) for name in ARTICLE_COLUMNS]


def quote_record(quote: Quote, absolute: Callable[[str], str]) -> dict:
    """A downloaded quote: its words, its speaker (the person's name and page, and the words
    the story used), its story (headline, page, original address, outlet, date)."""
    article = quote.article
    return {
        "id": quote.pk,
        "text": quote.text,
        "speaker": quote.speaker.name if quote.speaker_id else None,
        "speaker_url": absolute(quote.speaker.get_absolute_url()) if quote.speaker_id else None,
        "speaker_label": quote.speaker_label,
        "fragment": quote.is_fragment,
        "story_id": quote.article_id,
        "headline": article.title,
        "story_url": absolute(quote.get_absolute_url()),
        "source_url": article.url or None,
        "outlet": article.outlet.name if article.outlet_id else None,
        "published": article.published.isoformat() if article.published else None,
    }


def quote_row(record: dict) -> list:
    return [cell(record[name]) for name in QUOTE_COLUMNS]


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _in_order(rows: Iterable, chunk: list[int]) -> list:
    """``rows`` in the order of the ids in ``chunk`` (one no longer published is left out)."""
    found = {row.pk: row for row in rows}
    return [found[pk] for pk in chunk if pk in found]


def article_chunks(ids: list[int], size: int) -> Iterator[list[Article]]:
    """The published stories ``ids`` in that order, ``size`` at a time, each with what its
    export record needs (four queries a chunk)."""
    for chunk in _chunks(ids, size):
        queryset = Article.objects.published().filter(pk__in=chunk).defer(*UNEXPORTED)
        yield _in_order(export_queryset(queryset), chunk)


def quote_chunks(ids: list[int], size: int) -> Iterator[list[Quote]]:
    """The quotes ``ids`` of published stories in that order, ``size`` at a time (one
    query a chunk)."""
    for chunk in _chunks(ids, size):
        queryset = (
            Quote.objects.filter(pk__in=chunk, article__status=Article.Status.PUBLISHED)
            .select_related("speaker", "article__outlet")
            .only(*QUOTE_FIELDS)
        )
        yield _in_order(queryset, chunk)


class _Line:
    """A file-like object whose ``write`` hands back what it was given (csv.writer's line)."""

    def write(self, value):
        return value


@dataclass
class Download:
    """A search's matches to download: ``ids`` (at most ``cap``) of ``total``, stories or
    (``scope="quotes"``) quotes, as ``fmt`` (csv or jsonl)."""

    ids: list[int]
    total: int
    fmt: str = "csv"
    scope: str = "articles"
    cap: int = DOWNLOAD_CAP
    chunk_size: int | None = None  # None: CHUNK_SIZE
    absolute: Callable[[str], str] = str  # a site path -> the address a reader follows

    @property
    def cut(self) -> bool:
        """Whether more matched than the download holds."""
        return self.total > len(self.ids)

    @property
    def noun(self) -> str:
        return "quotes" if self.scope == "quotes" else "stories"

    def cut_message(self) -> str:
        return (
            f"Cut short: the first {len(self.ids):,} of {self.total:,} matching {self.noun} "
            f"(a download holds at most {self.cap:,}); narrow the search "
            f"(a date range, an outlet) to download the rest."
        )

    def cut_record(self) -> dict:
        """The last JSON Lines record of a download cut short."""
        return {
            "cut_short": True,
            "cap": self.cap,
            "written": len(self.ids),
            "total": self.total,
            "message": self.cut_message(),
        }

    def records(self) -> Iterator[list[dict]]:
        """The download's records, a chunk at a time."""
        size = self.chunk_size or CHUNK_SIZE
        if self.scope == "quotes":
            for quotes in quote_chunks(self.ids, size):
                yield [quote_record(q, self.absolute) for q in quotes]
        else:
            for articles in article_chunks(self.ids, size):
                yield [article_record(a) for a in articles]

    def stream(self) -> Iterator[bytes]:
        """The file, a chunk of rows at a time, as UTF-8 bytes."""
        return self._csv() if self.fmt == "csv" else self._jsonl()

    def _csv(self) -> Iterator[bytes]:
        writer = csv.writer(_Line())
        quotes = self.scope == "quotes"
        columns, row = (QUOTE_COLUMNS, quote_row) if quotes else (ARTICLE_COLUMNS, article_row)
        yield (BOM + writer.writerow(columns)).encode()
        for records in self.records():
            yield "".join(writer.writerow(row(r)) for r in records).encode()
        if self.cut:
            yield writer.writerow([self.cut_message()]).encode()

    def _jsonl(self) -> Iterator[bytes]:
        for records in self.records():
            yield "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
        if self.cut:
            yield (json.dumps(self.cut_record(), ensure_ascii=False) + "\n").encode()
