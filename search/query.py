"""Searching the index: the query language, filters, facets, snippets and suggestions.

The query language is the one people know from web search engines:

* ``words`` — every word must match (in the headline, standfirst, body, quotes,
  outlet or people, stemmed: ``talks`` finds "talking");
* ``"exact phrase"``; ``a OR b``; ``-word`` / ``-"phrase"`` to exclude; ``prefix*``;
* filters ``outlet:NAME``, ``person:NAME``, ``author:NAME`` (a byline name),
  ``from:YYYY-MM-DD``, ``to:YYYY-MM-DD``
  (``from:2022`` and ``to:2022-02`` take the whole year or month); quote a value with
  spaces: ``outlet:"Daily Mirror"``.

A malformed query (unbalanced quotes, a lone operator, a bad date) is never an error:
it is searched as plain words and ``ParsedQuery.notice`` says what happened.

Searchers are opened once per process and refreshed when the index changes; facet
columns, field lengths, the scores of frequent terms and the word lists of spelling
suggestions are loaded once per searcher, and facet counts are cached per query. Ranking
is Whoosh's BM25F, computed from the posting lists (``ranked``).
"""

from __future__ import annotations

import calendar
import contextlib
import html
import logging
import math
import os
import re
import struct
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from itertools import accumulate
from operator import itemgetter
from pathlib import Path

import numpy as np
from django.db.models import Q
from django.utils.text import slugify
from whoosh import collectors, highlight, query, sorting
from whoosh import columns as whoosh_columns
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.support.charset import accent_map
from whoosh.support.levenshtein import levenshtein
from whoosh.system import _INT_SIZE

from . import names
from .index import _setting, index_root, live_dir, open_index
from .schema import (
    _LENGTH_OF_BYTE,
    PERSON_SEP,
    TEXT_ANALYZER,
    TEXT_FIELDS,
    WORD_RE,
    FastPositions,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 20
FACET_SIZE = 10
MONTH_FACET_SIZE = 12
YEAR_FACET_SIZE = 10
# A facet's "more" list (``more=`` on the search page): the first FACET_MORE_SIZE outlets or
# people, every month and year.
FACET_MORE_SIZE = 100
FACETS = ("outlet", "person", "year", "month")
PREFIX_MIN = 3  # letters a prefix needs before *: "re*" or "co*" is a good part of the language
QUOTE_FIELDS = ("quote", "speaker_name")
SNIPPET_FIELDS = ("standfirst", "body", "quotes", "headline")
SNIPPET_WINDOW = 800  # characters of text the highlighter analyses per hit (two fragments)
FILTER_NAMES = ("outlet", "person", "author", "from", "to")

# The cost bound of one search. A prefix expands to its most common words only (by how
# many documents hold them), and all the prefixes of a query share a number of (field,
# word) terms; reading posting lists stops at a deadline or a number of postings, and
# what was found by then is the answer (with a notice). A search that cannot have the
# searcher within ``SEARCH_WAIT_SECONDS`` (others hold it) answers that search is busy.
PREFIX_WORDS = 30  # words one prefix expands to at most
PREFIX_TERMS = 60  # (field, word) terms the prefixes of one query expand to in all
PREFIX_KEPT = 1024  # prefixes' word lists kept per searcher
SEARCH_SECONDS = 0.8  # wall-clock time a search may spend reading posting lists
SEARCH_POSTINGS = 4_000_000  # postings a search may read
SEARCH_WAIT_SECONDS = 0.2  # time a search waits for the searcher while others use it
CUT_RETRY_SECONDS = 30.0  # a search cut short is kept this long, then run again

# --- Parsing -----------------------------------------------------------------------------


@dataclass
class Atom:
    """One thing to match: a word, a phrase or a prefix."""

    kind: str  # word | phrase | prefix
    text: str

    def display(self) -> str:
        if self.kind == "phrase":
            return f'"{self.text}"'
        if self.kind == "prefix":
            return f"{self.text}*"
        return self.text


@dataclass
class ParsedQuery:
    """A user's query, understood."""

    text: str = ""
    groups: list[list[Atom]] = field(default_factory=list)  # all groups must match; OR inside
    exclude: list[Atom] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    notice: str = ""

    @property
    def has_terms(self) -> bool:
        return bool(self.groups)

    @property
    def has_filters(self) -> bool:
        return bool(self.outlets or self.persons or self.authors or self.date_from or self.date_to)

    @property
    def words(self) -> list[str]:
        """The plain words (candidates for spelling suggestions)."""
        return [a.text for g in self.groups for a in g if a.kind == "word"]


class QuerySyntaxError(ValueError):
    pass


TOKEN_RE = re.compile(r'(-?)(?:([A-Za-z]+):)?("[^"]*"|[^\s"]+)|(")')
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date(value: str, *, end: bool = False) -> date:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; the period's last day when ``end``."""
    match = DATE_RE.match(value.strip())
    if not match:
        raise ValueError(value)
    year, month, day = match.group(1), match.group(2), match.group(3)
    year = int(year)
    if month is None:
        return date(year, 12, 31) if end else date(year, 1, 1)
    month = int(month)
    if day is None:
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        return date(year, month, last if end else 1)
    return date(year, month, int(day))


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _atom(token: str) -> Atom | None:
    if token.startswith('"'):
        text = _unquote(token).strip()
        return Atom("phrase", text) if text else None
    if token.endswith(":") and token[:-1].lower() in FILTER_NAMES:
        raise QuerySyntaxError(f'"{token}" needs a value.')
    if not re.search(r"\w", token):
        raise QuerySyntaxError(f'"{token}" on its own is not a word or an operator.')
    if token.endswith("*"):
        stem = token.rstrip("*")
        if len(re.sub(r"\W", "", stem)) < PREFIX_MIN:
            raise QuerySyntaxError(
                f'"{token}": a prefix search needs at least {PREFIX_MIN} letters before *.'
            )
        return Atom("prefix", stem)
    return Atom("word", token.replace("*", ""))


def _strict_parse(text: str, parsed: ParsedQuery) -> None:
    if text.count('"') % 2:
        raise QuerySyntaxError("Unbalanced quotation marks.")
    groups: list[list[Atom]] = []
    pending_or = False
    for match in TOKEN_RE.finditer(text):
        neg, name, value, stray = match.groups()
        if stray:
            raise QuerySyntaxError("Unbalanced quotation marks.")
        lname = (name or "").lower()
        if name and lname in FILTER_NAMES:
            if neg or pending_or:
                raise QuerySyntaxError(f'"{match.group(0)}": a filter cannot be negated or OR-ed.')
            _apply_filter(parsed, lname, _unquote(value).strip())
            continue
        if name:  # an unknown "word:" is just words
            value = f"{name} {value}" if not value.startswith('"') else value
        if value == "OR" and not neg:
            if not groups or pending_or:
                raise QuerySyntaxError('"OR" needs a word on each side.')
            pending_or = True
            continue
        if value in ("AND",) and not neg:
            continue
        atoms = []
        for part in value.split(" ") if name and not value.startswith('"') else [value]:
            atom = _atom(part)
            if atom:
                atoms.append(atom)
        if neg:
            if not atoms:
                raise QuerySyntaxError('A lone "-" needs a word after it.')
            if pending_or:
                raise QuerySyntaxError('"OR" needs a word on each side.')
            parsed.exclude.extend(atoms)
            continue
        if not atoms:
            continue
        if pending_or:
            groups[-1].append(atoms[0])
            groups.extend([a] for a in atoms[1:])
            pending_or = False
        else:
            groups.extend([a] for a in atoms)
    if pending_or:
        raise QuerySyntaxError('"OR" needs a word on each side.')
    parsed.groups = groups


def _apply_filter(parsed: ParsedQuery, name: str, value: str) -> None:
    if not value:
        raise QuerySyntaxError(f'"{name}:" needs a value.')
    if name == "outlet":
        parsed.outlets.append(value)
    elif name == "person":
        parsed.persons.append(value)
    elif name == "author":
        parsed.authors.append(value)
    else:
        try:
            day = parse_date(value, end=(name == "to"))
        except ValueError:
            # A bad date drops that filter only; the rest of the query stands.
            parsed.notice = (
                f'"{name}:{value}" is not a date (use YYYY-MM-DD); that filter was ignored.'
            )
            return
        if name == "from":
            parsed.date_from = day
        else:
            parsed.date_to = day


def parse(text: str) -> ParsedQuery:
    """Understand a user's query; malformed syntax falls back to plain words."""
    text = (text or "").strip()[:500]
    parsed = ParsedQuery(text=text)
    try:
        _strict_parse(text, parsed)
    except QuerySyntaxError as exc:
        fallback = ParsedQuery(text=text, notice=f"{exc} Searched for the words instead.")
        for match in TOKEN_RE.finditer(text.replace('"', " ")):
            neg, name, value, _stray = match.groups()
            lname = (name or "").lower()
            if name and lname in FILTER_NAMES and value.strip('"*-'):
                with contextlib.suppress(QuerySyntaxError):
                    _apply_filter(fallback, lname, value)
                continue
            for word in re.findall(r"\w+", f"{name or ''} {value}"):
                if word not in ("OR", "AND"):
                    fallback.groups.append([Atom("word", word)])
        return fallback
    return parsed


# --- Searchers ---------------------------------------------------------------------------


class Budget:
    """What one search may still spend reading posting lists: ``SEARCH_SECONDS`` of wall
    clock and ``SEARCH_POSTINGS`` postings. Once it is spent (``cut``), a posting list not
    read yet counts as empty: an OR finds fewer documents and an AND none, so a search cut
    short shows fewer of its matches, never a document that does not match."""

    def __init__(self, seconds: float | None = None, postings: int | None = None):
        seconds = SEARCH_SECONDS if seconds is None else seconds
        self.deadline = time.monotonic() + seconds
        self.postings = SEARCH_POSTINGS if postings is None else postings
        self.cut = False

    def spend(self, postings: int) -> None:
        self.postings -= postings

    def spent(self) -> bool:
        if not self.cut and (self.postings < 0 or time.monotonic() > self.deadline):
            self.cut = True
        return self.cut


class _Entry:
    def __init__(self, path: Path, ix):
        self.path = path
        self.ix = ix
        self.searcher = ix.searcher()
        self.lock = threading.RLock()
        self.opened = time.monotonic()
        # The latest distinct searches (run_search's arguments), replayed to warm the
        # searcher that replaces this one.
        self.recent: OrderedDict = OrderedDict()
        self.budget: Budget | None = None  # what the search under way may still spend
        self.reset()

    @property
    def large(self) -> bool:
        """Whether loading this index's columns takes long enough to do ahead of use."""
        return self.searcher.doc_count_all() >= _setting("ARCHIVE_SEARCH_WARM_DOCS", 20_000)

    def remember(self, search: tuple) -> None:
        self.recent[search] = None
        self.recent.move_to_end(search)
        while len(self.recent) > WARM_SEARCHES:
            self.recent.popitem(last=False)

    def warm(self, searches=()) -> None:
        """``load``, score the most common words (``warm_terms``), then run ``searches``
        without their hits, keeping their posting lists, scores and facet counts."""
        self.load()
        self.warm_terms()
        for search in searches:
            try:
                run_search(*search[:1], **dict(search[1:]), _entry=self, _hits=False)
            except Exception:  # one odd search must not stop the warming of the rest
                log.exception("warming the searcher with %r failed", search)

    def load(self) -> None:
        """Load what searches read whatever the query: the facet and date columns and
        their numbered values, the documents of each kind, field lengths, date orders.

        Each piece is loaded under the searcher's lock, one at a time: a searcher in use
        while it loads (a process's first) answers searches between the pieces, and
        what a search loads first is not loaded twice."""
        steps = [partial(self.column, name) for name in WARM_COLUMNS]
        # the quotes' documents (a million at 100,000 stories) only when asked
        steps.append(partial(self.kind_docs, "article"))
        schema = self.searcher.schema
        steps += [
            partial(self.field_lengths, fieldname)
            for fieldname in (*TEXT_FIELDS, *QUOTE_FIELDS)
            if fieldname in schema and schema[fieldname].scorable
        ]
        steps += [partial(self.order, "newest"), partial(self.order, "oldest")]
        steps.append(self.day_ascending)
        steps += [partial(self.codes, name) for name in WARM_COLUMNS]
        for step in steps:
            with self.lock:
                step()

    def reset(self):
        self.columns: dict[str, list] = {}
        self.kinds: dict[str, set[int]] = {}
        self.facet_cache: OrderedDict = OrderedDict()
        self.lengths: dict[str, list[int]] = {}
        self.spelling: dict[tuple[str, str], list[str]] = {}  # (field, prefix) -> words
        self.frequencies: dict[str, int] = {}  # word -> documents with it (suggestions)
        self.memo: dict = {}  # posting lists read by the search under way
        self.scores: OrderedDict = OrderedDict()  # (field, term) -> postings, BM25F scores
        self.scores_size = 0
        self.snippets: OrderedDict = OrderedDict()  # (article, modified, terms) -> HTML
        self.phrases: OrderedDict = OrderedDict()  # (field, words) -> documents
        self.phrases_size = 0
        self.prefixes: OrderedDict = OrderedDict()  # (field, prefix) -> words, documents
        # (prefix, shorter form) -> whether a word has it; ("stems", field, prefix) -> forms
        self.prefix_forms: dict = {}

    def warm_terms(self, postings: int | None = None) -> int:
        """Score the terms of the article fields with the longest posting lists ahead of
        use, up to ``postings`` postings in all: the most common words, whose lists cost
        most to read (70,000 postings of "president" at 100,000 stories). Returns how
        many terms were scored. ``postings`` defaults to ``ARCHIVE_SEARCH_WARM_POSTINGS``."""
        if postings is None:
            postings = _setting("ARCHIVE_SEARCH_WARM_POSTINGS", SCORES_CACHE_POSTINGS // 2)
        schema = self.searcher.schema
        candidates = []
        # The words are listed through a reader of their own, and each is scored under the
        # searcher's lock: searches go on meanwhile.
        with self.ix.reader() as reader:
            for fieldname in TEXT_FIELDS:
                if fieldname not in schema or not schema[fieldname].scorable:
                    continue
                for text, info in reader.iter_field(fieldname):
                    frequency = info.doc_frequency()
                    if frequency >= SCORES_CACHE_MIN:
                        candidates.append((frequency, fieldname, text))
        candidates.sort(reverse=True)
        total = scored = 0
        for frequency, fieldname, text in candidates:
            total += frequency
            if total > postings:
                break
            with self.lock:
                try:
                    term_scores(self, fieldname, schema[fieldname].from_bytes(text))
                finally:
                    self.memo = {}
            scored += 1
        return scored

    def field_lengths(self, fieldname: str) -> list[int]:
        """Every document's length of ``fieldname`` as BM25 scoring reads it (Whoosh's
        one-byte approximation; 1 when the field has no lengths), by document number."""
        if fieldname not in self.lengths:
            out: list[int] = []
            for sub, offset in self.searcher.subsearchers or [(self.searcher, 0)]:
                reader = sub.reader()
                count = reader.doc_count_all()
                out.extend([1] * (offset - len(out)))
                perdoc = getattr(reader, "_perdoc", None)
                raw = None
                if perdoc is not None and count:
                    reader.doc_field_length(0, fieldname, 1)  # loads the column (schema.py)
                    raw = getattr(perdoc, "_length_bytes", {}).get(fieldname)
                if raw is None:
                    out.extend(reader.doc_field_length(d, fieldname, 1) for d in range(count))
                else:
                    table = [1, *_LENGTH_OF_BYTE[1:]]
                    out.extend(map(table.__getitem__, raw[:count]))
            self.lengths[fieldname] = array("I", out)
        return self.lengths[fieldname]

    def length_norms(self, fieldname: str, ids) -> np.ndarray:
        """BM25's length part of the documents ``ids``, ``K1 * ((1 - B) + B * length /
        average length)`` (the same for every term of the field), operation for operation
        as Whoosh computes it, in double precision."""
        key = f"average-{fieldname}"
        if key not in self.columns:
            self.columns[key] = self.searcher.avg_field_length(fieldname) or 1
        lengths = np.frombuffer(self.field_lengths(fieldname), np.uint32)[ids]
        return BM25_K1 * ((1 - BM25_B) + BM25_B * lengths.astype(np.float64) / self.columns[key])

    def spelling_words(self, fieldname: str, prefix: str) -> list[str]:
        """The words of ``fieldname`` that suggestions are drawn from, starting with
        ``prefix`` (read from the index once per prefix and index generation)."""
        key = (fieldname, prefix)
        if key not in self.spelling:
            reader = self.searcher.reader()
            fieldobj = self.searcher.schema[fieldname]
            spellfield = fieldobj.spelling_fieldname(fieldname)
            try:
                words = [fieldobj.from_bytes(b) for b in reader.expand_prefix(spellfield, prefix)]
            except Exception:  # no such words in this index
                words = []
            self.spelling[key] = words
        return self.spelling[key]

    def column(self, name: str) -> list:
        """A whole column indexed by document number (loaded once): a list, or an array
        of numbers."""
        if name not in self.columns:
            reader = self.searcher.reader()
            if name not in reader.schema or not reader.has_column(name):  # an older index
                default = 0 if name == "day" else () if name == "person_col" else ""
                values = [default] * reader.doc_count_all()
            elif name == "day":
                values = array("I", _col(reader, name))
            else:
                # One object for each distinct value: most of 1.3 million documents share a
                # few hundred months and outlets, and the quotes have no people.
                shared: dict = {}
                one = shared.setdefault
                if name == "person_col":
                    values = [
                        one(v, tuple(v.decode().split(PERSON_SEP)) if v else ())
                        for v in _col(reader, name)
                    ]
                elif name in ("cluster", "month"):
                    # bytes in a COLUMN field; text in an index built before (sortable ID)
                    values = [
                        one(v, v.decode() if isinstance(v, bytes) else v)
                        for v in _col(reader, name)
                    ]
                else:
                    values = [one(v, v) for v in _col(reader, name)]
            self.columns[name] = values
        return self.columns[name]

    def codes(self, name: str) -> tuple:
        """Column ``name`` with its values numbered (for counting with numpy, loaded
        once): ``(values, codes)``, ``codes[document]`` the number of its value; for
        ``person_col`` (several people a document) ``(values, codes, documents)``, one
        code and document number for each person of each document."""
        key = f"codes-{name}"
        if key not in self.columns:
            # For a column of one value a document, code 0 is "" (no value).
            numbers: dict = {} if name == "person_col" else {"": 0}
            number = numbers.setdefault
            column = self.column(name)
            if name == "year":  # from the months: "YYYY-MM" -> "YYYY"
                months, month_codes = self.codes("month")
                years = np.fromiter(
                    (number(m[:4], len(numbers)) if m else 0 for m in months),
                    np.int32,
                    len(months),
                )
                found = (list(numbers), years[month_codes])
            elif name == "person_col":
                # Only stories' people are counted (a quote's document repeats its story's).
                stories = self.kind_docs("article")
                codes, owners = array("i"), array("i")
                for doc, values in enumerate(column):
                    if not values or doc not in stories:
                        continue
                    for value in values:
                        codes.append(number(value, len(numbers)))
                        owners.append(doc)
                found = (
                    list(numbers),
                    np.frombuffer(codes, np.int32) if codes else np.zeros(0, np.int32),
                    np.frombuffer(owners, np.int32) if owners else np.zeros(0, np.int32),
                )
            else:
                codes = np.fromiter(
                    (number(value, len(numbers)) for value in column), np.int32, len(column)
                )
                found = (list(numbers), codes)
            self.columns[key] = found
        return self.columns[key]

    def kind_docs(self, kind: str) -> set[int]:
        """Document numbers of the live (not deleted) documents of ``kind``."""
        if kind not in self.kinds:
            docs = term_docs(self.searcher, "kind", kind)
            reader = self.searcher.reader()
            if reader.has_deletions():
                docs.intersection_update(reader.all_doc_ids())
            self.kinds[kind] = docs
        return self.kinds[kind]

    def day_ascending(self) -> tuple[list[int], list[int]]:
        """All document numbers by ``day``, and their days (for range lookups)."""
        if "day_asc" not in self.columns:
            days = self.column("day")
            asc = sorted(range(len(days)), key=days.__getitem__)
            self.columns["day_asc"] = array("I", asc)
            self.columns["day_asc_days"] = array("I", [days[d] for d in asc])
        return self.columns["day_asc"], self.columns["day_asc_days"]

    def order(self, sort: str) -> list[int]:
        """All document numbers in ``sort`` order (newest or oldest; undated last, ties
        by document number)."""
        key = f"order-{sort}"
        if key not in self.columns:
            days = self.column("day")
            self.columns[key] = array("I", sorted(range(len(days)), key=self.date_key(sort)))
        return self.columns[key]

    def date_key(self, sort: str):
        """The sort key of a document number in ``sort`` order (see ``order``)."""
        days = self.column("day")
        if sort == "oldest":
            return lambda d: (days[d] or 99999999, d)
        return lambda d: (-days[d], d)

    def by_date(self, sort: str, docs: set[int]):
        """``docs`` in ``sort`` order: the whole order walked when they are many, or
        sorted themselves when they are few (walking 1.3 million documents to find a few
        hundred costs more than sorting them)."""
        if len(docs) * ORDER_WALK_RATIO >= len(self.column("day")):
            return self.order(sort)
        return sorted(docs, key=self.date_key(sort))


def _col(reader, name):
    return column_values(reader.column_reader(name)) if reader.has_column(name) else []


def column_values(column) -> list:
    """Every value of a Whoosh column reader, in document order.

    Whoosh's own readers seek and read once per document: 19 s of CPU for the columns of
    a 100,000-story index (about 650,000 documents with the quotes), paid by the first
    search of every server process after each index change. Variable- and fixed-length
    columns are read here in one piece and cut in memory; other readers are iterated as
    Whoosh does.
    """
    if isinstance(column, whoosh_columns.TranslatingColumnReader):
        return list(map(column._translate, column_values(column._reader)))
    if isinstance(column, whoosh_columns.MultiColumnReader):
        return [v for child in column._readers for v in column_values(child)]
    if type(column) is whoosh_columns.VarBytesColumn.Reader:
        lengths = column._lengths
        data = column._dbfile.get(column._basepos, sum(lengths)) if len(lengths) else b""
        values, pos = [], 0
        one = {}.setdefault  # one object per distinct value (most repeat: months, outlets)
        for length in lengths:
            chunk = data[pos : pos + length]
            values.append(one(chunk, chunk))
            pos += length
        return values
    if type(column) is whoosh_columns.NumericColumn.Reader and not column._reverse:
        size, count = column._fixedlen, column._count
        data = column._dbfile.get(column._basepos, size * count) if count else b""
        values = [v for (v,) in struct.iter_unpack("!" + column._typecode, data)]
        return values + [column._default] * (column._doccount - count)
    return list(column)


def term_docs(searcher, fieldname: str, text) -> set[int]:
    """Document numbers whose ``fieldname`` holds ``text``, read a posting block at a
    time (deleted documents included: callers intersect with ``kind_docs``)."""
    out: set[int] = set()
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        reader = sub.reader()
        try:
            matcher = reader.postings(fieldname, text)
        except TermNotFound:
            continue
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        if isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                if matcher._ids is None:
                    _read_ids(matcher)
                ids = matcher._ids[matcher._i :] if matcher._i else matcher._ids
                out.update([i + offset for i in ids] if offset else ids)
                matcher._next_block()
        else:
            out.update(i + offset for i in matcher.all_ids())
    return out


def _read_ids(matcher: W3LeafMatcher) -> None:
    """Whoosh's ``_read_ids``, decoding the block's id deltas with ``accumulate`` (Whoosh
    decodes them with a generator: most of the time of reading a long posting list)."""
    if matcher._data is None:
        matcher._read_data()
    ids = matcher._data[0]
    matcher._ids = ids if matcher._byteids else tuple(accumulate(ids))


def match_docs(searcher, q, entry: _Entry | None = None) -> set[int]:
    """Document numbers matching ``q``, with set operations on whole posting lists for
    terms, ORs, ANDs and NOTs (Whoosh's matchers go one document at a time).

    With ``entry`` (the searcher's), posting lists come from ``cached_postings``: the
    ranking reads the same ones."""
    if isinstance(q, query.Term):
        if entry is not None:
            return set(cached_postings(entry, q.fieldname, q.text)[0])
        return term_docs(searcher, q.fieldname, q.text)
    if isinstance(q, query.Or):
        return set().union(*(match_docs(searcher, sub, entry) for sub in q.subqueries))
    if isinstance(q, query.And):
        sets = sorted((match_docs(searcher, sub, entry) for sub in q.subqueries), key=len)
        return sets[0].intersection(*sets[1:]) if sets else set()
    if isinstance(q, query.AndNot):
        found = match_docs(searcher, q.a, entry)
        if not found:
            return found
        excluded = match_docs(searcher, q.b, entry)
        if entry is not None and entry.budget is not None and entry.budget.cut:
            return set()  # what to exclude may not all be known: none is sure to be kept
        return found - excluded
    if isinstance(q, query.Phrase) and q.slop == 1 and q.words:
        return phrase_docs(searcher, q.fieldname, q.words, entry)
    return set(searcher.docs_for_query(q))


def phrase_docs(searcher, fieldname: str, words: list[str], entry=None) -> set[int]:
    """Documents with ``words`` one after the other in ``fieldname``: only documents with
    every word are candidates, and only their positions are decoded.

    Each word's posting list is read once, positions included (with ``entry``, its
    document numbers and weights are kept for ranking: see ``cached_postings``, and the
    matches of a phrase found in many documents are kept for the index generation)."""
    if len(words) == 1:
        if entry is not None:
            return set(cached_postings(entry, fieldname, words[0])[0])
        return term_docs(searcher, fieldname, words[0])
    key = (fieldname, tuple(words))
    if entry is not None and key in entry.phrases:
        entry.phrases.move_to_end(key)
        return set(entry.phrases[key])
    if entry is not None and entry.budget is not None and entry.budget.spent():
        return set()  # not read: counts as empty (see Budget)
    found = _phrase_docs(searcher, fieldname, words, entry)
    if entry is not None and len(found) >= PHRASES_CACHE_MIN:
        # A phrase of common words costs a pass over their positions: kept for the index
        # generation, as the scores of common words are.
        entry.phrases[key] = frozenset(found)
        entry.phrases_size += len(found)
        while entry.phrases_size > PHRASES_CACHE_DOCS and len(entry.phrases) > 1:
            entry.phrases_size -= len(entry.phrases.popitem(last=False)[1])
    return found


PHRASES_CACHE_MIN = 1_000  # documents of a phrase worth keeping its matches
PHRASES_CACHE_DOCS = 1_000_000  # matches kept in all


def _phrase_docs(searcher, fieldname: str, words: list[str], entry) -> set[int]:
    lists = []
    for word in words:
        ids, weights, values = term_postings(searcher, fieldname, word, values=True)
        if entry is not None:
            entry.memo.setdefault((fieldname, word), (ids, weights))
            if entry.budget is not None:
                entry.budget.spend(len(ids))
        lists.append((ids, values))
    fmt = searcher.schema[fieldname].format
    if isinstance(fmt, FastPositions):
        return _phrase_docs_numpy(lists)
    sets = [set(ids) for ids, _values in lists]
    candidates = min(sets, key=len).intersection(*sets)
    if not candidates:
        return candidates
    decode = fmt.decode_positions  # a format of Whoosh's own (FastPositions: above)
    first, *rest = [dict(zip(ids, values, strict=True)) for ids, values in lists]
    # The phrase starts where the first word is and the n-th word is n positions further:
    # the starts are the first word's positions less every other word's shifted back.
    shifts = [((-n).__add__, r) for n, r in enumerate(rest, 1)]
    found = set()
    for doc in candidates:
        starts = set(decode(first[doc]))
        for shift, r in shifts:
            positions = decode(r[doc])
            starts.intersection_update(map(shift, positions))
            if not starts:
                break
        else:
            found.add(doc)
    return found


def _ragged_sums(data: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The running sums of ``data`` restarted at each of its pieces (of ``sizes``)."""
    sums = np.cumsum(data, dtype=np.int64)
    ends = np.cumsum(sizes)
    before = np.zeros(len(sizes), np.int64)
    before[1:] = sums[ends[:-1] - 1]
    return sums - np.repeat(before, sizes)


def _positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Decode ``FastPositions`` values (schema.py: a count, a width byte, then the deltas
    of the positions, a byte or an unsigned int each) all at once: (index of the value,
    position) arrays, in the order of the values and of their positions."""
    if not values:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    head = _INT_SIZE + 1
    buffer = np.frombuffer(b"".join(values), np.uint8)
    lengths = np.fromiter(map(len, values), np.int64, len(values))
    starts = np.cumsum(lengths) - lengths
    width = buffer[starts + _INT_SIZE]
    owner, position = [], []
    for size, dtype in ((1, np.uint8), (4, np.uint32)):
        which = np.flatnonzero(width == size)
        if not len(which):
            continue
        nbytes = lengths[which] - head
        # the deltas' bytes, gathered from the joined buffer
        offsets = np.repeat(starts[which] + head - (np.cumsum(nbytes) - nbytes), nbytes)
        deltas = buffer[offsets + np.arange(len(offsets))].view(dtype)
        counts = nbytes // size
        owner.append(np.repeat(which, counts))
        position.append(_ragged_sums(deltas, counts))
    if len(owner) == 1:
        return owner[0], position[0]
    owner, position = np.concatenate(owner), np.concatenate(position)
    order = np.argsort(owner, kind="stable")
    return owner[order], position[order]


def _in_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which items of the sorted array ``a`` are in the sorted array ``b`` (a mask)."""
    if not len(b):
        return np.zeros(len(a), bool)
    where = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return b[where] == a


def _phrase_docs_numpy(lists: list) -> set[int]:
    """``_phrase_docs`` for ``FastPositions``: the documents with every word, then all
    their positions decoded at once, and the phrase starts (each word's positions less
    its place in the phrase) intersected as (document, start) keys. Posting lists are in
    document order, so every array here is sorted."""
    ids = [np.fromiter(found, np.int64, len(found)) for found, _values in lists]
    docs = min(ids, key=len)
    for other in ids:
        docs = docs[_in_sorted(docs, other)]
    if not len(docs):
        return set()
    keys = None
    for place, ((_found, values), word_ids) in enumerate(zip(lists, ids, strict=True)):
        at = np.flatnonzero(_in_sorted(word_ids, docs))
        picked = itemgetter(*at.tolist())(values) if len(at) > 1 else [values[at[0]]]
        owner, position = _positions(list(picked))
        # a document by its rank among the candidates: keys fit 64 bits, in order
        found = (owner << 32 | position) - place
        keys = found if keys is None else keys[_in_sorted(keys, found)]
        if not len(keys):
            return set()
    ranks = keys >> 32
    first = np.ones(len(ranks), bool)
    first[1:] = ranks[1:] != ranks[:-1]
    return set(docs[ranks[first]].tolist())


ORDER_WALK_RATIO = 20  # see _Entry.by_date
WARM_COLUMNS = ("cluster", "outlet_slug", "person_col", "month", "day", "speaker")
WARM_SEARCHES = 32  # latest distinct searches replayed on a fresh searcher

_entries: dict[str, _Entry] = {}
_entries_lock = threading.Lock()
_warming: dict[str, threading.Thread] = {}  # index root -> thread warming its next searcher
_provisional: dict[str, _Entry] = {}  # index root -> searcher used while the first loads


def get_entry(*, wait: bool = True) -> _Entry | None:
    """The process's searcher for the live index, refreshed when the index changes.

    A large index (``ARCHIVE_SEARCH_WARM_DOCS`` documents or more) is searched through a
    warmed searcher: when the index changes, the next searcher is opened and warmed in a
    background thread (``_Entry.warm``: the columns, field lengths and orders every search
    reads, the most common words, then the latest searches again) while the current one
    goes on answering, and takes over when it is ready. So searches never pay for loading
    an index generation, and lag the index by the warming time; a searcher is also kept at
    least ``ARCHIVE_SEARCH_REFRESH_SECONDS``, so that an index changing every few seconds
    (an import running) is not warmed again and again. A small index is refreshed at once.

    A process's first searcher (``warm_up``) answers as soon as it is opened, cold, while
    it loads in the background: a search waits for its opening only (``wait=False``, the
    related stories of an article page, not even that: it gets a provisional searcher).
    """
    path = live_dir()
    if path is None:
        return None
    root = str(index_root())
    for attempt in range(2):
        with _entries_lock:
            entry = _entries.get(root)
            if entry is not None and entry.path == path and entry.searcher.up_to_date():
                return entry
            warming = _warming.get(root)
            if entry is not None and entry.large:
                young = time.monotonic() - entry.opened < _setting(
                    "ARCHIVE_SEARCH_REFRESH_SECONDS", 5
                )
                if warming is None and not young:
                    _start_warming(root, entry)
                return entry
            if entry is not None and entry.path == path:
                with entry.lock:
                    entry.searcher = entry.searcher.refresh()
                    entry.opened = time.monotonic()
                    entry.reset()
                return entry
            if entry is None and warming is not None and not wait:
                provisional = _provisional.get(root)
                if provisional is None or provisional.path != path:
                    ix = open_index()
                    if ix is None:
                        return None
                    provisional = _provisional[root] = _Entry(path, ix)
                return provisional
            if entry is None and warming is not None and attempt == 0:
                pass  # the process's first searcher is being loaded: wait for it below
            else:
                ix = open_index()
                if ix is None:
                    return None
                if entry is not None:
                    entry.searcher.close()
                fresh = _Entry(path, ix)
                if fresh.large and warming is None:  # nothing older to answer with
                    fresh.warm()
                _entries[root] = fresh
                return fresh
        # Wait until the first searcher is loaded (not for the rest of its warming).
        deadline = time.monotonic() + _setting("ARCHIVE_SEARCH_WARM_WAIT_SECONDS", 60)
        while warming.is_alive() and root not in _entries and time.monotonic() < deadline:
            time.sleep(0.02)
    return None  # not reached


def _start_warming(root: str, old: _Entry | None) -> None:
    """Warm the next searcher of ``root`` in a thread (under ``_entries_lock``)."""
    thread = threading.Thread(target=_replace, args=(root, old), name="search-warm", daemon=True)
    _warming[root] = thread
    thread.start()


def _replace(root: str, old: _Entry | None) -> None:
    """Open and warm a searcher for the live index, then put it in ``old``'s place."""
    from django.db import connections

    fresh = None
    try:
        path = live_dir()
        ix = open_index() if path is not None else None
        if ix is not None:
            fresh = _Entry(path, ix)
            if old is None:
                # A process's first searcher: nothing older answers meanwhile, so it
                # serves at once, cold (a search loads what it needs), while it loads
                # (``load`` lets searches in between its pieces) and scores common words.
                started = time.perf_counter()
                _publish(root, old, fresh)
                fresh.load()
                fresh.warm_terms()
                log.info(
                    "process %s: searcher warmed in %.1f s (%d documents)",
                    os.getpid(),
                    time.perf_counter() - started,
                    fresh.searcher.doc_count_all(),
                )
            else:
                with old.lock:
                    searches = list(old.recent)
                fresh.warm(reversed(searches))  # the latest first
                fresh.recent.update(old.recent)
    except Exception:
        log.exception("opening a fresh searcher for %s failed", root)
    finally:
        if fresh is not None:
            _publish(root, old, fresh)
        with _entries_lock:
            if _warming.get(root) is threading.current_thread():
                _warming.pop(root, None)
        connections.close_all()  # this thread's own database connections


def _publish(root: str, old: _Entry | None, fresh: _Entry) -> None:
    """Put ``fresh`` in ``old``'s place (unless something else took it meanwhile)."""
    with _entries_lock:
        if _entries.get(root) is old:
            fresh.opened = time.monotonic()
            _entries[root] = fresh
            _provisional.pop(root, None)


def warm_up() -> None:
    """Load the name spellings, and open and warm this process's searcher in a thread: a
    web worker calls it as it starts. The searcher answers while it warms (cold answers
    are slower, not late: warming a large index takes seconds, more on a busy machine)."""
    try:
        names.current()
        path = live_dir()
        if path is None:
            return
        root = str(index_root())
        with _entries_lock:
            if root not in _entries and root not in _warming:
                _start_warming(root, None)
    except Exception:
        log.exception("warming the search index failed")


def wait_for_warming(timeout: float | None = None) -> None:
    """Wait until no searcher is being warmed in the background (tests, benchmarks)."""
    for thread in list(_warming.values()):
        thread.join(timeout)


# --- Building Whoosh queries ---------------------------------------------------------------


def prefix_options(fieldobj, text: str) -> list[str]:
    """What the prefix ``text`` (without its ``*``) is looked up as in a field: its
    analysed form and its plain letters ("negotiat*": "negoti" and "negotiat"); none when
    it analyses to more than one word or is too short."""
    raw = list(fieldobj.process_text(text, mode="query", removestops=False))
    if len(raw) != 1:
        return []
    plain = re.sub(r"\W", "", html.unescape(text.lower()))
    options = {raw[0], plain} if plain else {raw[0]}
    return [p for p in sorted(options) if len(p) >= PREFIX_MIN]


# English endings (the stemmer's, and common runs of them). A prefix may stop inside one:
# "escalati*" is "escalati" + "on", whose word "escalation" is indexed as "escal".
PREFIX_ENDINGS = [
    "e",
    "es",
    "ed",
    "er",
    "ers",
    "ing",
    "ings",
    "s",
    "ion",
    "ions",
    "ation",
    "ations",
    "ational",
    "ationally",
    "ative",
    "ator",
    "ators",
    "ate",
    "ated",
    "ates",
    "ating",
    "al",
    "ally",
    "alism",
    "alist",
    "alists",
    "ality",
    "ance",
    "ances",
    "ence",
    "ences",
    "ency",
    "ent",
    "ents",
    "ently",
    "ant",
    "ants",
    "ment",
    "ments",
    "ness",
    "ful",
    "fully",
    "ism",
    "ist",
    "ists",
    "ity",
    "ities",
    "ive",
    "ively",
    "iveness",
    "ous",
    "ously",
    "ousness",
    "able",
    "ably",
    "ible",
    "ic",
    "ical",
    "ically",
    "ize",
    "ized",
    "izes",
    "izing",
    "ization",
    "ise",
    "ised",
    "ises",
    "ising",
    "isation",
    "or",
    "ors",
    "y",
    "ies",
    "ied",
    "ly",
    "ll",
    "logy",
    "logies",
]
PREFIX_STEM_DOCS = 200  # stories read to confirm that a prefix's words have a shorter form


def prefix_stems(fieldobj, text: str) -> list[str]:
    """Forms shorter than the prefix ``text`` that a word beginning with it may be indexed
    as: the stemmer can cut into the prefix ("escalation" is indexed as "escal", shorter
    than "escalati"). Candidates only, made by analysing the prefix followed by each
    ending of ``PREFIX_ENDINGS`` or an end part of one: "donat" + "ive" makes "don", which
    no word of the prefix is, so ``PrefixWords`` keeps only the forms a word of the
    archive beginning with the prefix has."""
    options = prefix_options(fieldobj, text)
    if not options:
        return []
    plain = re.sub(r"\W", "", html.unescape(text.lower()))
    tails = {ending[i:] for ending in PREFIX_ENDINGS for i in range(len(ending))}
    found = set()
    for tail in tails:
        words = list(fieldobj.process_text(plain + tail, mode="query", removestops=False))
        if len(words) == 1 and len(words[0]) >= PREFIX_MIN:
            found.add(words[0])
    return sorted(w for w in found if not any(w.startswith(o) for o in options))


def _field_query(schema, fieldname: str, atom: Atom, boost: float = 1.0, prefixes=None):
    fieldobj = schema[fieldname]
    if atom.kind == "prefix":
        options = prefix_options(fieldobj, atom.text)
        if prefixes is None:  # every word of the prefix (Whoosh expands it)
            found = [query.Prefix(fieldname, p) for p in options]
        else:  # its most common words only (``PrefixWords``)
            found = [q for p in options if (q := prefixes.query(fieldname, atom, p)) is not None]
            found += [query.Term(fieldname, w) for w in prefixes.stems(fieldname, atom)]
        if not found:
            return None
        return found[0] if len(found) == 1 else query.Or(found)
    words = list(fieldobj.process_text(atom.text, mode="query"))
    if not words:
        return None
    if len(words) == 1:
        return query.Term(fieldname, words[0], boost=boost)
    return query.Phrase(fieldname, words, boost=boost)


def _run_in(run: list, terms: list) -> bool:
    n = len(run)
    return any(terms[i : i + n] == run for i in range(len(terms) - n + 1))


def _adds_matches(schema, fields_, text: str, form: str, *, adjacent: bool) -> bool:
    """Whether searching the name ``form`` beside ``text`` can find a story that ``text``
    alone does not: not when, in every field, the analysed ``form`` holds the terms of
    ``text`` (as a run when ``adjacent``, a phrase). "Borders" adds nothing to "border",
    nor "Doctors Without Borders": both stem to what "border" already finds."""
    for fieldname in fields_:
        fieldobj = schema[fieldname]
        terms = list(fieldobj.process_text(text, mode="query"))
        found = list(fieldobj.process_text(form, mode="query"))
        if not terms:
            return True
        held = _run_in(terms, found) if adjacent else set(terms) <= set(found)
        if not held:
            return True
    return False


def _name_forms(schema, fields_, text: str, *, adjacent: bool) -> list[str]:
    """Other spellings of a person's name that ``text`` may be (search/names.py) and that
    can find more than ``text`` itself."""
    return [
        form
        for form in names.current().expand(text)
        if _adds_matches(schema, fields_, text, form, adjacent=adjacent)
    ]


def _atom_query(schema, atom: Atom, fields_: tuple[str, ...], prefixes=None):
    # The boost on the query, not only the field: Whoosh scores phrases without field boosts.
    atoms = [atom]
    if atom.kind in ("word", "phrase"):
        # Another spelling of a person's name also finds the name.
        atoms += [
            Atom("phrase", form) for form in _name_forms(schema, fields_, atom.text, adjacent=True)
        ]
    parts = [
        q
        for a in atoms
        for f in fields_
        if (q := _field_query(schema, f, a, TEXT_FIELDS.get(f, 1.0), prefixes)) is not None
    ]
    if not parts and atom.kind == "prefix" and prefixes is not None and fields_:
        # A prefix of no word in the index still has to match: it matches nothing.
        return query.Term(fields_[0], NO_WORD)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.Or(parts)


def text_query(schema, parsed: ParsedQuery, fields_: tuple[str, ...], prefixes=None):
    """The word part of ``parsed`` as a Whoosh query, or None when it has no words.

    With ``prefixes`` (a ``PrefixWords``), a prefix is the OR of its chosen words' terms;
    without, a Whoosh ``Prefix`` of all its words."""
    musts = []
    previous = None  # the last group's single word, to spot a two-word alias
    for group in parsed.groups:
        alternatives = [
            q for a in group if (q := _atom_query(schema, a, fields_, prefixes)) is not None
        ]
        if not alternatives:
            previous = None
            continue
        must = alternatives[0] if len(alternatives) == 1 else query.Or(alternatives)
        word = group[0].text if len(group) == 1 and group[0].kind == "word" else None
        forms = (
            _name_forms(schema, fields_, f"{previous} {word}", adjacent=False)
            if previous and word
            else []
        )
        if forms:
            # "Anthony Blinken" also finds "Antony Blinken": both words, or the name.
            names_q = [_atom_query(schema, Atom("phrase", form), fields_) for form in forms]
            musts[-1] = query.Or([query.And([musts[-1], must]), *filter(None, names_q)])
            previous = None
            continue
        musts.append(must)
        previous = word
    if not musts:
        return None
    return musts[0] if len(musts) == 1 else query.And(musts)


def _exclusions(schema, parsed: ParsedQuery, fields_, prefixes=None):
    parts = [
        q for a in parsed.exclude if (q := _atom_query(schema, a, fields_, prefixes)) is not None
    ]
    return query.Or(parts) if parts else None


NO_WORD = " "  # a term no analyser makes: what a prefix of no word looks up


def prefix_words(entry: _Entry, fieldname: str, prefix: str) -> list[tuple[str, int]]:
    """The words of ``fieldname`` that begin with ``prefix`` and how many documents hold
    each, the most common first (then by word); kept per searcher (``PREFIX_KEPT``).

    The term index is read with the terms' statistics (no look-up per word): a prefix of
    three letters has a few thousand words at 100,000 stories."""
    key = (fieldname, prefix)
    found = entry.prefixes.get(key)
    if found is not None:
        entry.prefixes.move_to_end(key)
        return found
    counts: Counter = Counter()
    if fieldname in entry.searcher.schema:
        for sub, _offset in entry.searcher.subsearchers or [(entry.searcher, 0)]:
            for text, info in sub.reader().iter_prefix(fieldname, prefix):
                counts[text] += info.doc_frequency()
    from_bytes = entry.searcher.schema[fieldname].from_bytes if counts else None
    found = sorted(((from_bytes(t), n) for t, n in counts.items()), key=_by_count)
    entry.prefixes[key] = found
    while len(entry.prefixes) > PREFIX_KEPT:
        entry.prefixes.popitem(last=False)
    return found


def _analysed(word: str) -> str | None:
    words = [t.text for t in TEXT_ANALYZER(word, mode="query")]
    return words[0] if len(words) == 1 else None


class PrefixWords:
    """What the prefixes of one query expand to: each prefix its ``limit`` most common
    words (in documents, over the fields searched), ``PREFIX_WORDS`` at most and fewer
    when the query has several prefixes (they share ``PREFIX_TERMS`` field terms). A
    prefix with more words than that gets a notice (``notices``): it was narrowed."""

    def __init__(self, entry: _Entry, parsed: ParsedQuery, fields_: tuple[str, ...]):
        self.entry = entry
        self.fields = tuple(f for f in fields_ if f in entry.searcher.schema)
        texts = {a.text for g in parsed.groups for a in g if a.kind == "prefix"}
        texts.update(a.text for a in parsed.exclude if a.kind == "prefix")
        share = PREFIX_TERMS // max(1, len(texts) * len(self.fields))
        self.limit = max(1, min(PREFIX_WORDS, share))
        self.chosen: dict[str, frozenset[str]] = {}
        self._stems: dict[tuple[str, str], dict[str, int]] = {}
        self.notices: list[str] = []

    def words(self, atom: Atom) -> frozenset[str]:
        """The words ``atom`` (a prefix) is searched as."""
        found = self.chosen.get(atom.text)
        if found is None:
            schema = self.entry.searcher.schema
            totals: Counter = Counter()
            for fieldname in self.fields:
                counts = {}  # a word begins with both of a prefix's forms: counted once
                for option in prefix_options(schema[fieldname], atom.text):
                    counts.update(prefix_words(self.entry, fieldname, option))
                counts.update(self._stem_counts(fieldname, atom))
                totals.update(counts)
            best = sorted(totals.items(), key=_by_count)
            found = self.chosen[atom.text] = frozenset(w for w, _n in best[: self.limit])
            if len(best) > self.limit:
                which = f"the {self.limit} most common" if self.limit > 1 else "the most common one"
                self.notices.append(
                    f'"{atom.display()}" matches {len(best):,} words: searched for {which}. '
                    "Type more letters to search for others."
                )
        return found

    def _stem_counts(self, fieldname: str, atom: Atom) -> dict[str, int]:
        """The forms of ``prefix_stems`` in ``fieldname`` that a word of the archive
        beginning with ``atom`` has, with the number of documents holding each."""
        key = (fieldname, atom.text)
        found = self._stems.get(key)
        if found is None:
            reader = self.entry.searcher.reader()
            found = {}
            forms = self.entry.prefix_forms
            stems = forms.get(("stems", fieldname, atom.text))
            if stems is None:  # about 2 ms a field: kept per searcher
                stems = prefix_stems(self.entry.searcher.schema[fieldname], atom.text)
                forms[("stems", fieldname, atom.text)] = stems
                while len(forms) > PREFIX_KEPT:
                    forms.pop(next(iter(forms)))
            for word in stems:
                if (n := reader.doc_frequency(fieldname, word)) and self._confirmed(atom, word):
                    found[word] = n
            self._stems[key] = found
        return found

    def _confirmed(self, atom: Atom, form: str) -> bool:
        """Whether a word beginning with ``atom`` is indexed as ``form``: a headline or
        name word says so, or one of the first ``PREFIX_STEM_DOCS`` stories holding
        ``form`` in its body has such a word (kept per searcher)."""
        plain = re.sub(r"\W", "", html.unescape(atom.text.lower()))
        key = (plain, form)
        known = self.entry.prefix_forms.get(key)
        if known is not None:
            return known
        words = set()
        for fieldname in ("headline", "people"):
            words.update(self.entry.spelling_words(fieldname, plain))
        if not any(_analysed(w) == form for w in words):
            words = set()
            searcher = self.entry.searcher
            ids = []
            with contextlib.suppress(TermNotFound):
                matcher = searcher.postings("body", form)
                while matcher.is_active() and len(ids) < PREFIX_STEM_DOCS:
                    ids.append(searcher.stored_fields(matcher.id()).get("article_id"))
                    matcher.next()
            from archive.models import Article

            pattern = re.compile(rf"\b{re.escape(plain)}\w*", re.IGNORECASE)
            for text in Article.objects.filter(pk__in=ids).values_list("body", flat=True):
                words.update(m.lower() for m in pattern.findall(text))
        known = any(_analysed(w) == form for w in words)
        self.entry.prefix_forms[key] = known
        while len(self.entry.prefix_forms) > PREFIX_KEPT:
            self.entry.prefix_forms.pop(next(iter(self.entry.prefix_forms)))
        return known

    def stems(self, fieldname: str, atom: Atom) -> list[str]:
        """The chosen words of ``atom`` that are ``prefix_stems`` in ``fieldname``."""
        if fieldname not in self.fields:
            return []
        chosen = self.words(atom)
        return sorted(w for w in self._stem_counts(fieldname, atom) if w in chosen)

    def query(self, fieldname: str, atom: Atom, prefix: str):
        """The chosen words of ``atom`` that begin with ``prefix`` in ``fieldname``: a
        term, an OR of terms (Whoosh's expansion of a ``Prefix``), or None."""
        chosen = self.words(atom)
        words = sorted(w for w, _n in prefix_words(self.entry, fieldname, prefix) if w in chosen)
        if not words:
            return None
        if len(words) == 1:
            return query.Term(fieldname, words[0])
        return query.Or([query.Term(fieldname, w) for w in words])


@dataclass
class Filters:
    """Filters resolved against the database, to apply to the index."""

    outlets: list = field(default_factory=list)  # Outlet objects
    persons: list = field(default_factory=list)  # Person objects
    authors: list[str] = field(default_factory=list)  # byline names, slugged
    date_from: date | None = None
    date_to: date | None = None
    unknown: list[str] = field(default_factory=list)  # names that matched nothing

    @property
    def active(self) -> bool:
        return bool(
            self.outlets
            or self.persons
            or self.authors
            or self.date_from
            or self.date_to
            or self.unknown
        )


def resolve_filters(
    parsed: ParsedQuery, outlet_slugs=(), person_slugs=(), date_from=None, date_to=None
):
    """Outlets and people named in the query or chosen in the form (at most 2 queries)."""
    from archive.ingest.people import name_key
    from archive.models import Outlet, Person

    result = Filters(date_from=parsed.date_from or date_from, date_to=parsed.date_to or date_to)
    result.authors = [slugify(name) for name in parsed.authors if slugify(name)]
    outlet_names = [*parsed.outlets, *outlet_slugs]
    if outlet_names:
        cond = Q()
        for name in outlet_names:
            cond |= Q(slug=slugify(name)) | Q(name__iexact=name)
        found = list(Outlet.objects.filter(cond).order_by("name"))
        result.outlets = found
        for name in outlet_names:
            if not any(o.slug == slugify(name) or o.name.lower() == name.lower() for o in found):
                result.unknown.append(f"outlet:{name}")
    person_names = [*parsed.persons, *person_slugs]
    if person_names:
        cond = Q()
        for name in person_names:
            cond |= Q(slug=slugify(name)) | Q(aliases__key=name_key(name))
        found = list(Person.objects.filter(cond).distinct().order_by("name"))
        result.persons = found
        if not found:
            result.unknown.extend(f"person:{n}" for n in person_names)
    return result


def filter_query(filters: Filters, *, person_field: str = "person"):
    """The outlet and person filters as Whoosh query parts (all must match); dates are
    matched on the ``day`` column (``date_docs``)."""
    parts = []
    if filters.unknown:
        parts.append(query.Term("kind", "-none-"))  # a named filter that matches nothing
    if filters.outlets:
        parts.append(query.Or([query.Term("outlet_slug", o.slug) for o in filters.outlets]))
    if filters.persons:
        parts.append(query.Or([query.Term(person_field, p.slug) for p in filters.persons]))
    for slug in filters.authors:
        # "author:Jane Roe": her byline slug, so both names must be hers
        parts.append(query.Term("author", slug))
    return parts


def date_docs(entry, filters: Filters, docs: set[int]) -> set[int]:
    """Those of ``docs`` dated within the filter's range (undated ones never are): the
    range's documents looked up in ``docs`` when they are fewer, else the days of
    ``docs`` checked (a range of years can hold a million documents with the quotes)."""
    if not (filters.date_from or filters.date_to):
        return docs
    asc, asc_days = entry.day_ascending()
    low = max(_day_number(filters.date_from) if filters.date_from else 1, 1)
    high = _day_number(filters.date_to) if filters.date_to else 99999999
    start, end = bisect_left(asc_days, low), bisect_right(asc_days, high)
    if end - start < len(docs):
        return docs.intersection(asc[start:end])
    days = entry.column("day")
    return {d for d in docs if low <= days[d] <= high}


def _day_number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


# --- Highlighting ------------------------------------------------------------------------


class MarkFormatter(highlight.Formatter):
    """``<mark>`` around matched words, everything HTML-escaped."""

    between = " "

    def _text(self, text):
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"

    def format(self, fragments, replace=False):
        """Fragments in text order, "…" wherever text was left out."""
        out = []
        end = 0
        for fragment in sorted(fragments, key=lambda f: f.startchar):
            if re.search(r"\w", fragment.text[end : fragment.startchar]):
                out.append("…")
            out.append(self.format_fragment(fragment, replace=replace).strip())
            end = fragment.endchar
        rest = fragments[0].text[end:] if fragments else ""
        if re.search(r"\w", rest):
            out.append("…")
        elif out:
            out[-1] += self._text(rest.rstrip())  # closing punctuation
        return " ".join(out)


_FRAGMENTER = highlight.ContextFragmenter(maxchars=240, surround=90)


class _DistinctScorer(highlight.FragmentScorer):
    """Prefer fragments with more of the different query words, then more matches, then
    the earlier one. Whoosh breaks ties between equal scores by the fragments' memory
    addresses, so without the last rule the same story could get a different snippet from
    one process to the next."""

    def __call__(self, fragment):
        words = len({t.text for t in fragment.matches})
        return (words * 100 + len(fragment.matches)) * 10**7 - fragment.startchar


_SCORER = _DistinctScorer()


def _stem_pattern(terms: set[str]):
    alternatives = sorted({re.escape(t[:5]) for t in terms if t}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


class _Match:
    """A matched word of a fragment (what Whoosh's formatter and our scorer read)."""

    __slots__ = ("text", "startchar", "endchar")

    def __init__(self, text, startchar, endchar):
        self.text, self.startchar, self.endchar = text, startchar, endchar


def _fragments(text: str, termset: frozenset) -> list:
    """Whoosh's ``ContextFragmenter(maxchars=240, surround=90)`` over the words of
    ``text`` as ``TEXT_ANALYZER`` reads them (stop words kept), step for step: the same
    fragments, without a token object, a generator and a filter for every word."""
    maxchars, surround, charlimit = (
        _FRAGMENTER.maxchars,
        _FRAGMENTER.surround,
        _FRAGMENTER.charlimit,
    )
    cache = TEXT_ANALYZER._cache
    final = TEXT_ANALYZER._final
    out = []
    first = None
    firsts: deque = deque()
    countdown = -1
    tks: list = []
    endchar = None
    currentlen = 0
    for match in WORD_RE.finditer(text):
        startchar, endchar = match.span()
        if charlimit and endchar > charlimit:
            break
        word = match.group()
        term = cache[word] if word in cache else final(word)
        if term is None:
            term = word.lower().translate(accent_map)
        matched = term in termset
        tlength = endchar - startchar
        if countdown < 0 and not matched:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif currentlen + tlength > maxchars:
            countdown = 0
        elif matched:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround
            tks.append(_Match(term, startchar, endchar))
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                out.append(highlight.mkfrag(text, tks, startchar=first, endchar=endchar))
                tks = []
                firsts = deque()
                first = None
                currentlen = 0
    if tks:
        out.append(highlight.mkfrag(text, tks, startchar=first, endchar=endchar))
    return out


def _highlight(text: str, terms, top: int) -> str:
    """``highlight.highlight(text, terms, TEXT_ANALYZER, _FRAGMENTER, MarkFormatter(),
    top=top, scorer=_SCORER)``, the same output, in a third of the time."""
    fragments = highlight.top_fragments(
        _fragments(text, frozenset(terms)), top, _SCORER, highlight.FIRST, 1
    )
    return MarkFormatter().format(fragments)


def snippet(text: str, terms: set[str], *, top: int = 2) -> str:
    """An HTML snippet of ``text`` with ``terms`` (analysed forms) in ``<mark>``.

    Only a window around the first likely match is analysed, so a long story costs the
    same as a short one. Returns escaped text without marks when nothing matches.
    """
    if not text:
        return ""
    window = text
    if len(text) > SNIPPET_WINDOW:
        pattern = _stem_pattern(terms)
        found = pattern.search(text) if pattern else None
        start = max(0, found.start() - 200) if found else 0
        start = text.rfind(" ", 0, start) + 1 if start else 0
        window = text[start : start + SNIPPET_WINDOW]
    window = re.sub(r"\s+", " ", window)
    if terms:
        marked = _highlight(window, terms, top)
        if marked:
            return marked
    short = window[:240]
    if len(window) > 240:
        short = short.rsplit(" ", 1)[0] + " …"
    return html.escape(short, quote=False)


def highlight_terms(parsed: ParsedQuery, searcher, prefixes: PrefixWords | None = None) -> set[str]:
    """The analysed forms of the query's positive words, prefixes expanded from the index
    (to the words searched for, with ``prefixes``)."""
    terms = set()
    reader = searcher.reader()
    for group in parsed.groups:
        for atom in group:
            # the analyser reuses one token object: take each text as it comes
            words = [t.text for t in TEXT_ANALYZER(atom.text, mode="query")]
            if atom.kind != "prefix":
                terms.update(words)
                continue
            if prefixes is not None:
                terms.update(prefixes.words(atom))
                continue
            prefix = words[-1] if words else atom.text.lower()
            for fieldname in ("body", "headline"):
                for n, term in enumerate(reader.expand_prefix(fieldname, prefix)):
                    if n >= 100:  # a short prefix can expand to thousands of words
                        break
                    terms.add(term.decode() if isinstance(term, bytes) else term)
    return terms


# --- Spelling ----------------------------------------------------------------------------


def _doc_frequency(entry: _Entry, word: str) -> int:
    """Documents with ``word`` in their headline, body or names (remembered per index
    generation: suggestions look up the same candidates again and again)."""
    found = entry.frequencies.get(word)
    if found is None:
        searcher = entry.searcher
        reader = searcher.reader()
        found = 0
        for fieldname in ("headline", "body", "people"):
            fieldobj = searcher.schema[fieldname]
            for term in fieldobj.process_text(word, mode="query"):
                found += reader.doc_frequency(fieldname, term)
        if len(entry.frequencies) >= FREQUENCIES_MAX:
            entry.frequencies.clear()
        entry.frequencies[word] = found
    return found


FREQUENCIES_MAX = 100_000

# (edits, ((field whose words are candidates, letters that must match at the start), ...))
SPELLING_PASSES = (
    (1, (("people", 1), ("headline", 1), ("body", 2))),
    (2, (("people", 2), ("headline", 2))),
)


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with at most one letter changed, added or removed."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def within(entry: _Entry, fieldname: str, word: str, edits: int, prefix: int) -> list[str]:
    """The suggestion words of ``fieldname`` starting with the first ``prefix`` letters of
    ``word`` and at most ``edits`` letters changed, added or removed away from it (the
    words Whoosh's ``terms_within`` finds, from a word list kept in memory)."""
    length = len(word)
    words = [
        w for w in entry.spelling_words(fieldname, word[:prefix]) if abs(len(w) - length) <= edits
    ]
    if edits == 1:
        return [w for w in words if _one_edit_apart(word, w)]
    return [w for w in words if levenshtein(word, w, limit=edits) <= edits]


# A suggestion is a word the archive uses often: in SUGGEST_MIN_DOCS documents at least,
# and in one story of SUGGEST_MIN_SHARE (a typo made ten times in 100,000 stories is still
# a typo: "Did you mean president obamaa?").
SUGGEST_MIN_DOCS = 3
SUGGEST_MIN_SHARE = 1 / 20_000


def suggestion_floor(entry: _Entry) -> int:
    """How many documents (headline, body and names counted apart) a suggested word must
    be in, at least."""
    stories = entry.searcher.reader().doc_frequency("kind", "article")
    return max(SUGGEST_MIN_DOCS, math.ceil(stories * SUGGEST_MIN_SHARE))


def suggest(entry: _Entry, parsed: ParsedQuery, hits: int = 0) -> tuple[str, list[str]] | None:
    """A corrected query text from the index's own words, or None.

    A word is corrected when it is rare in the index and a word one or two edits away is
    far more common ("Zelenksy" -> "zelensky", "Macrn" -> "macron"); of equally common
    words, the first in alphabetical order. A correction is a word the archive uses often
    (``suggestion_floor``), in more documents than the query has ``hits``: never a typo
    for another typo, nor a word that finds less than what was typed.
    """
    words = parsed.words
    if not words:
        return None
    floor = max(suggestion_floor(entry), hits) - 1
    replacements = {}
    for word in words:
        lower = word.lower()
        if not re.fullmatch(r"[^\W\d_]{3,}", lower):
            continue
        own = _doc_frequency(entry, lower)
        if own >= 3:
            continue
        best, best_freq = None, max(own * 20, floor)
        # One edit in any field's words first; two edits only among the headline and
        # name words. The body's vocabulary, the largest, and two-edit candidates must
        # share the word's first two letters.
        for maxdist, fieldnames in SPELLING_PASSES:
            for fieldname, prefix in fieldnames:
                candidates = set(within(entry, fieldname, lower, maxdist, prefix))
                candidates.discard(lower)
                for cand in sorted(candidates):
                    freq = _doc_frequency(entry, cand)
                    if freq > best_freq:
                        best, best_freq = cand, freq
            if best:
                break
        if best:
            replacements[word] = best
    if not replacements:
        return None
    text = parsed.text
    for word, better in replacements.items():
        text = re.sub(rf"(?<![\w:]){re.escape(word)}(?!\w)", better, text)
    return text, sorted(replacements.values())


# --- Searching ---------------------------------------------------------------------------


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
    busy: bool = False  # the searcher was not free in time: nothing was searched
    more: str = ""  # the facet listed in full
    # Facets with more values than listed (the "more" link), by name.
    facet_more: dict[str, bool] = field(default_factory=dict)
    # Words were typed but none can be searched (a lone OR, only stop words): nothing was.
    nothing: bool = False


CUT_NOTICE = (
    "This search was stopped at its time limit: these are the results found by then. "
    "More specific words or fewer * prefixes find all."
)
BUSY_NOTICE = "Search is busy: please try again in a moment."
NOTHING_NOTICE = (
    '"{}" has no word to search for: type one or more words '
    '(OR, AND and the most common words such as "the" are not searched on their own).'
)


SORTS = ("relevance", "newest", "oldest")


def _searchable(parsed: ParsedQuery) -> bool:
    """Whether a positive word, phrase or prefix of ``parsed`` is searched (stop words
    analyse to nothing)."""
    return any(
        a.kind == "prefix" or any(True for _ in TEXT_ANALYZER(a.text, mode="query"))
        for g in parsed.groups
        for a in g
    )


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
    _entry: _Entry | None = None,
    _hits: bool = True,
) -> SearchResult:
    """Search the archive: the page of hits, total, facets and a suggestion.

    Database work is fixed whatever the size of the result: resolving named filters,
    one query for the page's articles (or quotes), one each for facet labels. ``more``
    names a facet (``FACETS``) to list in full (``FACET_MORE_SIZE`` values).
    (``_entry`` and ``_hits`` are for warming a searcher: see ``_Entry.warm``.)
    """
    parsed = parse(text)
    filters = resolve_filters(parsed, outlet_slugs, person_slugs, date_from, date_to)
    result = SearchResult(parsed=parsed, filters=filters, scope=scope)
    result.more = more if more in FACETS else ""
    if parsed.notice:
        result.notices.append(parsed.notice)
    for name in filters.unknown:
        result.notices.append(
            f'Nothing in the archive is called "{name.split(":", 1)[1]}" ({name.split(":", 1)[0]}).'
        )
    if parsed.text and not (_searchable(parsed) or parsed.exclude or filters.active):
        # Words were typed and none of them can be searched: that is no search, not a
        # search for every story.
        result.nothing = True
        result.notices.append(NOTHING_NOTICE.format(parsed.text))
        return result
    if sort not in SORTS:
        sort = "relevance"
    if not parsed.has_terms and sort == "relevance":
        sort = "newest"
    result.sort = sort
    entry = _entry or get_entry()
    if entry is None:
        result.index_missing = True
        return result
    search = (
        text,
        ("sort", sort),
        ("scope", scope),
        ("outlet_slugs", tuple(outlet_slugs)),
        ("person_slugs", tuple(person_slugs)),
        ("date_from", date_from),
        ("date_to", date_to),
        ("more", result.more),
    )
    if not entry.lock.acquire(timeout=SEARCH_WAIT_SECONDS):
        result.busy = True
        result.notices.append(BUSY_NOTICE)
        return result
    try:
        entry.remember(search)
        entry.budget = Budget()
        try:
            _search(entry, result, page, scope, hits=_hits)
        finally:
            entry.memo = {}
            entry.budget = None
    finally:
        entry.lock.release()
    if result.cut:
        result.notices.append(CUT_NOTICE)
    return result


CACHED_DOCS_MAX = 5_000  # larger match sets are recomputed for another page, not kept
FACET_CACHE_ENTRIES = 128  # searches' counts, ranked windows and suggestions kept
SNIPPETS_KEPT = 2_000  # snippets kept per searcher, for pages shown again
RESULT_WINDOW = 100  # the best hits ranked at once and kept (the first five pages)


def _search(entry: _Entry, result: SearchResult, page: int, scope: str, hits=True) -> None:
    """Fill ``result``: the matching documents are found once as a set (total and
    facets), then only the page's hits are ranked (BM25F from the posting lists, see
    ``ranked``) or ordered by date (the cached day order), one hit per story cluster."""
    searcher = entry.searcher
    schema = searcher.schema
    parsed, filters = result.parsed, result.filters
    fields_ = QUOTE_FIELDS if scope == "quotes" else tuple(TEXT_FIELDS)
    kind = "quote" if scope == "quotes" else "article"
    prefixes = PrefixWords(entry, parsed, fields_)
    words = text_query(schema, parsed, fields_, prefixes)
    parts = filter_query(filters, person_field="speaker" if scope == "quotes" else "person")
    excluded = _exclusions(schema, parsed, fields_, prefixes)
    result.notices.extend(prefixes.notices)

    def matching() -> set[int]:
        sets = [entry.kind_docs(kind)]
        if words is not None:
            sets.append(match_docs(searcher, words, entry))
        sets.extend(match_docs(searcher, part) for part in parts)
        sets.sort(key=len)
        docs = date_docs(entry, filters, sets[0].intersection(*sets[1:]))
        if excluded is not None and docs:
            docs -= match_docs(searcher, excluded)
        return docs

    key = (scope, repr(words), repr(parts), repr(excluded), filters.date_from, filters.date_to)
    cached = entry.facet_cache.get(key)
    # A search cut short (see Budget) is kept for a while, so that asking again costs
    # nothing, then run again (the server may have more time to give).
    if cached is not None and cached[3] and time.monotonic() - cached[3] > CUT_RETRY_SECONDS:
        entry.facet_cache.pop(key)
        entry.facet_cache.pop((*key, "ranked"), None)
        cached = None
    try:
        _search_docs(entry, result, page, scope, hits, key, cached, matching, words, prefixes)
    finally:
        if entry.budget is not None and entry.budget.cut and key in entry.facet_cache:
            docs, total, counts, cut_at = entry.facet_cache[key]
            entry.facet_cache[key] = (docs, total, counts, cut_at or time.monotonic())
    result.cut = result.cut or bool(entry.budget is not None and entry.budget.cut)


def _search_docs(entry, result, page, scope, hits, key, cached, matching, words, prefixes):
    """``_search`` once the query is built: its counts, page of hits and suggestion."""
    searcher = entry.searcher
    schema = searcher.schema
    parsed, filters = result.parsed, result.filters
    if cached is None:
        docs = matching()
        total, counts = _facet_counts(entry, docs, scope)
        cached = (docs if len(docs) <= CACHED_DOCS_MAX else None, total, counts, None)
        entry.facet_cache[key] = cached
        while len(entry.facet_cache) > FACET_CACHE_ENTRIES:
            entry.facet_cache.popitem(last=False)
    else:
        entry.facet_cache.move_to_end(key)
        docs = cached[0]
        result.cut = cached[3] is not None
    _cached_docs, result.total, counts, _cut_at = cached
    result.pages = max(1, -(-result.total // PAGE_SIZE))
    result.page = min(max(1, page), result.pages)
    if result.more in ("outlet", "person") and counts["sizes"].get(result.more, 0) > FACET_SIZE:
        # The facet listed in full is counted again for more values (kept like the rest).
        mkey = (*key, "more")
        full = entry.facet_cache.get(mkey)
        if full is None:
            if docs is None:
                docs = matching()
            full = entry.facet_cache[mkey] = _facet_counts(entry, docs, scope, FACET_MORE_SIZE)[1]
        counts = {
            **counts,
            **{k: v for k, v in full.items() if k in ("outlet", "person", "speaker")},
        }
    result.facets, result.facet_more = _facet_labels(counts, filters, scope, result.more)
    if result.total:
        limit = result.page * PAGE_SIZE
        start = (result.page - 1) * PAGE_SIZE
        clusters = entry.column("cluster") if scope == "articles" else None
        if words is not None and result.sort == "relevance":
            # The best RESULT_WINDOW are ranked once and kept with the query's counts.
            rkey = (*key, "ranked")
            window = entry.facet_cache.get(rkey)
            if window is None or (len(window[1]) < limit and not window[0]):
                want = max(limit, RESULT_WINDOW)
                if docs is None:
                    docs = matching()
                collapse = clusters if clusters is not None and "cluster" in schema else None
                try:
                    best = ranked(entry, _scoring(words), docs, collapse, want)
                except _Unscorable:
                    best = _whoosh_ranked(searcher, words, docs, collapse, want)
                window = entry.facet_cache[rkey] = (len(best) < want, best)
            shown = [(d, searcher.stored_fields(d)) for d in window[1][start:limit]]
        else:
            if docs is None:
                docs = matching()
            page_docs = _ordered(entry.by_date(result.sort, docs), docs, clusters, limit)
            page_docs = page_docs[start:limit]
            shown = [(d, searcher.stored_fields(d)) for d in page_docs]
        if not hits:
            return
        terms = highlight_terms(parsed, searcher, prefixes)
        if scope == "quotes":
            result.hits = _quote_hits(shown, terms)
        else:
            result.hits = _article_hits(shown, terms, clusters, entry.snippets)
    if words is not None and result.total < 5 and result.page == 1:
        skey = ("suggest", tuple(parsed.words), parsed.text, result.total)
        if skey not in entry.facet_cache:
            entry.facet_cache[skey] = suggest(entry, parsed, result.total)
        result.suggestion = entry.facet_cache[skey]


# --- Ranking -----------------------------------------------------------------------------

# Whoosh's BM25F parameters (scoring.BM25F defaults, the searcher's weighting).
BM25_B = 0.75
BM25_K1 = 1.2


class _Unscorable(Exception):
    """A query part the posting-list scorer does not know: Whoosh ranks it."""


def ranked(entry: _Entry, q, docs: set[int], clusters: list | None, limit: int) -> list[int]:
    """The best ``limit`` of ``docs`` for ``q`` by BM25F, one per story cluster.

    Scores are Whoosh's own (``scoring.BM25F`` with the field and query boosts, summed over
    the query's terms that a document matches), computed straight from the posting lists:
    Whoosh's matchers step through every match one document at a time, through a tree of
    matcher objects. Ties go to the lower document number, and a cluster is represented
    by its best copy, as with Whoosh's ``TopCollector`` and ``CollapseCollector``.
    """
    mask = None
    if entry is not None:
        mask = np.zeros(len(entry.column("day")), bool)
        mask[np.fromiter(docs, np.int64, len(docs))] = True
    ids, scores = _scores(entry, q, mask)
    if not len(ids):
        return []
    want = limit
    while True:
        if want >= len(ids):
            top_ids, top_scores = ids, scores
        else:
            # Every document scoring at least the want-th best score, in order.
            floor = np.partition(scores, len(scores) - want)[len(scores) - want]
            chosen = scores >= floor
            top_ids, top_scores = ids[chosen], scores[chosen]
        top = top_ids[np.lexsort((top_ids, -top_scores))].tolist()
        # Scored documents that are not matches (a phrase's words apart) drop out.
        out = _ordered(top, docs, clusters, limit)
        if len(out) >= limit or len(top) >= len(ids):
            return out
        want *= 4  # copies of a story or documents left out filled the top: look further


_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float64))


def _scores(entry: _Entry, q, mask) -> tuple:
    """``(documents, scores)``, numpy arrays, for the documents of ``mask`` (a boolean
    array by document number) that match ``q`` (phrases as their words).

    The scores of several parts are added in the order Whoosh adds them (floating-point
    sums depend on it, and ties with them): an OR's longest part first, then the others
    from the shortest; an AND's parts in turn.
    """
    if isinstance(q, query.Term):
        return _term_scores(entry, q.fieldname, q.text, q.boost, mask)
    if isinstance(q, query.Prefix):
        reader = entry.searcher.reader()
        fieldobj = entry.searcher.schema[q.fieldname]
        terms = [fieldobj.from_bytes(t) for t in reader.expand_prefix(q.fieldname, q.text)]
        if len(terms) == 1:  # Whoosh drops the boost of a prefix that is one word
            return _term_scores(entry, q.fieldname, terms[0], 1.0, mask)
        subs = [query.Term(q.fieldname, t) for t in terms]
        return _scores(entry, query.Or(subs, boost=q.boost), mask)
    if isinstance(q, query.Or) and type(q) in (query.Or, query.DefaultOr):
        parts = sorted((_scores(entry, sub, mask) for sub in q.subqueries), key=_length)
        ids, scores = _add_up(parts[-1:] + parts[:-1], len(mask), every=False)
    elif type(q) is query.And:
        parts = [_scores(entry, sub, mask) for sub in q.subqueries]
        ids, scores = _add_up(parts, len(mask), every=True)
    else:
        raise _Unscorable(type(q).__name__)
    if q.boost != 1.0:
        scores = scores * q.boost
    return ids, scores


def _add_up(parts: list, size: int, *, every: bool) -> tuple:
    """The documents of any of ``parts`` (of ``every`` one), with their scores added up
    in the order of ``parts`` (a document number is in a part once)."""
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    total = np.zeros(size, np.float64)
    times = np.zeros(size, np.int16)
    for part_ids, part_scores in parts:
        total[part_ids] += part_scores
        times[part_ids] += 1
    ids = np.flatnonzero(times == len(parts) if every else times)
    return ids, total[ids]


def _length(part) -> int:
    return len(part[0])


def _term_scores(entry: _Entry, fieldname: str, text, boost: float, mask) -> tuple:
    ids, scores = term_scores(entry, fieldname, text)
    wanted = mask[ids]
    ids, scores = ids[wanted], scores[wanted]
    return (ids, scores) if boost == 1.0 else (ids, scores * boost)


def term_scores(entry: _Entry, fieldname: str, text) -> tuple:
    """A term's postings (document numbers, deleted ones included) and each one's BM25F
    score (no query boost), numpy arrays; long lists are kept for the index generation
    (up to ``SCORES_CACHE_POSTINGS`` postings in all, least recently used dropped first)."""
    key = (fieldname, text)
    cache = entry.scores
    found = cache.get(key)
    if found is not None:
        cache.move_to_end(key)
        return found
    searcher = entry.searcher
    if fieldname not in searcher.schema or not searcher.schema[fieldname].scorable:
        raise _Unscorable(fieldname)
    ids, weights = cached_postings(entry, fieldname, text)
    ids = np.array(ids, np.int32)
    if len(ids):
        idf = searcher.idf(fieldname, text)
        k1_1 = BM25_K1 + 1
        # Whoosh's scoring.bm25, operation for operation in double precision (the same
        # rounding, so the same ties), with the length part taken from ``length_norms``.
        norms = entry.length_norms(fieldname, ids)
        weights = np.array(weights, np.float64)
        scores = idf * ((weights * k1_1) / (weights + norms))
    else:
        scores = np.zeros(0, np.float64)
    found = (ids, scores)
    if len(ids) >= SCORES_CACHE_MIN:
        cache[key] = found
        entry.scores_size += len(ids)
        while entry.scores_size > SCORES_CACHE_POSTINGS and len(cache) > 1:
            _key, (dropped, _s) = cache.popitem(last=False)
            entry.scores_size -= len(dropped)
    return found


SCORES_CACHE_MIN = 1_000  # shorter posting lists are read again: it costs little
SCORES_CACHE_POSTINGS = 3_000_000  # about 48 MB


def cached_postings(entry: _Entry, fieldname: str, text) -> tuple:
    """A term's document numbers and weights (None when they were scored already), read
    once per search: matching and ranking read the same lists."""
    key = (fieldname, text)
    scored = entry.scores.get(key)
    if scored is not None:
        return scored[0].tolist(), None
    if key not in entry.memo:
        budget = entry.budget
        if budget is not None and budget.spent():
            return [], []  # not read: counts as empty (see Budget)
        entry.memo[key] = term_postings(entry.searcher, fieldname, text)
        if budget is not None:
            budget.spend(len(entry.memo[key][0]))
    return entry.memo[key]


def term_postings(searcher, fieldname: str, text, *, values: bool = False) -> tuple:
    """The document numbers and weights of a term's postings, a block at a time
    (deleted documents included), and with ``values`` their encoded positions."""
    ids_out: list[int] = []
    weights_out: list[float] = []
    values_out: list[bytes] = []
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        try:
            matcher = sub.reader().postings(fieldname, text)
        except TermNotFound:
            continue
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        if not isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                ids_out.append(matcher.id() + offset)
                weights_out.append(matcher.weight())
                if values:
                    values_out.append(matcher.value())
                matcher.next()
            continue
        while matcher.is_active():
            if matcher._ids is None:
                _read_ids(matcher)
            if matcher._weights is None:
                matcher._read_weights()
            i = matcher._i
            ids = matcher._ids[i:] if i else matcher._ids
            ids_out.extend([d + offset for d in ids] if offset else ids)
            weights_out.extend(matcher._weights[i:] if i else matcher._weights)
            if values:
                if matcher._values is None:
                    matcher._read_values()
                values_out.extend(matcher._values[i:] if i else matcher._values)
            matcher._next_block()
    if values:
        return ids_out, weights_out, values_out
    return ids_out, weights_out


def _whoosh_ranked(searcher, words, docs, clusters, limit) -> list[int]:
    """Whoosh's own ranking, for queries ``ranked`` cannot score."""
    if clusters is not None:
        collector = collectors.CollapseCollector(
            _Allowed(collectors.TopCollector(limit), docs), sorting.FieldFacet("cluster")
        )
        searcher.search_with_collector(_scoring(words), collector)
        hits = collector.results()
    else:
        hits = searcher.search(_scoring(words), limit=limit, filter=docs)
    return [hit.docnum for hit in hits]


SKIP_TO_MAX = 300  # ranking jumps from one matching document to the next below this


class _Allowed(collectors.WrappingCollector):
    """Passes on only the documents in ``allow``. (Whoosh's own ``filter=`` wraps the
    collapsing collector and feeds documents past its collapsing step.)"""

    def __init__(self, child, allow: set[int]):
        super().__init__(child)
        self.allow = allow

    def matches(self):
        allow, offset = self.allow, self.child.offset
        if len(allow) > SKIP_TO_MAX:
            return (d for d in self.child.matches() if d + offset in allow)
        return self._skip_to_allowed()

    def _skip_to_allowed(self):
        # Few documents to rank: jump straight to each (whole posting blocks are skipped)
        # instead of stepping through every match of the words.
        matcher, offset = self.child.matcher, self.child.offset
        end = offset + self.child.subsearcher.reader().doc_count_all()
        for doc in sorted(d - offset for d in self.allow if offset <= d < end):
            if not matcher.is_active():
                return
            if matcher.id() < doc:
                matcher.skip_to(doc)
                if not matcher.is_active():
                    return
            if matcher.id() == doc:
                yield doc


def _scoring(q):
    """``q`` for ranking documents already known to match it: a phrase scores as its
    words (checking word positions again for every candidate would double the work)."""
    if isinstance(q, query.Phrase):
        return query.And([query.Term(q.fieldname, w, boost=q.boost) for w in q.words])
    if isinstance(q, (query.And, query.Or)):
        return type(q)([_scoring(sub) for sub in q.subqueries], boost=q.boost)
    return q


def _ordered(order: list[int], docs: set[int], clusters: list | None, limit: int) -> list[int]:
    """The first ``limit`` of ``docs`` in ``order``, one per story cluster."""
    out = []
    seen = set()
    for d in order:
        if d not in docs:
            continue
        if clusters is not None and clusters[d]:
            if clusters[d] in seen:
                continue
            seen.add(clusters[d])
        out.append(d)
        if len(out) >= limit:
            break
    return out


def _facet_counts(
    entry: _Entry, docs: set[int], scope: str, keep: int = FACET_SIZE
) -> tuple[int, dict[str, Counter]]:
    """The number of results and the facet counts of ``docs`` (every month and year, the
    first ``keep`` outlets and people; ``sizes``: how many values each facet has).

    Articles count as stories: the copies of one story (one cluster) count once in the
    total, and once for each facet value among them (a story carried by two outlets
    counts once for each outlet: what filtering by that outlet shows). Counting runs on
    the columns' value codes (``_Entry.codes``) with numpy.
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
        items = sorted(((labels[c], int(counts[c])) for c in present), key=_by_count)
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


def _by_count(item):
    return -item[1], item[0]


def _facet_labels(
    counts, filters: Filters, scope: str, more: str = ""
) -> tuple[dict[str, list[Facet]], dict[str, bool]]:
    """The facets to list, labelled (``more``: the one listed in full), and which of
    them have more values than listed."""
    from archive.models import Outlet, Person

    def size(name, short):
        return FACET_MORE_SIZE if name == more else short

    facets = {}
    active_outlets = {o.slug for o in filters.outlets}
    active_people = {p.slug for p in filters.persons}
    if "outlet" in counts:
        top = counts["outlet"].most_common(size("outlet", FACET_SIZE))
        names = (
            dict(Outlet.objects.filter(slug__in=[s for s, _ in top]).values_list("slug", "name"))
            if top
            else {}
        )
        facets["outlet"] = [Facet(s, names.get(s, s), n, s in active_outlets) for s, n in top]
    people_key = "speaker" if scope == "quotes" else "person"
    if people_key in counts:
        top = counts[people_key].most_common(size("person", FACET_SIZE))
        names = (
            dict(Person.objects.filter(slug__in=[s for s, _ in top]).values_list("slug", "name"))
            if top
            else {}
        )
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


def _article_hits(shown, terms, clusters=None, snippets: OrderedDict | None = None) -> list[Hit]:
    """The page's hits, each with the published copies of its story (one query).

    ``snippets`` keeps the snippets made (by story and terms) for the next pages shown of
    the same search, up to ``SNIPPETS_KEPT``."""
    from archive.models import Article

    ids = [stored["article_id"] for _docnum, stored in shown]
    cluster_ids = {
        int(clusters[docnum][1:]) for docnum, _stored in shown if clusters and clusters[docnum]
    }
    wanted = Q(id__in=ids) | Q(cluster_id__in=cluster_ids) if cluster_ids else Q(id__in=ids)
    # Published ones only, picked here: with the status in the WHERE clause, SQLite walks
    # the status index (every published article) instead of looking the ids up.
    rows = [
        a
        for a in Article.objects.filter(wanted).select_related("outlet").first_copy_first()
        if a.status == Article.Status.PUBLISHED
    ]
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
            Hit(
                article_id=article.pk,
                headline=article.title,
                outlet=article.outlet.name if article.outlet else "",
                outlet_slug=article.outlet.slug if article.outlet else "",
                published=article.published,
                people=list(stored.get("people_display") or []),
                snippet=marked,
                article=article,
                copies=copies.get(article.cluster_id, []) if article.cluster_id else [],
            )
        )
    return hits


def _quote_hits(shown, terms) -> list[Hit]:
    from archive.models import Quote

    ids = [int(stored["key"][1:]) for _docnum, stored in shown]
    quotes = (
        Quote.objects.filter(id__in=ids, article__status="published")
        .select_related("article", "article__outlet", "speaker")
        .in_bulk(ids)
    )
    hits = []
    for quote_id in ids:
        quote = quotes.get(quote_id)
        if quote is None:
            continue
        article = quote.article
        marked = (
            snippet(quote.text, terms, top=1) if terms else html.escape(quote.text, quote=False)
        )
        if len(quote.text) <= SNIPPET_WINDOW and terms:
            marked = highlight.highlight(
                quote.text, terms, TEXT_ANALYZER, highlight.WholeFragmenter(), MarkFormatter()
            ) or html.escape(quote.text, quote=False)
        hits.append(
            Hit(
                article_id=article.pk,
                headline=article.title,
                outlet=article.outlet.name if article.outlet else "",
                outlet_slug=article.outlet.slug if article.outlet else "",
                published=article.published,
                people=[(quote.speaker.name, quote.speaker.slug)] if quote.speaker else [],
                snippet=marked,
                article=article,
                quote=quote,
            )
        )
    return hits


# --- Contracts for other parts of the archive -------------------------------------------


def search_article_ids(text: str, limit: int = 100) -> list[int]:
    """Ids of published articles matching ``text`` (query language), best first."""
    entry = get_entry()
    if entry is None:
        return []
    parsed = parse(text)
    with entry.lock:
        prefixes = PrefixWords(entry, parsed, tuple(TEXT_FIELDS))
        words = text_query(entry.searcher.schema, parsed, tuple(TEXT_FIELDS), prefixes)
        if words is None:
            return []
        q = query.And([query.Term("kind", "article"), words])
        excluded = _exclusions(entry.searcher.schema, parsed, tuple(TEXT_FIELDS), prefixes)
        if excluded is not None:
            q = query.AndNot(q, excluded)
        return [hit["article_id"] for hit in entry.searcher.search(q, limit=limit)]
