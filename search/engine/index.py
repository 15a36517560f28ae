"""The search index on disk, and keeping it in step with the database.

Layout of ``settings.ARCHIVE_INDEX_DIR``::

    current -> gen-20240101120000-1234-ab12cd   (symlink to the live generation)
    gen-.../                                    (a complete Whoosh index)
    pending-ids                                 (an older version's owed ids: pending.py)

``rebuild()`` builds a new generation beside the live one and swaps the ``current``
symlink atomically, so searches go on during a rebuild. ``update_articles(ids)`` is
the one write path: it deletes each article's documents (the article and its quotes)
and adds them again for the ids still published, all in one commit. A writer waits
for the Whoosh writer lock (another gunicorn worker, an import beside the site) with
a timeout and retries; a write that still fails is logged as an error and its ids
kept as owed (``pending.py``) for the next write or ``check_index --repair``: never lost
silently. The documents of an article are made in ``documents.py``.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.reading import SegmentReader
from whoosh.util.filelock import try_for

from .. import source
from ..backends import CheckReport, RebuildReport
from . import documents, fastpaths, pending
from .schema import SCHEMA_VERSION, build_schema

log = logging.getLogger(__name__)

CURRENT = "current"
VERSION_FILE = "schema-version"  # in each generation: the SCHEMA_VERSION it was built with


class IndexWriteError(Exception):
    """The index could not be written (lock held too long, disk error)."""


def setting(name, default):
    return getattr(settings, name, default)


def index_root() -> Path:
    return Path(settings.ARCHIVE_INDEX_DIR)


def live_dir() -> Path | None:
    """The directory of the live index generation, or None when there is no index."""
    link = index_root() / CURRENT
    try:
        target = Path(os.path.realpath(link))
    except OSError:
        return None
    if target.is_dir() and whoosh_index.exists_in(str(target)):
        return target
    return None


def open_index():
    """The live Whoosh index, or None when none has been built."""
    path = live_dir()
    if path is None:
        return None
    try:
        return whoosh_index.open_dir(str(path))
    except (whoosh_index.EmptyIndexError, OSError) as exc:
        log.error("search index in %s cannot be opened: %s", path, exc)
        return None


@contextmanager
def _file_lock(name: str):
    """A process-wide exclusive lock on a small file in the index root."""
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / name, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def create_generation() -> Path:
    """A new, empty index directory beside the live one (not yet live)."""
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d%H%M%S")
    path = root / f"gen-{stamp}-{os.getpid()}-{secrets.token_hex(3)}"
    path.mkdir()
    whoosh_index.create_in(str(path), build_schema())
    (path / VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n")
    return path


def schema_version(path: Path | None = None) -> int | None:
    """The schema version an index generation was built with (the live one by default);
    1 for an index from before versions were recorded, None when there is no index."""
    path = path or live_dir()
    if path is None:
        return None
    try:
        return int((Path(path) / VERSION_FILE).read_text().strip() or 1)
    except (FileNotFoundError, ValueError):
        return 1


def swap_in(path: Path) -> None:
    """Make ``path`` the live generation with one atomic rename of the symlink."""
    root = index_root()
    tmp = root / f".{CURRENT}-{secrets.token_hex(4)}"
    os.symlink(path.name, tmp)
    os.replace(tmp, root / CURRENT)


BUILDING = "building"  # in a generation a rebuild is still writing
BUILDING_HOURS = 24  # past this, a generation still marked so was left by a killed rebuild


def _being_built(path: Path) -> bool:
    try:
        age = time.time() - (path / BUILDING).stat().st_mtime
    except OSError:
        return False
    return age < BUILDING_HOURS * 3600


def prune_generations(keep: Iterable[Path]) -> list[Path]:
    """Delete index generations other than ``keep``, the live one and those another
    rebuild (a second import's, beside this one) is still writing; returns what was
    deleted."""
    keep = {Path(p).resolve() for p in [*keep, live_dir()] if p}
    removed = []
    for path in index_root().glob("gen-*"):
        if path.resolve() not in keep and not _being_built(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def ensure_index():
    """The live index, created empty first when there is none."""
    ix = open_index()
    if ix is not None:
        return ix
    with _file_lock(".create.lock"):
        ix = open_index()  # another process may have created it while we waited
        if ix is None:
            swap_in(create_generation())
            ix = open_index()
    return ix


# --- Writing -----------------------------------------------------------------------------

_write_lock = threading.Lock()  # threads of one process queue here before the file lock


def _writer():
    """A writer on the live index, waiting for the lock with a timeout and retrying.

    A rebuild may swap generations while we wait: after taking the lock we check that we
    locked the live one, else we let go and try again on the new one.
    """
    timeout = float(setting("ARCHIVE_INDEX_LOCK_TIMEOUT", 10.0))
    attempts = int(setting("ARCHIVE_INDEX_LOCK_ATTEMPTS", 3))
    for attempt in range(1, attempts + 1):
        ix = ensure_index()
        try:
            # A bounded posting pool: merging segments into a write goes through it too.
            writer = ix.writer(
                timeout=timeout,
                delay=0.05,
                limitmb=int(setting("ARCHIVE_INDEX_WRITER_MB", 16)),
                compound=False,  # see ``rebuild``
            )
        except LockError:
            log.warning(
                "search index writer lock busy for %.0fs (attempt %d of %d)",
                timeout,
                attempt,
                attempts,
            )
            continue
        if live_dir() != Path(ix.storage.folder).resolve():
            writer.cancel()  # swapped by a rebuild meanwhile: write to the new one
            continue
        return writer
    raise IndexWriteError(f"the index writer lock was busy {attempts} times for {timeout:.0f}s")


def _write_docs(writer, ids: Iterable[int], *, delete_first=True) -> tuple[int, object]:
    """Delete the documents of ``ids`` and add those of the published ones. Returns the
    articles added and the segment they were written to, for the writer's commit to list
    (None: the writer added them itself, or there were none).

    With the current schema the documents go to a segment of their own, written as
    ``rebuild`` writes (``FastSegmentWriter``): a third of the CPU of Whoosh's writer,
    which an import into an archive larger than itself goes through story by story."""
    ids = sorted(set(ids))
    if delete_first and ids:
        _delete_documents(writer, ids)
    # An index built with an older schema (until ``rebuild_index``) gets the fields it has.
    schema = writer.schema
    current = {name: type(f) for name, f in schema.items()} == _field_types()
    added = 0
    if not current or not fastpaths.ENABLED:
        for _aid, docs in documents.iter_documents(ids):
            for doc in docs:
                writer.add_document(**_for_schema(doc, schema))
            added += 1
        return added, None
    from .build import FastSegmentWriter

    ix = whoosh_index.FileIndex(writer.storage, indexname=writer.indexname)
    # (its postings are held per term, not pooled: a batch of up to 2,000 articles fits
    # without spilling runs to disk and merging them back)
    fast = FastSegmentWriter(ix, SEGMENT_MB, lock=False, beside=True)
    added = fast.add_articles(documents.iter_documents(ids))
    return added, fast.commit(toc=False)


SEGMENT_MB = 128  # postings a write's new segment holds in memory before spilling


def _listing(segment, mergetype):
    """A merge policy for Whoosh's ``commit``: ``mergetype``'s, then ``segment`` added
    to the segments the new table of contents lists."""

    def policy(writer, segments):
        kept = mergetype(writer, segments)
        return [*kept, segment] if segment is not None else kept

    return policy


def _delete_documents(writer, ids: Iterable[int]) -> int:
    """Delete the documents (the article and its quotes) of ``ids``; returns how many.

    One searcher for the batch, then one term lookup per article and segment:
    ``delete_by_query`` with an ``Or`` of 2,000 terms built a matcher over every term at
    once and peaked at 4 GB; this loop deletes the same documents in a few tens of MB.
    """
    deleted = 0
    with writer.searcher() as searcher:
        leaves = searcher.reader().leaf_readers()
        for aid in ids:
            term = str(aid)
            for leaf, base in leaves:
                for docnum in _term_documents(leaf, "article", term):
                    if not leaf.is_deleted(docnum):
                        writer.delete_document(base + docnum)
                        deleted += 1
    return deleted


def _term_documents(leaf, fieldname: str, text: str):
    """The numbers (in the segment) of the documents of one segment with ``text`` in
    ``fieldname``, deleted ones included.

    The term table is looked up first: an import's new articles were never indexed. And
    the postings are read without ``SegmentReader.postings``, which copies the segment's
    whole set of deleted documents for every term: in a segment of 100,000 stories with
    thousands of documents rewritten, that copy was most of the cost of a write."""
    if (fieldname, text) not in leaf:
        return ()
    found = fastpaths.segment_term_ids(leaf, fieldname, text)
    if found is None:  # the public way (live documents only: the caller skips the others)
        return leaf.postings(fieldname, text).all_ids()
    return found


def _field_types() -> dict:
    return {name: type(f) for name, f in build_schema().items()}


def _for_schema(doc: dict, schema) -> dict:
    """``doc`` with only the fields ``schema`` has, as text where it indexes them."""
    out = {}
    for name, value in doc.items():
        if name in schema:
            column_only = isinstance(schema[name], fields.COLUMN)
            out[name] = value.decode() if isinstance(value, bytes) and not column_only else value
    return out


MERGE_UP_TO = 40_000  # documents (an article and its quotes are ~15): larger ones wait for
# ``rebuild_index`` to compact them
MERGE_WIDTH = 4  # segments of one size tier merged together


def merge_tiers(writer, segments):
    """Whoosh merge policy for incremental writes: merge only segments of similar size,
    and never one past ``MERGE_UP_TO`` documents.

    Whoosh's own policy (MERGE_SMALL) lets segments pile up and then merges them all,
    large ones included: on a 10,000-story import a single commit held 900 MB for
    minutes. Here every merge is bounded, so a write's time and memory are too; the
    index keeps a few more segments until the next ``rebuild_index``.
    """
    tiers: dict[int, list] = {}
    for seg in segments:
        size = seg.doc_count_all()
        tiers.setdefault(max(size, 1).bit_length() // 2, []).append(seg)  # x4 per tier
    merged = set()
    for group in tiers.values():
        if len(group) < MERGE_WIDTH:
            continue
        group = sorted(group, key=lambda s: s.doc_count_all())
        chosen, total = [], 0
        for seg in group:
            if total + seg.doc_count_all() > MERGE_UP_TO:
                break
            chosen.append(seg)
            total += seg.doc_count_all()
        if len(chosen) < 2:
            continue
        for seg in chosen:
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
            merged.add(id(seg))
    return [seg for seg in segments if id(seg) not in merged]


# Failures of the index itself, not of this program: logged in one line, no traceback.
EXPECTED_FAILURES = (IndexWriteError, LockError, OSError)


def _failed(what: str, ids: set[int], exc: Exception) -> None:
    """Log a failed write of ``ids`` as an error and keep them for a later write."""
    reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, IndexWriteError) else str(exc)
    pending.add_pending(ids, reason)
    _failures.reasons.append(reason)
    log.error(
        "SEARCH INDEX %s FAILED for %d article(s) %s: %s — kept to write later; "
        "run `manage.py check_index --repair`",
        what,
        len(ids),
        sorted(ids)[:20],
        reason,
        exc_info=not isinstance(exc, EXPECTED_FAILURES),
    )


class _Failures(threading.local):
    def __init__(self):
        self.reasons: list[str] = []


_failures = _Failures()


def take_failures() -> list[str]:
    """Why this thread's index writes failed since the last call (and forget them): a
    view tells its user that the change is saved but not yet searchable."""
    reasons, _failures.reasons = _failures.reasons, []
    return reasons


def update_articles(ids: Iterable[int]) -> int:
    """Bring the index in line with the database for ``ids``, in one commit.

    Published articles are (re)indexed with their quotes; ids that are not published
    (new, hidden, deleted) are removed. Up to ``PENDING_TAKEN`` articles still owed to
    the index (``PendingWrite``) are written along, and their records dropped. Returns
    the number of articles indexed. A failure is logged as an error and the ids are kept
    for a later write or ``check_index --repair``; it raises nothing, so that a save in
    the admin never fails because of the index.
    """
    ids = {int(i) for i in ids}
    if not ids:
        return 0
    with _write_lock:
        writer = None
        taken: set[int] = set()
        try:
            taken, upto = pending.take_pending()
            writer = _writer()
            added, segment = _write_docs(writer, ids | taken)
            writer.commit(mergetype=_listing(segment, merge_tiers))
            writer = None
        except Exception as exc:
            if writer is not None:
                with suppress(Exception):  # the write's own error is the one to tell
                    writer.cancel()
            _failed("WRITE", ids | taken, exc)
            return 0
    pending.clear_pending(ids | taken, upto)
    return added


def write_pending() -> int:
    """Write every article still owed to the index (left by a killed import, a failed
    write); returns how many were written. Stops at the first failure."""
    written = 0
    while True:
        owed, _top = pending.take_pending()
        if not owed:
            return written
        failures = len(_failures.reasons)
        update_articles(owed)
        if len(_failures.reasons) > failures:
            return written
        written += len(owed)


def delete_articles(ids: Iterable[int]) -> None:
    """Remove ``ids`` (and their quotes) from the index whatever their status."""
    ids = {int(i) for i in ids}
    if not ids:
        return
    with _write_lock:
        writer = None
        try:
            writer = _writer()
            for aid in ids:
                writer.delete_by_term("article", str(aid))
            writer.commit()
        except Exception as exc:
            if writer is not None:
                writer.cancel()
            _failed("DELETE", ids, exc)


# --- Rebuild and check -------------------------------------------------------------------


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file())


def rebuild(
    progress: Callable[[int], None] | None = None,
    limitmb: int = 128,
    procs: int | None = None,
) -> RebuildReport:
    """Build a complete index aside, swap it in atomically and catch up with writes
    made during the build. ``progress(n)`` is called as articles are indexed.

    ``limitmb`` bounds the postings held in memory (per process) before they are
    written to sorted runs on disk and merged at the end. ``procs`` processes analyse
    consecutive ranges of articles side by side, then write a share of the terms each,
    into one segment (default ``ARCHIVE_INDEX_REBUILD_PROCS``, 2); a small archive is
    indexed by one process."""

    if procs is None:
        procs = int(setting("ARCHIVE_INDEX_REBUILD_PROCS", 2))
    started_at = timezone.now()
    started = time.perf_counter()
    owed = pending.pending_top()  # articles owed to the index until now: the rebuild writes them
    path = create_generation()
    (path / BUILDING).write_text(f"{os.getpid()}\n")
    ix = whoosh_index.open_dir(str(path))
    # ``write_documents`` writes one segment directly (no merging of segments) with
    # separate files, not one compound file: Whoosh copies a compound segment's
    # postings into memory for every reader it opens (300 MB held by a write on a
    # 10,000-story index); separate files are read from disk as needed.
    try:
        ids = source.published_ids()
        if fastpaths.ENABLED:
            from .build import write_documents

            count = write_documents(
                ix, ids, documents.iter_documents, procs=procs, limitmb=limitmb, progress=progress
            )
        else:
            count = _write_with_whoosh(ix, ids, limitmb, progress)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    old_dir = live_dir()
    _swap_waiting_for_writers(path)
    (path / BUILDING).unlink()  # (only once live: another rebuild's prune keeps it so far)
    pending.clear_pending(None, upto=owed)
    # Writes that went to the old generation while we built: articles saved since we
    # started, and the difference between the database and what we indexed.
    db_ids = set(source.published_ids())
    changed = source.changed_since(started_at)
    changed |= db_ids.symmetric_difference(ids)
    if changed:
        update_articles(changed)
    prune_generations([path, old_dir])
    return RebuildReport(count, seconds, path, _dir_size(path), caught_up=len(changed))


def _write_with_whoosh(ix, ids, limitmb: int, progress) -> int:
    """``build.write_documents`` through Whoosh's own writer (the fast paths off): one
    process, the same documents, separate files."""
    writer = ix.writer(limitmb=limitmb, compound=False)
    count = 0
    try:
        for _aid, docs in documents.iter_documents(ids):
            for doc in docs:
                writer.add_document(**doc)
            count += 1
            if progress is not None:
                progress(1)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return count


def _swap_waiting_for_writers(path: Path) -> None:
    """Swap ``path`` in while holding the old index's writer lock, so a write in flight
    finishes first and a waiting one (seeing the swap) goes to the new index."""
    old = open_index()
    lock = old.lock("WRITELOCK") if old is not None else None
    timeout = float(setting("ARCHIVE_INDEX_LOCK_TIMEOUT", 10.0)) * 3
    held = bool(lock) and try_for(lock.acquire, timeout=timeout, delay=0.05)
    if lock and not held:
        log.warning("swapping the index in without the old writer lock (busy %.0fs)", timeout)
    try:
        swap_in(path)
    finally:
        if held:
            lock.release()


def _segment_problem(storage, schema, leaf) -> str:
    """What is wrong with one segment (a missing file, a file shorter than its table
    says, one that cannot be read), or "" when every part of it reads. Reads its whole
    term table, checks each term's postings lie inside the postings file, reads every
    stored document, column and field length. Whoosh's own codec only (``W3``, whose
    files are named here); another is read the public way."""
    name, own_storage = fastpaths.segment_files(leaf)
    known = name is not None
    name = name or "segment"
    terms = fastpaths.term_table(leaf)
    storage = own_storage or storage  # a compound segment's own files
    for ext in (".trm", ".pst", "._stored.col"):
        if known and not storage.file_exists(name + ext):
            return f"file {name}{ext} is missing"
    count = leaf.doc_count_all()

    def read_terms():
        if terms is None or not hasattr(terms, "items"):
            for fieldname, text in leaf.all_terms():
                leaf.postings(fieldname, text).all_ids()
            return ""
        postings = storage.file_length(name + ".pst")
        for (fieldname, _text), info in terms.items():
            if info.is_inlined():
                continue
            offset, length = info.extent()
            if isinstance(length, tuple):  # Whoosh 2.7.4 reads it as a 1-tuple
                (length,) = length
            if offset + length > postings:
                return f"file {name}.pst is cut short ({postings} bytes; {fieldname} needs more)"
        return ""

    def read_stored():
        for docnum in range(count):
            leaf.stored_fields(docnum)

    parts = [(".trm", read_terms), ("._stored.col", read_stored)]
    for fieldname, field_type in schema.items():
        if field_type.column_type and leaf.has_column(fieldname):
            parts.append((f".{fieldname}.col", lambda f=fieldname: list(leaf.column_reader(f))))
        if field_type.scorable:
            parts.append(
                (
                    f"._{fieldname}_len.col",
                    lambda f=fieldname: [leaf.doc_field_length(d, f) for d in range(count)],
                )
            )
    for ext, read in parts:
        try:
            problem = read()
        except Exception as exc:  # any failure to read it is the damage to report
            return f"file {name}{ext} cannot be read ({type(exc).__name__}: {exc})"
        if isinstance(problem, str) and problem:
            return problem
    return ""


def damage() -> str:
    """Open every segment of the live index and read it: "" when it is whole, else one
    line saying what is wrong (a missing or truncated file)."""
    path = live_dir()
    if path is None:
        return ""
    where = path.name
    try:
        ix = whoosh_index.open_dir(str(path))
        with ix.reader() as reader:
            for leaf, _base in reader.leaf_readers():
                problem = _segment_problem(ix.storage, ix.schema, leaf)
                if problem:
                    return f"{where}: {problem}"
    except FileNotFoundError as exc:
        return f"{where}: file {Path(exc.filename or '?').name} is missing"
    except Exception as exc:  # any failure to read it is damage to report, not a crash
        return f"{where}: {type(exc).__name__}: {exc}"
    return ""


def check(repair: bool = False) -> CheckReport:
    """Compare the index with the database; with ``repair``, fix what differs.

    An index built with another schema version is reported as outdated, one that cannot
    be read whole (``damage``) as damaged; ``repair`` rebuilds them (aside, then swapped
    in) instead of patching them.
    """
    version = schema_version()
    if version is not None and version != SCHEMA_VERSION:
        report = CheckReport(
            outdated=f"The index was built with schema version {version}; this version of "
            f"the archive needs {SCHEMA_VERSION}. Run `manage.py rebuild_index`."
        )
        ix = open_index()
        if ix is not None:
            with ix.searcher() as searcher:
                report.indexed = searcher.doc_frequency("kind", "article")
        report.published = len(documents.db_signatures())
        if repair:
            rebuild()
            report.repaired = True
        return report
    report = CheckReport(pending=pending.pending_ids())
    report.damaged = damage()
    if report.damaged:
        report.published = len(documents.db_signatures())
        if repair:
            rebuild()
            report.repaired = True
        return report
    signatures = documents.db_signatures()
    report.published = len(signatures)
    ix = open_index()
    if ix is None:
        report.index_missing = True
        report.missing = set(signatures)
        indexed = {}
    else:
        indexed = {}
        with ix.searcher() as searcher:
            for stored in searcher.reader().all_stored_fields():
                if stored.get("key", "").startswith("a"):
                    indexed[stored["article_id"]] = stored.get("signature", "")
        report.missing = set(signatures) - set(indexed)
        report.extra = set(indexed) - set(signatures)
        report.stale = {
            aid for aid, sig in indexed.items() if aid in signatures and signatures[aid] != sig
        }
    report.indexed = len(indexed)
    if repair and not report.ok:
        ids = sorted(report.to_fix())
        for start in range(0, len(ids), 5000):
            update_articles(ids[start : start + 5000])
        report.repaired = True
    return report
