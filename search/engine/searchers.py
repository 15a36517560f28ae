"""The process's searchers: one per live index generation, its columns and caches
loaded once, refreshed when the index changes, warmed in the background for a large
index (``get_entry``), and the cost bound of one search (``Budget``)."""

from __future__ import annotations

import logging
import os
import threading
import time
from array import array
from collections import OrderedDict
from functools import partial
from pathlib import Path

import numpy as np
from django.db import connections

from .. import names
from . import fastpaths, postings, rank, run
from .index import index_root, live_dir, open_index, setting
from .schema import PERSON_SEP, QUOTE_FIELDS, TEXT_FIELDS

log = logging.getLogger(__name__)

SEARCH_SECONDS = 0.8  # wall-clock time a search may spend reading posting lists
SEARCH_POSTINGS = 4_000_000  # postings a search may read


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


class Entry:
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
        return self.searcher.doc_count_all() >= setting("ARCHIVE_SEARCH_WARM_DOCS", 20_000)

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
                run.run_search(*search[:1], **dict(search[1:]), _entry=self, _hits=False)
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
        steps.append(self.numbers)
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
            postings = setting("ARCHIVE_SEARCH_WARM_POSTINGS", rank.SCORES_CACHE_POSTINGS // 2)
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
                    if frequency >= rank.SCORES_CACHE_MIN:
                        candidates.append((frequency, fieldname, text))
        candidates.sort(reverse=True)
        total = scored = 0
        for frequency, fieldname, text in candidates:
            total += frequency
            if total > postings:
                break
            with self.lock:
                try:
                    rank.term_scores(self, fieldname, schema[fieldname].from_bytes(text))
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
                raw = fastpaths.field_length_bytes(reader, fieldname)
                if raw is None:
                    out.extend(reader.doc_field_length(d, fieldname, 1) or 1 for d in range(count))
                else:
                    table = [1, *fastpaths.LENGTH_OF_BYTE[1:]]
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
        k1, b = rank.BM25_K1, rank.BM25_B
        return k1 * ((1 - b) + b * lengths.astype(np.float64) / self.columns[key])

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
                values = array("I", read_column(reader, name))
            else:
                # One object for each distinct value: most of 1.3 million documents share a
                # few hundred months and outlets, and the quotes have no people.
                shared: dict = {}
                one = shared.setdefault
                if name == "person_col":
                    values = [
                        one(v, tuple(v.decode().split(PERSON_SEP)) if v else ())
                        for v in read_column(reader, name)
                    ]
                elif name in ("cluster", "month"):
                    # bytes in a COLUMN field; text in an index built before (sortable ID)
                    values = [
                        one(v, v.decode() if isinstance(v, bytes) else v)
                        for v in read_column(reader, name)
                    ]
                else:
                    values = [one(v, v) for v in read_column(reader, name)]
            self.columns[name] = values
        return self.columns[name]

    def numbers(self):
        """Each document's article id (a quote document's: its quote id), by document
        number, as an array (loaded once). An index built before the ``num`` column reads
        them from the stored keys, slowly, until it is rebuilt."""
        if "num" not in self.columns:
            reader = self.searcher.reader()
            if "num" in reader.schema and reader.has_column("num"):
                values = array("I", read_column(reader, "num"))
            else:
                values = array("I", bytes(4 * reader.doc_count_all()))
                for doc, stored in reader.iter_docs():
                    values[doc] = int(stored["key"][1:])
            self.columns["num"] = values
        return self.columns["num"]

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
            docs = postings.term_docs(self.searcher, "kind", kind)
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


def read_column(reader, name):
    """Every value of column ``name`` of ``reader``, in document order."""
    return fastpaths.column_values(reader.column_reader(name)) if reader.has_column(name) else []


ORDER_WALK_RATIO = 20  # see Entry.by_date
WARM_COLUMNS = ("cluster", "outlet_slug", "person_col", "month", "day", "speaker")
WARM_SEARCHES = 32  # latest distinct searches replayed on a fresh searcher

_entries: dict[str, Entry] = {}
_entries_lock = threading.Lock()
_warming: dict[str, threading.Thread] = {}  # index root -> thread warming its next searcher
_provisional: dict[str, Entry] = {}  # index root -> searcher used while the first loads


def get_entry(*, wait: bool = True) -> Entry | None:
    """The process's searcher for the live index, refreshed when the index changes.

    A large index (``ARCHIVE_SEARCH_WARM_DOCS`` documents or more) is searched through a
    warmed searcher: when the index changes, the next searcher is opened and warmed in a
    background thread (``Entry.warm``: the columns, field lengths and orders every search
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
                young = time.monotonic() - entry.opened < setting(
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
                    provisional = _provisional[root] = Entry(path, ix)
                return provisional
            if entry is None and warming is not None and attempt == 0:
                pass  # the process's first searcher is being loaded: wait for it below
            else:
                ix = open_index()
                if ix is None:
                    return None
                if entry is not None:
                    entry.searcher.close()
                fresh = Entry(path, ix)
                if fresh.large and warming is None:  # nothing older to answer with
                    fresh.warm()
                _entries[root] = fresh
                return fresh
        # Wait until the first searcher is loaded (not for the rest of its warming).
        deadline = time.monotonic() + setting("ARCHIVE_SEARCH_WARM_WAIT_SECONDS", 60)
        while warming.is_alive() and root not in _entries and time.monotonic() < deadline:
            time.sleep(0.02)
    return None  # not reached


def _start_warming(root: str, old: Entry | None) -> None:
    """Warm the next searcher of ``root`` in a thread (under ``_entries_lock``)."""
    thread = threading.Thread(target=_replace, args=(root, old), name="search-warm", daemon=True)
    _warming[root] = thread
    thread.start()


def _replace(root: str, old: Entry | None) -> None:
    """Open and warm a searcher for the live index, then put it in ``old``'s place."""
    fresh = None
    try:
        path = live_dir()
        ix = open_index() if path is not None else None
        if ix is not None:
            fresh = Entry(path, ix)
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


def _publish(root: str, old: Entry | None, fresh: Entry) -> None:
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
