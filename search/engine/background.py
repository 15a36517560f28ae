"""Writing the search index in a second process while a long import runs.

An import's own work (reading, extraction, database writes) and its index writes each keep
one core busy; run one after the other they leave the second core of a small server idle.
Inside ``writing_beside()`` the ``articles_changed`` listener hands each committed batch of
article ids to a worker process that runs ``index.update_articles`` on it, while the import
goes on with the next batch.

Nothing is lost when the worker fails: batches it did not confirm are written in the
importing process when the block ends (or at once, when the worker is found dead), and a
write that fails there is kept for ``check_index --repair`` like any other.

The worker needs a database both processes can open, so the block falls back to writing
in-process on an in-memory SQLite database (the test suite's).

Bulk mode: a run that imports at least ``ARCHIVE_INDEX_BULK_MIN`` stories and at least as
many as the archive already has published writes no index batches at all; when the block
ends, ``index.rebuild()`` builds a fresh generation aside (in the worker process) and
swaps it in, in less time and memory than thousands of incremental writes and their
merges. Searches use the old generation meanwhile. A marker file (``BULK_MARKER`` in the
index root) stays while such a run is unfinished: the next import run after one that was
killed ends with a rebuild too, whatever its size, so nothing stays missing.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from .. import source
from . import index, pending

log = logging.getLogger(__name__)

_active: _Feeder | None = None
MAX_IDS = 2000  # articles written in one commit at most (bounds the worker's memory)
BULK_MARKER = "bulk-import-running"
BULK_MIN = 2000  # default of ``settings.ARCHIVE_INDEX_BULK_MIN``


def _setup_worker(index_dir: str, db_name: str) -> None:
    import django

    django.setup()
    from django.db import connections

    settings.ARCHIVE_INDEX_DIR = index_dir
    connections["default"].settings_dict["NAME"] = db_name  # the importer's database


def _rebuild_work(index_dir: str, db_name: str) -> None:
    """The worker of a bulk run: build a fresh index generation and swap it in."""
    _setup_worker(index_dir, db_name)
    index.rebuild()
    _marker().unlink(missing_ok=True)  # done, even if the importer was stopped meanwhile


def _work(jobs, done, index_dir: str, db_name: str) -> None:
    """The worker: write each batch of ids to the index, confirm it, until ``None``."""
    _setup_worker(index_dir, db_name)
    parent = multiprocessing.parent_process()
    stop = False
    while not stop:
        try:
            batches = [jobs.get(timeout=2)]
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                return  # the importer was killed: what it committed is left to check_index
            continue
        # Behind the importer? Take the batches waiting (up to MAX_IDS articles) and write
        # them in one commit: each commit costs a segment and a merge, whatever its size.
        while batches[-1] is not None and sum(map(len, batches)) < MAX_IDS:
            try:
                batches.append(jobs.get_nowait())
            except queue.Empty:
                break
        if None in batches:
            stop = True
            batches = batches[: batches.index(None)]
        if batches:
            index.update_articles({i for batch in batches for i in batch})
            for batch in batches:
                done.put(len(batch))


def bulk_min() -> int:
    return int(getattr(settings, "ARCHIVE_INDEX_BULK_MIN", BULK_MIN))


def _marker() -> Path:
    return index.index_root() / BULK_MARKER


def bulk_unfinished() -> bool:
    """Whether a bulk import run was stopped before its index rebuild."""
    return _marker().exists()


class _Feeder:
    """Starts the worker at the second batch: a short import writes in-process.

    ``beside`` False: no worker (the database cannot be shared); batches are written
    in-process and a bulk run rebuilds in-process.
    """

    def __init__(self, beside: bool = True):
        self.beside = beside
        self.process = None
        self.batches = 0
        self.unconfirmed: list[list[int]] = []  # batches sent, in order, not yet confirmed
        self.stories = 0  # stories announced or written so far by the run
        self.bulk = False
        self.inherited = False  # a bulk run before this one was stopped unfinished
        # The run goes bulk once it is large, and as large as the archive it adds to: a
        # rebuild then costs at most about twice what writing the run's stories would.
        self.bulk_threshold = max(bulk_min(), source.published_count())
        if bulk_unfinished():
            log.warning(
                "an earlier bulk import stopped before its index rebuild: this run ends with one"
            )
            self.inherited = True
            self._go_bulk()

    def _go_bulk(self) -> None:
        if not self.bulk:
            self.bulk = True
            try:
                index.index_root().mkdir(parents=True, exist_ok=True)
                _marker().write_text(f"{os.getpid()}\n")
            except OSError as exc:
                # The run's articles are recorded as owed to the index all the same.
                log.error("search index: cannot write %s: %s", _marker(), exc)

    def expect(self, stories: int) -> None:
        """The run announces (a lower bound of) the stories it is about to import."""
        if stories >= self.bulk_threshold:
            self._go_bulk()

    def _context(self):
        return multiprocessing.get_context("spawn")

    def _worker_args(self):
        return (str(settings.ARCHIVE_INDEX_DIR), str(connection.settings_dict["NAME"]))

    def _start(self):
        ctx = self._context()
        self.jobs = ctx.Queue()
        self.done = ctx.Queue()
        self.process = ctx.Process(
            target=_work,
            args=(self.jobs, self.done, *self._worker_args()),
            name="search-index-writer",
            daemon=True,
        )
        self.process.start()

    def _collect(self, block: bool = False, timeout: float | None = None) -> None:
        while self.unconfirmed:
            try:
                self.done.get(block=block, timeout=timeout)
            except Exception:  # queue.Empty: nothing more confirmed for now
                return
            self.unconfirmed.pop(0)

    def submit(self, ids) -> None:
        self.stories += len(ids)
        if self.stories >= self.bulk_threshold:
            self._go_bulk()
        if self.bulk:
            return  # the rebuild at the end indexes them
        self.batches += 1
        if self.process is None:
            if self.batches == 1 or not self.beside:
                index.update_articles(ids)
                return
            self._start()
        self._collect()
        if not self.process.is_alive():
            self._rescue()
            index.update_articles(ids)
            return
        batch = sorted(set(ids))
        self.unconfirmed.append(batch)
        self.jobs.put(batch)

    def _rescue(self) -> None:
        """Write in this process what the (dead) worker did not confirm."""
        if self.unconfirmed:
            log.warning(
                "search index worker stopped (exit code %s); writing %d batch(es) here",
                self.process.exitcode,
                len(self.unconfirmed),
            )
        while self.unconfirmed:
            index.update_articles(self.unconfirmed.pop(0))

    def work_left(self) -> str:
        if self.bulk and (self.stories or self.inherited):
            return "rebuild"
        if self.process is not None:
            self._collect()
            return "batches" if self.unconfirmed else ""
        return ""

    def close(self, finished: bool = True) -> None:
        """Wait for the worker; after a bulk run, rebuild. A run that did not finish (an
        error, Ctrl-C) leaves the rebuild, and the marker, to the next import run."""
        self._finish_worker()
        if self.bulk and not finished:
            log.warning(
                "import stopped: the search index is rebuilt by the next import run "
                "(or run `manage.py rebuild_index`)"
            )
        elif self.bulk and (self.stories or self.inherited):
            self._rebuild()
        elif self.bulk:
            _marker().unlink(missing_ok=True)  # nothing changed: the index is still whole

    def _rebuild(self) -> None:
        """Build and swap in a fresh index generation (in a worker process when the
        database can be shared), then drop the bulk marker. On failure the marker stays,
        so the next import run rebuilds again."""
        if self.beside:
            ctx = self._context()
            process = ctx.Process(
                target=_rebuild_work, args=self._worker_args(), name="search-index-rebuild"
            )
            process.start()
            process.join()
            if process.exitcode == 0:
                _marker().unlink(missing_ok=True)
                return
            log.warning(
                "search index rebuild process failed (exit code %s); rebuilding here",
                process.exitcode,
            )
        try:
            index.rebuild()
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            log.error(
                "SEARCH INDEX REBUILD FAILED after a bulk import (%s): the next import run "
                "rebuilds it; or run `manage.py rebuild_index`",
                reason,
                exc_info=not isinstance(exc, index.EXPECTED_FAILURES),
            )
            pending.add_pending(pending.pending_ids(), reason)
            return
        _marker().unlink(missing_ok=True)

    def _finish_worker(self) -> None:
        if self.process is None:
            return
        if self.process.is_alive():
            self.jobs.put(None)
            while self.unconfirmed and self.process.is_alive():
                self._collect(block=True, timeout=1.0)
            self.process.join(timeout=30)
        self._collect()
        if self.process.is_alive():
            self.process.terminate()
        self._rescue()


def active() -> bool:
    return _active is not None


def work_left() -> str:
    """What is left for the index when the import run inside ``writing_beside()`` has
    saved its stories: "rebuild" (a bulk run), "batches" (written by the worker, not yet
    confirmed) or "" (nothing: a small run wrote its stories as it went)."""
    return _active.work_left() if _active is not None else ""


def bulk() -> bool:
    """Whether the import run inside ``writing_beside()`` ends with a rebuild of the
    whole index (so that its batches need not be written)."""
    return _active is not None and _active.bulk


def expect(stories: int) -> None:
    """An import run inside ``writing_beside()`` announces how many stories it is about
    to import (at least): enough of them make it a bulk run from the start."""
    if _active is not None:
        _active.expect(stories)


def submit(ids) -> None:
    """Hand ``ids`` to the worker (the ``articles_changed`` listener calls this)."""
    assert _active is not None
    _active.submit(ids)


def record(ids, copies=()) -> None:
    """Inside an import's transaction, before it commits: record ``ids`` (its new
    articles), ``copies`` (older ones it changed) and whatever else the transaction queued
    for the index as owed to it, in the same transaction. The index write that follows
    the commit drops the records; a process killed in between leaves them to the next
    write (``heal``)."""
    from ..signals import queued

    pending.add_pending({*ids, *copies, *queued()}, renew=True)


def heal() -> int:
    """Write what earlier runs left owed to the index (killed after a commit, or their
    write failed); a bulk run leaves it to its rebuild. Returns the articles written."""
    if bulk():
        return 0
    return index.write_pending()


def unwritten(ids) -> dict[int, str]:
    """{id: why} for those of ``ids`` whose index write failed (those recorded without a
    reason are on their way to the index, by another process's write)."""
    return {aid: why for aid, why in pending.pending_reasons(ids).items() if why}


def _shareable() -> bool:
    """Whether another process sees what this one commits."""
    if connection.in_atomic_block:
        return False  # inside a caller's transaction: the worker would not see the rows
    if connection.vendor != "sqlite":
        return True
    name = str(connection.settings_dict.get("NAME") or "")
    return bool(name) and ":memory:" not in name and "mode=memory" not in name


@contextmanager
def writing_beside():
    """Index writes of the block go to a worker process; on exit, wait for it to finish
    (and, after a bulk run, for the rebuild). Yields whether a worker process is used."""
    global _active
    if _active is not None or connection.in_atomic_block:
        # Nested, or inside a caller's transaction: the ids are announced at its commit.
        yield False
        return
    beside = _shareable() and not settings.ARCHIVE_INDEX_INLINE
    _active = _Feeder(beside)
    finished = False
    try:
        yield beside
        finished = True
    finally:
        feeder, _active = _active, None
        feeder.close(finished)
