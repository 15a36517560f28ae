"""Whoosh's private internals, in one place, behind a version guard.

The search engine reads a few things faster than Whoosh's public API lets it: whole
posting blocks instead of one posting at a time, whole columns and field-length tables in
one read, and (``build.py``) whole segments written without Whoosh's posting pool. Each
of these reaches into Whoosh's private attributes, which only the version the project
pins (``PINNED_WHOOSH``, as in ``pyproject.toml``) is known to have. With any other
version the fast paths are off (``ENABLED``) and the public API serves the same answers,
more slowly; a warning says so once, when this module is imported.

Every caller asks here and falls back to the public API itself when a function returns
``None``: the tests compare both ways (``tests/test_search_fastpaths.py``).
"""

from __future__ import annotations

import logging
import struct
from array import array
from itertools import accumulate

import whoosh
from whoosh import columns as whoosh_columns
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

log = logging.getLogger(__name__)

PINNED_WHOOSH = (2, 7, 4)  # the version pyproject.toml pins (a test keeps them equal)


def _supported() -> bool:
    if tuple(whoosh.__version__[:3]) == PINNED_WHOOSH:
        return True
    log.warning(
        "Whoosh %s is installed, not %s: searching and indexing use Whoosh's public API "
        "only (slower; the results are the same)",
        whoosh.versionstring(),
        ".".join(map(str, PINNED_WHOOSH)),
    )
    return False


#: Whether the fast paths are used (tests switch them off to compare both ways).
ENABLED = _supported()

# --- Posting lists -------------------------------------------------------------------------


def unfiltered(matcher):
    """``matcher`` without Whoosh's deleted-documents filter (callers intersect with the
    live documents themselves)."""
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def posting_blocks(matcher, *, weights: bool = False, values: bool = False):
    """The postings of ``matcher`` (unfiltered) a block at a time, ``(ids, weights,
    values)`` tuples (``None`` for what was not asked), from where the matcher stands to
    its end; ``None`` when the matcher cannot be read so (another codec, or the fast
    paths are off): the caller steps through it with the public API."""
    if not ENABLED or not isinstance(matcher, W3LeafMatcher):
        return None
    return _blocks(matcher, weights, values)


def _blocks(matcher, weights: bool, values: bool):
    while matcher.is_active():
        if matcher._ids is None:
            _read_ids(matcher)
        i = matcher._i
        ids = matcher._ids[i:] if i else matcher._ids
        block_weights = block_values = None
        if weights:
            if matcher._weights is None:
                matcher._read_weights()
            block_weights = matcher._weights[i:] if i else matcher._weights
        if values:
            if matcher._values is None:
                matcher._read_values()
            block_values = matcher._values[i:] if i else matcher._values
        yield ids, block_weights, block_values
        matcher._next_block()


def _read_ids(matcher) -> None:
    """Whoosh's ``_read_ids``, decoding the block's id deltas with ``accumulate`` (Whoosh
    decodes them with a generator: most of the time of reading a long posting list)."""
    if matcher._data is None:
        matcher._read_data()
    ids = matcher._data[0]
    matcher._ids = ids if matcher._byteids else tuple(accumulate(ids))


def segment_term_ids(leaf, fieldname: str, text: str):
    """The document numbers of a term in one segment, deleted ones included, read from
    the segment's term table (``SegmentReader.postings`` copies the segment's whole set of
    deleted documents for every term); ``None`` when that cannot be done."""
    terms = getattr(leaf, "_terms", None) if ENABLED else None
    if terms is None:
        return None
    key = leaf._text_to_bytes(fieldname, text)
    return terms.matcher(fieldname, key, leaf.schema[fieldname].format).all_ids()


def segment_files(leaf):
    """A segment's name and storage, for checking its files one by one: ``(None, None)``
    when they cannot be known (the segment is then read through the public API)."""
    segment = getattr(leaf, "_segment", None) if ENABLED else None
    if segment is None:
        return None, None
    return f"{segment.indexname}_{segment.segid}", getattr(leaf, "_storage", None)


def term_table(leaf):
    """A segment's term table (its terms and their postings' extents), or None."""
    return getattr(leaf, "_terms", None) if ENABLED else None


# --- Columns and field lengths ----------------------------------------------------------------


def column_values(column) -> list:
    """Every value of a Whoosh column reader, in document order.

    Whoosh's own readers seek and read once per document: 19 s of CPU for the columns of
    a 100,000-story index (about 650,000 documents with the quotes), paid by the first
    search of every server process after each index change. Variable- and fixed-length
    columns are read here in one piece and cut in memory; other readers (and every reader
    with the fast paths off) are iterated as Whoosh does.
    """
    if not ENABLED:
        return list(column)
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


LENGTH_OF_BYTE = [None] + [byte_to_length(b) for b in range(1, 256)]


def field_length_bytes(reader, fieldname: str):
    """A segment's one-byte field lengths of ``fieldname`` (Whoosh's encoding, decoded by
    ``LENGTH_OF_BYTE``), read in one piece; ``None`` when they cannot be (the caller asks
    ``doc_field_length`` for each document)."""
    perdoc = getattr(reader, "_perdoc", None) if ENABLED else None
    if perdoc is None or not reader.doc_count_all():
        return None
    reader.doc_field_length(0, fieldname, 1)  # loads the column (``_doc_field_length``)
    return getattr(perdoc, "_length_bytes", {}).get(fieldname)


# --- Whoosh's per-document reader, patched ------------------------------------------------------


def _cached_reader(self, fieldname, column):
    """Whoosh's own, but remembering that a field has no length column.

    The stock version checks the disk for the column file again for every posting of a
    field without lengths (ids, keywords, spelling words): 40% of commit time.
    """
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


def _doc_field_length(self, docnum, fieldname, default=0):
    """Whoosh's own, reading each field's length column once into memory.

    The stock version reads one byte from the file per call: once per posting when a
    segment is written, and once per matching document and field when BM25 scores.
    """
    if docnum > self._doccount:
        raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
    try:
        lengths = self._length_bytes[fieldname]
    except AttributeError:
        self._length_bytes = {}
        return _doc_field_length(self, docnum, fieldname, default)
    except KeyError:
        reader = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if reader is None:
            lengths = None
        else:
            raw = reader._dbfile.get(reader._basepos, reader._count) if reader._count else b""
            lengths = array("B", raw)
            lengths.extend(bytes(max(0, self._doccount + 1 - len(lengths))))
        self._length_bytes[fieldname] = lengths
    if lengths is None:
        return default
    return LENGTH_OF_BYTE[lengths[docnum]]


if ENABLED:
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    whoosh3.W3PerDocReader.doc_field_length = _doc_field_length
