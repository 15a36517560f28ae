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
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from . import index

log = logging.getLogger(__name__)

_active: _Feeder | None = None
MAX_IDS = 2000  # articles written in one commit at most (bounds the worker's memory)


def _work(jobs, done, index_dir: str, db_name: str) -> None:
    """The worker: write each batch of ids to the index, confirm it, until ``None``."""
    import django

    django.setup()
    from django.db import connections

    settings.ARCHIVE_INDEX_DIR = index_dir
    connections["default"].settings_dict["NAME"] = db_name  # the importer's database
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


class _Feeder:
    """Starts the worker at the second batch: a short import writes in-process."""

    def __init__(self):
        self.process = None
        self.batches = 0
        self.unconfirmed: list[list[int]] = []  # batches sent, in order, not yet confirmed

    def _start(self):
        ctx = multiprocessing.get_context("spawn")
        self.jobs = ctx.Queue()
        self.done = ctx.Queue()
        self.process = ctx.Process(
            target=_work,
            args=(
                self.jobs,
                self.done,
                str(settings.ARCHIVE_INDEX_DIR),
                str(connection.settings_dict["NAME"]),
            ),
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
        self.batches += 1
        if self.process is None:
            if self.batches == 1:
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

    def close(self) -> None:
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


def submit(ids) -> None:
    """Hand ``ids`` to the worker (the ``articles_changed`` listener calls this)."""
    assert _active is not None
    _active.submit(ids)


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
    """Index writes of the block go to a worker process; on exit, wait for it to finish."""
    global _active
    if _active is not None or not _shareable() or os.environ.get("ARCHIVE_INDEX_INLINE"):
        yield False
        return
    _active = _Feeder()
    try:
        yield True
    finally:
        feeder, _active = _active, None
        feeder.close()
