"""A fast writer for building a whole index generation in one segment.

Whoosh's ``SegmentWriter`` sends every posting through its ``PostingPool``: each one is
a tuple pickled into a run file, read back, heap-merged with the other runs and handed
one at a time to the codec: on a rebuild, half the CPU time. This writer keeps the
postings of each term together in memory (arrays of document numbers and weights, a
list of encoded positions), spills them to sorted run files a term at a time when the
memory budget is reached, merges the runs term by term at the end and writes each
term's blocks directly. ``write_documents`` can share the work between processes and
still write one segment (see ``_write_in_processes``).

The files written are the ones ``SegmentWriter`` writes, and Whoosh reads the same from
them (the tests build the same documents both ways and compare): same codec, same
blocks, the same per-document columns byte for byte. Two things are written
differently: the postings of spelling words (see ``write_terms``), of which only the
words are read; and the posting blocks and stored fields, pickled with a newer protocol
and deflated with windows sized to the data (see ``BLOCK_PICKLE`` and ``deflate``),
which Whoosh's readers read as they are. Only use it on a new, empty index (a rebuild's generation).
"""

from __future__ import annotations

import heapq
import marshal
import multiprocessing
import os
import pickle
import shutil
import tempfile
import traceback
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import groupby
from operator import itemgetter
from pickle import dumps
from queue import Empty, Full

from whoosh.analysis import IDTokenizer
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.columns import VarBytesColumn
from whoosh.fields import FieldType
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Existence
from whoosh.index import TOC, clean_files
from whoosh.system import (
    _INT_SIZE,
    _LONG_SIZE,
    pack_int,
    pack_long,
    pack_uint,
    pack_ushort,
    unpack_long,
)
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.text import utf8encode

from .schema import _SINGLE_POSITION, FastPositions, FoldingStemmer

# How the postings of a field are made (see ``FastSegmentWriter.__init__``)
INDEX = "index"  # the field's own ``index`` method (terms are bytes)
WORD_VALUES = "word_values"  # its format's ``word_values`` (terms are str)
POSITIONS = "positions"  # ``FastPositions`` with ``FoldingStemmer``, inlined
WHOLE = "whole"  # an ID field: the value is the term

# An estimate of the memory one posting takes in the in-memory buffer: its document
# number (4 bytes), weight (8), a pointer to its encoded positions (8, the bytes object
# itself is shared for a single position) and the share of the term's containers.
POSTING_BYTES = 48
RUN_BATCH = 4096  # terms per marshalled record in a run file, at most
RUN_BATCH_COST = 400_000  # and cost (see TERM_COST): a merge holds a record per run
TERM_COST = 100  # the cost of writing a term, in postings (to share the writing out)


class FastSegmentWriter:
    """Adds documents to a new, empty Whoosh index and commits them as one segment.

    ``limitmb`` bounds the postings held in memory: past it they are written to a
    sorted run file (a term's postings at a time, not one pickle per posting).

    ``beside``: the index may have segments already. The caller holds its lock (a Whoosh
    writer, ``lock=False``), commits with ``toc=False`` and lists the new segment in its
    own commit (see ``index.update_articles``)."""

    def __init__(
        self,
        ix,
        limitmb: int = 128,
        *,
        lock: bool = True,
        max_postings: int | None = None,
        perdoc=None,
        rundir: str | None = None,
        beside: bool = False,
    ):
        self.ix = ix
        self.storage = ix.storage
        self.indexname = ix.indexname
        info = ix._read_toc()
        if info.segments and not beside:
            raise ValueError("FastSegmentWriter only writes into an empty index")
        if beside and lock:
            raise ValueError("a segment written beside others is committed by their writer")
        self.generation = info.generation + 1
        self.schema = info.schema
        self.codec = default_codec()
        # Without ``lock`` the caller holds the index's lock (a writer of one segment of
        # several, written by processes side by side).
        self.lock = ix.lock("WRITELOCK") if lock else None
        if self.lock is not None and not self.lock.acquire():
            raise RuntimeError(f"index {self.storage.folder} is locked")
        self.tempstorage = self.storage.temp_storage(f"{self.indexname}.tmp")
        self.segment = self.codec.new_segment(self.storage, self.indexname)
        self.perdoc = perdoc or per_document_writer(self.codec, self.storage, self.segment)
        self.docnum = 0
        self.limit = max_postings or max(1, limitmb) * 1024 * 1024 // POSTING_BYTES
        self.count = 0  # postings in memory
        self.terms: dict[str, dict[bytes, tuple]] = {}  # field -> term -> (docs, weights, values)
        self.spelling: dict[str, dict[bytes, int]] = {}  # field -> word -> documents
        self.lengths: dict[str, bytearray] = {}  # scorable field -> length byte per document
        self.runs: list[str] = []
        # Per run: [(file offset, first (field, term), last (field, term), cost), ...] of
        # its batches, so that a range of terms is read without reading the whole run.
        self.run_batches: list[list] = []
        self.names: set[str] = set()  # fields with postings
        self.rundir = rundir or tempfile.mkdtemp(prefix="runs-", dir=self.storage.folder)
        self.closed = False
        # Per field: (field object, name of its spelling field or None, scorable, whether
        # its postings come from ``FieldType.index`` as is)
        self._fields = {}
        for name, field in self.schema.items():
            spell = field.spelling_fieldname(name) if field.separate_spelling() else None
            direct = type(field).index is FieldType.index and field.format is not None
            if not direct:
                kind = INDEX
            elif type(field.format) is FastPositions and isinstance(field.analyzer, FoldingStemmer):
                kind = POSITIONS
            elif type(field.format) is Existence and type(field.analyzer) is IDTokenizer:
                kind = WHOLE
            else:
                kind = WORD_VALUES
            self._fields[name] = (field, spell, field.scorable, kind)

    # --- Adding ------------------------------------------------------------------------

    def add_document(self, **fields):
        """What ``SegmentWriter.add_document`` does, postings kept per term."""
        perdoc = self.perdoc
        docnum = self.docnum
        known = self._fields
        docboost = float(fields["_boost"]) if "_boost" in fields else 1.0
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        for name in fieldnames:
            if name not in known:
                raise ValueError(f"No field named {name!r} in the schema")
        perdoc.start_doc(docnum)
        for name in fieldnames:
            value = fields[name]
            if value is None:
                continue
            field, spell, scorable, kind = known[name]
            length = 0
            if field.indexed:
                boostkw = f"_{name}_boost"
                fieldboost = float(fields[boostkw]) if boostkw in fields else docboost
                terms = self.terms.get(name)
                if terms is None:
                    terms = self.terms[name] = {}
                if kind is POSITIONS and type(value) is str:
                    # FastPositions.word_values inlined: the terms of a field in one
                    # pass, a posting per distinct term (terms kept as str until spilled)
                    words, base = field.analyzer.terms(value)
                    # Each term's last position, in the order of first occurrence (as
                    # Whoosh lists them), and the positions of the repeated terms only
                    last = dict(zip(words, range(base, base + len(words)), strict=True))
                    repeated = {}
                    if len(last) < len(words):
                        repeated = {t: [] for t, c in Counter(words).items() if c > 1}
                        for n, term in enumerate(words, base):
                            if term in repeated:
                                repeated[term].append(n)
                    fb = field.format.field_boost
                    weight = fb * fieldboost
                    encode = field.format.encode
                    single = _SINGLE_POSITION
                    for term, pos in last.items():
                        poslist = repeated.get(term)
                        if poslist is None:
                            try:
                                vbytes = single[pos]
                            except KeyError:
                                vbytes = single[pos] = encode([pos])
                            w = weight
                        else:
                            vbytes = encode(poslist)
                            w = len(poslist) * fb * fieldboost
                        try:
                            docs, weights, values = terms[term]
                        except KeyError:
                            docs, weights, values = terms[term] = (array("I"), array("d"), [])
                        docs.append(docnum)
                        weights.append(w)
                        values.append(vbytes)
                    n = len(last)
                    if scorable:
                        length = len(words)
                elif kind is WHOLE and type(value) is str:
                    # An ID field: the value is the one term
                    vbytes = b""
                    try:
                        docs, weights, values = terms[value]
                    except KeyError:
                        docs, weights, values = terms[value] = (array("I"), array("d"), [])
                    docs.append(docnum)
                    weights.append(field.format.field_boost * fieldboost)
                    values.append(vbytes)
                    n = 1
                    if scorable:
                        length = 1
                else:
                    n = 0
                    if kind is INDEX:
                        items = field.index(value)
                    else:
                        # FieldType.index without a generator around each posting
                        if not isinstance(value, (str, list, tuple)):
                            raise ValueError(f"{value!r} is not unicode or sequence")
                        items = field.format.word_values(value, field.analyzer, mode="index")
                    for term, freq, weight, vbytes in items:
                        n += 1
                        if scorable:
                            length += freq
                        try:
                            docs, weights, values = terms[term]
                        except KeyError:
                            docs, weights, values = terms[term] = (array("I"), array("d"), [])
                        docs.append(docnum)
                        weights.append(weight * fieldboost)
                        values.append(vbytes)
                self.count += n
                if n:
                    self.names.add(name)
            if spell is not None:
                words = self.spelling.get(spell)
                if words is None:
                    words = self.spelling[spell] = {}
                for word in field.spellable_words(value):
                    word = utf8encode(word)[0]
                    try:
                        words[word] += 1
                    except KeyError:
                        words[word] = 1
                        self.count += 1
                if words:
                    self.names.add(spell)
            if field.vector:
                raise NotImplementedError("term vectors are not supported by this writer")
            customval = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, field, customval if field.stored else None, length)
            if length:
                lengths = self.lengths.get(name)
                if lengths is None:
                    lengths = self.lengths[name] = bytearray()
                if len(lengths) < docnum:
                    lengths.extend(bytes(docnum - len(lengths)))
                lengths.append(length_to_byte(length))
            column = field.column_type
            if column and customval is not None:
                perdoc.add_column_value(name, column, field.to_column_value(customval))
        perdoc.finish_doc()
        self.docnum += 1
        if self.count > self.limit:
            self._spill()

    def add_articles(self, articles, progress: Callable[[int], None] | None = None) -> int:
        """Add the documents of each of ``articles``, (id, [doc, ...]) pairs, and return
        how many articles; on a failure, cancel the segment and raise."""
        count = 0
        try:
            for _aid, docs in articles:
                for doc in docs:
                    self.add_document(**doc)
                count += 1
                if progress:
                    progress(1)
        except BaseException:
            self.cancel()
            raise
        return count

    # --- Runs --------------------------------------------------------------------------

    def _sorted_terms(self):
        """The postings in memory as (field, term, docs, weights, values) in term order;
        spelling words have ``docs`` and ``weights`` None and the number of documents
        with the word as ``values`` (see ``write_terms``)."""
        names = sorted(set(self.terms) | set(self.spelling))
        for name in names:
            if name in self.terms:
                terms = self.terms[name]
                # str terms (analysed here) sort as their UTF-8 encodings do
                for term in sorted(terms):
                    docs, weights, values = terms[term]
                    tbytes = term.encode("utf-8") if type(term) is str else term
                    yield name, tbytes, docs, weights, values
            else:
                words = self.spelling[name]
                for word in sorted(words):
                    yield name, word, None, None, words[word]

    def _spill(self):
        path = os.path.join(self.rundir, f"run{len(self.runs)}")
        batches = []
        with open(path, "wb") as handle:
            batch, cost = [], 0
            for name, tbytes, docs, weights, values in self._sorted_terms():
                batch.append(
                    (
                        name,
                        tbytes,
                        None if docs is None else docs.tobytes(),
                        None if weights is None else weights.tobytes(),
                        values,
                    )
                )
                cost += TERM_COST + (1 if docs is None else len(values))
                if len(batch) >= RUN_BATCH or cost >= RUN_BATCH_COST:
                    batches.append((handle.tell(), batch[0][:2], batch[-1][:2], cost))
                    marshal.dump(batch, handle)
                    batch, cost = [], 0
            if batch:
                batches.append((handle.tell(), batch[0][:2], batch[-1][:2], cost))
                marshal.dump(batch, handle)
        self.runs.append(path)
        self.run_batches.append(batches)
        self.terms.clear()
        self.spelling.clear()
        self.count = 0

    def _merged_terms(self):
        """All postings, runs and memory merged: (field, term, docs, weights, values)."""
        if not self.runs:
            return self._sorted_terms()
        runs = zip(self.runs, self.run_batches, strict=True)
        sources = [read_run(path, batches) for path, batches in runs]
        return merge_terms(sources + [self._sorted_terms()])

    # --- Committing --------------------------------------------------------------------

    def _write_postings(self):
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        fieldmap = {name: n for n, name in enumerate(sorted(self.names))}
        fieldwriter._fieldmap.update(fieldmap)  # the term table's extras: field numbers
        for lengths in self.lengths.values():
            lengths.extend(bytes(self.docnum - len(lengths)))
        write_terms(
            self._merged_terms(),
            self.schema,
            self.codec,
            fieldwriter._postfile,
            fieldwriter._tindex.add,
            self.lengths,
            fieldmap,
        )
        fieldwriter.close()

    def commit(self, toc: bool = True):
        """Write the segment and (with ``toc``) the index's table of contents listing it,
        and let go of the lock. Returns the segment, None when no document was added."""
        try:
            self.perdoc.close()
            self._write_postings()
            self.segment.set_doc_count(self.docnum)
            segments = [self.segment] if self.docnum else []
            if toc:
                write_toc(self.ix, segments)
        finally:
            self._finish()
        return segments[0] if segments else None

    def cancel(self):
        if not self.perdoc.is_closed:
            self.perdoc.close()
        self._finish()

    def _finish(self):
        if self.closed:
            return
        self.closed = True
        self.terms.clear()
        self.spelling.clear()
        shutil.rmtree(self.rundir, ignore_errors=True)
        if self.lock is not None:
            # Writers side by side share the temporary directory: their parent removes it
            self.tempstorage.destroy()
            self.lock.release()


# A block's data and header are pickled with this protocol, not Whoosh's 2: protocol 2
# pickles each bytes value (a posting's positions) as a call to ``codecs.encode``, 5 to
# 10 times slower to write and to read back, and three times the size.
BLOCK_PICKLE = 4
MIN_DEFLATE = 100  # bytes: shorter data is stored as it is (deflate would not shrink it)
STORED_LEVEL = 3  # the stored fields' compression level: Whoosh's


def deflate(data: bytes, level: int) -> bytes:
    """``zlib.compress(data, level)`` for short data, several times faster.

    ``zlib.compress`` sets up a 32 KB window and its tables for every call: about 40
    microseconds, most of the work for a few hundred bytes. The window here is no larger
    than the data (it finds about the same matches); ``zlib.decompress`` reads any window."""
    wbits = max(9, min(15, (len(data) - 1).bit_length()))
    compressor = zlib.compressobj(level, zlib.DEFLATED, wbits, 8 if len(data) >= 1024 else 4)
    return compressor.compress(data) + compressor.flush()


def deflated(data: bytes, level: int) -> tuple[int, bytes]:
    """A block's data as written: (the compression level noted in its header, 0 for
    none; the bytes). Data too short to shrink is stored as it is."""
    if not level or len(data) < MIN_DEFLATE:
        return 0, data
    packed = deflate(data, level)
    return (level, packed) if len(packed) < len(data) else (0, data)


class _StoredWriter(VarBytesColumn.Writer):
    """Writes the column of stored fields as Whoosh's ``STORED_COLUMN`` does (each
    document's stored fields pickled, then deflated: its reader reads them), with
    protocol 4 and ``deflate``: Whoosh's writer spent 40 microseconds a document."""

    def add(self, docnum, v):
        data = b"" if v is None else dumps(v, BLOCK_PICKLE)
        super().add(docnum, deflate(data, STORED_LEVEL))


def per_document_writer(codec, storage, segment):
    """The codec's per-document writer, its column of stored fields written faster."""
    perdoc = codec.per_document_writer(storage, segment)
    whooshs = perdoc._colwriters["_stored"]  # nothing written yet: its file is taken over
    perdoc._colwriters["_stored"] = _StoredWriter(whooshs._child._dbfile)
    return perdoc


def write_terms(terms, schema, codec, postfile, add_term, lengths_by_field, fieldmap):
    """Write each term's postings to ``postfile`` and its entry in the term table
    (``add_term(key, info)``), as ``W3FieldWriter`` and ``W3PostingsWriter`` do (the same
    blocks, pickled and deflated as ``deflated`` says), a block of up to ``blocklimit``
    postings at a time instead of one posting at a time. ``lengths_by_field``: the length byte of each document in
    each scored field; ``fieldmap``: the number of each field in the term table."""
    blocklimit = codec._blocklimit
    compression = codec._compression
    write = postfile.file.write if isinstance(postfile, StructFile) else postfile.write
    position = postfile.tell()  # kept here: a tell() per term was 6% of a small write
    magic = len(WHOOSH3_HEADER_MAGIC)
    lastname = None
    fieldid = b""
    fixedsize = None
    lengths = None
    for name, tbytes, docs, weights, values in terms:
        if name != lastname:
            fieldid = pack_ushort(fieldmap[name])
            fixedsize = schema[name].format.fixed_value_size()
            lengths = lengths_by_field.get(name)
            lastname = name
        if docs is None:
            # Spelling words: only the list of words is read (suggestions). Whoosh's writer
            # adds a posting numbered 0 for every document that has the word, with the
            # field's last position list as value; here each word has one posting, its
            # weight the number of those documents (the same total weight).
            docs = array("I", [0])
            weights = [float(values)]
            values = [pack_uint(values)]
        info = W3TermInfo()
        startoffset = position
        write(WHOOSH3_HEADER_MAGIC)
        position += magic
        count = len(docs)
        for start in range(0, count, blocklimit):
            end = min(start + blocklimit, count)
            ids = docs[start:end]
            block_weights = weights[start:end]
            stored_weights = array("f", block_weights)
            top = max(block_weights)
            maxweight = top if top > 0 else 0
            found = [b for b in map(lengths.__getitem__, ids) if b] if lengths else None
            if found:
                minlength = byte_to_length(min(found))
                maxlength = byte_to_length(max(found))
            else:
                minlength, maxlength = None, 0
            # W3TermInfo.add_block
            info._weight += sum(stored_weights)
            info._df += end - start
            if info._minlength is None:
                info._minlength = minlength
            else:
                info._minlength = min(info._minlength, minlength)
            info._maxlength = max(info._maxlength, maxlength)
            info._maxweight = max(info._maxweight, maxweight)
            if info._minid is None:
                info._minid = ids[0]
            info._maxid = ids[-1]
            # W3PostingsWriter._write_block
            first = stored_weights[0]
            if all(w == 1.0 for w in stored_weights):
                mini_weights = None
            elif all(w == first for w in stored_weights):
                mini_weights = first
            else:
                mini_weights = tuple(stored_weights)
            block_values = [v for v in values[start:end] if v]
            if fixedsize is None or fixedsize < 0:
                mini_values = tuple(block_values)
            elif fixedsize == 0:
                mini_values = None
            else:
                mini_values = b"".join(block_values)
            previous = 0
            deltas = []
            for docnum in ids:
                deltas.append(docnum - previous)
                previous = docnum
            data = dumps((tuple(deltas), mini_weights, mini_values), BLOCK_PICKLE)
            level, data = deflated(data, compression)
            head = dumps(
                (
                    end - start,
                    ids[-1],
                    maxweight,
                    level,
                    length_to_byte(minlength),
                    length_to_byte(maxlength),
                ),
                BLOCK_PICKLE,
            )
            size = len(head) + len(data)
            write(pack_int(-size if end == count else size))
            write(head)
            write(data)
            position += _INT_SIZE + size
        info.set_extent(startoffset, position - startoffset)
        add_term(fieldid + tbytes, info.to_bytes())
    if postfile.tell() != position:  # the term table would point at the wrong postings
        raise RuntimeError(f"postings file at {postfile.tell()}, expected {position}")


def read_run(path, batches, lo=None, hi=None, docbase=0):
    """The terms of a run file from ``lo`` (included) to ``hi`` (excluded), both
    (field, term) or None, document numbers shifted by ``docbase``."""
    with open(path, "rb") as handle:
        for offset, first, last, _cost in batches:
            if (lo is not None and last < lo) or (hi is not None and first >= hi):
                continue
            handle.seek(offset)
            for name, tbytes, docs, weights, values in marshal.load(handle):
                key = (name, tbytes)
                if (lo is not None and key < lo) or (hi is not None and key >= hi):
                    continue
                if docs is not None:
                    docs = array("I", docs)
                    if docbase:
                        docs = array("I", [d + docbase for d in docs])
                    weights = array("d", weights)
                yield name, tbytes, docs, weights, values


def merge_terms(sources):
    """Sorted term streams merged, the postings of a term in the order of the sources
    (consecutive ranges of documents: document numbers stay in order)."""
    merged = heapq.merge(*sources, key=itemgetter(0, 1))  # stable: keeps source order
    for (name, tbytes), group in groupby(merged, key=itemgetter(0, 1)):
        group = list(group)
        if len(group) == 1:
            yield group[0]
            continue
        if group[0][2] is None:  # spelling words: documents counted
            yield name, tbytes, None, None, sum(part[4] for part in group)
            continue
        docs, weights, values = array("I"), array("d"), []
        for part in group:
            docs.extend(part[2])
            weights.extend(part[3])
            values.extend(part[4])
        yield name, tbytes, docs, weights, values


def write_toc(ix, segments) -> None:
    """Make ``segments`` the content of the (new, empty) index ``ix``."""
    info = ix._read_toc()
    generation = info.generation + 1
    TOC(info.schema, segments, generation).write(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, generation, segments)


# --- Several processes -----------------------------------------------------------------

MIN_PER_PROCESS = 1000  # articles: below this a second process costs more than it saves
QUEUE_BATCHES = 4  # batches of documents waiting for each process
BATCH = 50  # articles per batch sent to a process


def write_documents(
    ix,
    ids: list[int],
    documents: Callable[[list[int]], Iterable[tuple[int, list[dict]]]],
    *,
    procs: int = 1,
    limitmb: int = 128,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Index the documents of ``ids`` (``documents(ids)`` yields (id, [doc, ...]) in id
    order) into the new, empty index ``ix`` and commit; returns the articles indexed.

    With ``procs`` > 1 child processes share the work (``_write_in_processes``) and
    write the same segment, documents numbered in id order either way."""
    procs = max(1, min(procs, len(ids) // MIN_PER_PROCESS))
    if procs == 1:
        writer = FastSegmentWriter(ix, limitmb=limitmb)
        count = writer.add_articles(documents(ids), progress)
        writer.commit()
        return count
    return _write_in_processes(ix, ids, documents, procs, limitmb, progress)


def _batches(documents, ids):
    batch = []
    for _aid, docs in documents(ids):
        batch.append(docs)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_in_processes(ix, ids, documents, procs, limitmb, progress) -> int:
    """Index ``ids`` into one segment with ``procs`` child processes.

    1. Each child analyses a consecutive range of the articles (this process reads
       them from the database and sends them): it writes its postings to sorted runs
       and records the per-document values (stored fields, lengths, columns).
    2. The terms are cut into ranges of about the same estimated cost, a few per child;
       a child that is free takes the next range from a shared queue and writes its
       postings (all documents) to a piece of the postings file, while this process
       writes the per-document files. The estimate counts terms and postings, not how
       long each posting's positions are, so a fixed share per child could leave one
       working long after the other.
    3. This process joins the pieces, in term order, into the segment's postings file
       and writes the term table, then the table of contents.
    """
    lock = ix.lock("WRITELOCK")
    if not lock.acquire():
        raise RuntimeError(f"index {ix.storage.folder} is locked")
    # Fork: the children need the schema's classes and nothing else of this process (no
    # database connection: the documents come through the queues).
    context = multiprocessing.get_context("fork")
    size = -(-len(ids) // procs)
    parts = [ids[start : start + size] for start in range(0, len(ids), size)]
    inboxes = [context.Queue(maxsize=QUEUE_BATCHES) for _ in parts]
    ranges = context.Queue()
    results = context.Queue()
    workers = [
        context.Process(
            target=_worker,
            args=(ix.storage.folder, ix.indexname, slot, inboxes[slot], ranges, results, limitmb),
            daemon=True,
        )
        for slot in range(len(parts))
    ]
    count = 0
    done = []
    try:
        for worker in workers:
            worker.start()
        feeds = [_batches(documents, part) for part in parts]
        live = list(range(len(parts)))
        while live:
            for slot in list(live):
                batch = next(feeds[slot], None)
                if batch is None:
                    _put(inboxes[slot], None, workers[slot])
                    live.remove(slot)
                    continue
                _put(inboxes[slot], batch, workers[slot])
                count += len(batch)
                if progress:
                    progress(len(batch))
        done = _results(results, workers)
        _join_parts(ix, done, inboxes, ranges, results, workers)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join()
        for queue in [*inboxes, ranges, results]:
            queue.close()
            queue.cancel_join_thread()
        for part in done:
            shutil.rmtree(part["rundir"], ignore_errors=True)
        ix.storage.temp_storage(f"{ix.indexname}.tmp").destroy()
        lock.release()
    return count


def _answers(results, workers, count: int):
    """The next ``count`` answers of the child processes, (slot, value); a failure in
    any of them raises."""
    for _ in range(count):
        slot, value, error = _get(results, workers)
        if error:
            raise RuntimeError(f"indexing process {slot} failed:\n{error}")
        yield slot, value


def _results(results, workers) -> list:
    """One answer from each child process, in slot order."""
    out = [None] * len(workers)
    for slot, value in _answers(results, workers, len(workers)):
        out[slot] = value
    return out


def _join_parts(ix, parts, inboxes, ranges, results, workers) -> None:
    info = ix._read_toc()
    schema = info.schema
    codec = default_codec()
    segment = codec.new_segment(ix.storage, ix.indexname)
    total = sum(part["doccount"] for part in parts)
    # Documents are numbered part after part.
    sources, docbase, costs = [], 0, []
    lengths: dict[str, bytearray] = {}
    for part in parts:
        for path, batches in part["runs"]:
            sources.append((path, batches, docbase))
            costs.extend((first, cost) for _offset, first, _last, cost in batches)
        for name in part["lengths"]:
            lengths.setdefault(name, bytearray())
        for name, column in lengths.items():
            column.extend(bytes(docbase - len(column)))
            column.extend(part["lengths"].get(name, b""))
        docbase += part["doccount"]
    for column in lengths.values():
        column.extend(bytes(total - len(column)))
    names = sorted(set().union(*(part["names"] for part in parts)))
    fieldmap = {name: n for n, name in enumerate(names)}
    bounds = term_ranges(costs, len(workers) * RANGES_PER_PROCESS)
    rundir = parts[0]["rundir"]
    for slot, inbox in enumerate(inboxes):
        _put(inbox, (sources, lengths, fieldmap), workers[slot])
    pieces = [os.path.join(rundir, f"piece{n}") for n in range(len(bounds) - 1)]
    for n, piece in enumerate(pieces):
        ranges.put((n, bounds[n], bounds[n + 1], piece))
    for _ in workers:
        ranges.put(None)
    # Meanwhile, the per-document files.
    perdoc = per_document_writer(codec, ix.storage, segment)
    docnum = 0
    for part in parts:
        with open(part["records"], "rb") as handle:
            while True:
                try:
                    docs = pickle.load(handle)
                except EOFError:
                    break
                for calls in docs:
                    perdoc.start_doc(docnum)
                    for call in calls:
                        if len(call) == 3:
                            name, value, length = call
                            perdoc.add_field(name, schema[name], value, length)
                        else:
                            name, value = call
                            perdoc.add_column_value(name, schema[name].column_type, value)
                    perdoc.finish_doc()
                    docnum += 1
    perdoc.close()
    written = {}  # the pieces, finished in any order
    for _slot, (n, piece, entries) in _answers(results, workers, len(pieces)):
        written[n] = (piece, entries)
    fieldwriter = codec.field_writer(ix.storage, segment)
    fieldwriter._fieldmap.update(fieldmap)
    postfile = fieldwriter._postfile
    add_term = fieldwriter._tindex.add
    for piece, entries in (written[n] for n in range(len(pieces))):
        base = postfile.tell()
        with open(piece, "rb") as handle:
            shutil.copyfileobj(handle, postfile, 1 << 20)
        with open(entries, "rb") as handle:
            for key, value in marshal.load(handle):
                # The postings' offset in the term info, from the piece's start to the file's
                offset = unpack_long(value[_OFFSET : _OFFSET + _LONG_SIZE])[0] + base
                add_term(key, value[:_OFFSET] + pack_long(offset) + value[_OFFSET + _LONG_SIZE :])
    fieldwriter.close()
    segment.set_doc_count(total)
    write_toc(ix, [segment] if total else [])


_OFFSET = W3TermInfo._struct.size  # term info: statistics, then postings offset and length
RANGES_PER_PROCESS = 4  # ranges of terms to write, per process (see _write_in_processes)


def term_ranges(costs: list[tuple], count: int) -> list:
    """Cut the terms into ``count`` ranges (fewer if there are not enough batches) of
    about the same cost, from the (first term, cost) of each batch of the runs: the
    bounds, None first and last, each range from a bound (included) to the next."""
    costs = sorted(costs)
    whole = sum(cost for _first, cost in costs) or 1
    bounds, running = [None], 0
    last = costs[0][0] if costs else None  # a range starts after the last one's start
    for first, cost in costs:
        due = running >= whole * len(bounds) / count and len(bounds) < count
        if due and first > last:
            bounds.append(first)
            last = first
        running += cost
    return [*bounds, None]


class _Recorder:
    """Stands for the per-document writer in a child process: records what it is given
    in a file for the parent to write in document order."""

    def __init__(self, path):
        self.path = path
        self.handle = open(path, "wb")  # noqa: SIM115 (closed by close())
        self.docs = []
        self.current = None
        self.is_closed = False

    def start_doc(self, docnum):
        self.current = []

    def add_field(self, name, field, value, length):
        self.current.append((name, value, length))

    def add_column_value(self, name, column, value):
        self.current.append((name, value))

    def finish_doc(self):
        self.docs.append(self.current)
        if len(self.docs) >= 1000:
            pickle.dump(self.docs, self.handle, pickle.HIGHEST_PROTOCOL)
            self.docs = []

    def close(self):
        if self.docs:
            pickle.dump(self.docs, self.handle, pickle.HIGHEST_PROTOCOL)
        self.handle.close()
        self.is_closed = True


def _put(queue, item, worker):
    while True:
        try:
            queue.put(item, timeout=1)
            return
        except Full:
            if not worker.is_alive():
                raise RuntimeError(f"indexing process exited with code {worker.exitcode}") from None


def _get(queue, workers):
    while True:
        try:
            return queue.get(timeout=1)
        except Empty:
            dead = [w for w in workers if w.exitcode not in (None, 0)]
            if dead and queue.empty():
                raise RuntimeError(
                    f"indexing process exited with code {dead[0].exitcode}"
                ) from None


def _worker(folder, indexname, slot, inbox, ranges, results, limitmb):
    """A child process: analyse the articles it is sent, then write the postings of the
    ranges of terms it takes from ``ranges`` until None."""
    from whoosh import index as whoosh_index

    try:
        ix = whoosh_index.open_dir(folder, indexname)
        rundir = tempfile.mkdtemp(prefix="runs-", dir=folder)
        recorder = _Recorder(os.path.join(rundir, "docs"))
        writer = FastSegmentWriter(ix, limitmb=limitmb, lock=False, perdoc=recorder, rundir=rundir)
        while (batch := inbox.get()) is not None:
            for docs in batch:
                for doc in docs:
                    writer.add_document(**doc)
        recorder.close()
        writer._spill()
        for column in writer.lengths.values():
            column.extend(bytes(writer.docnum - len(column)))
        part = {
            "doccount": writer.docnum,
            "runs": list(zip(writer.runs, writer.run_batches, strict=True)),
            "lengths": {name: bytes(column) for name, column in writer.lengths.items()},
            "names": writer.names,
            "records": recorder.path,
            "rundir": rundir,
        }
        writer.terms = writer.spelling = writer.lengths = None
        results.put((slot, part, None))
        shared = inbox.get()
        if shared is None:
            return
        sources, lengths, fieldmap = shared
        while (task := ranges.get()) is not None:
            n, lo, hi, piece = task
            terms = merge_terms(
                [read_run(path, batches, lo, hi, docbase) for path, batches, docbase in sources]
            )
            entries = []
            with open(piece, "wb") as handle:
                postfile = StructFile(handle)
                write_terms(
                    terms,
                    ix.schema,
                    writer.codec,
                    postfile,
                    lambda key, value: entries.append((key, value)),  # noqa: B023
                    lengths,
                    fieldmap,
                )
                postfile.flush()
            with open(piece + ".terms", "wb") as handle:
                marshal.dump(entries, handle)
            results.put((slot, (n, piece, piece + ".terms"), None))
    except BaseException:
        results.put((slot, None, traceback.format_exc()))
