"""Reading and extraction of an import's files in worker processes, in input order.

Reading a file and extracting its story (``pipeline.extract``) and copy signature
(``dedupe.signature``) depend only on the file and on the names the archive already knows
(``people.KnownNames``), which grow as the import saves stories. ``ExtractionPool`` hands
the files to worker processes in tasks of a few files, each with the names added since
the worker's last task, and yields every story back in input order with its ``Prepared``
extraction while the importing process saves the stories before it. Only the people found
(and the quotes, which follow them) depend on the names known: a prepared extraction notes
the names it looked up, and unless ``Prepared.holds`` (none of them changed since the task
left) the importer finds the story's people again (``pipeline.refresh_people``), so an
import gives the same archive with and without the pool.

Without workers (``workers=0``, or a worker that dies) the same items are read in this
process, and every story comes with ``prepared=None``: the importer extracts it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from . import dedupe, pipeline
from .namekeys import KnownNames
from .readers import PathProblem, RawStory, ReadError, RecordError, read_bytes, read_path

log = logging.getLogger("archive.importer")

TASK_ITEMS = 20  # files per task: small, so that the names a task carries are recent
PART = 20  # stories per message from a worker (a multi-record file streams in parts)
AHEAD = 4  # tasks in flight per worker: enough to keep it busy while a chunk is saved
POLL = 1.0  # seconds between checks that the other side is still alive
# Scheduling priority of the workers, below the importing process's: every story waits
# for that one process to save it, so it runs whenever it has work, and the workers take
# the rest of the cores (on two cores, three busy processes at one priority left the
# importing process waiting for a core about a sixth of the time).
WORKER_NICE = 10


def read_items(items: Iterable, max_bytes: int) -> Iterator[tuple[str, object]]:
    """(source, RawStory, ReadError) for each story of each input item (a path, a
    ``PathProblem`` or a (name, bytes) pair), in order. A file that cannot be read gives one
    ``ReadError``; a bad record of a multi-record file gives one of its own."""
    for item in items:
        if isinstance(item, PathProblem):
            yield item.path, item.as_error()
            continue
        name, data = item if isinstance(item, tuple) else (str(item), None)
        try:
            raws = (
                read_path(item, max_bytes=max_bytes)
                if data is None
                else read_bytes(data, name, max_bytes=max_bytes)
            )
        except ReadError as exc:
            yield name, exc
            continue
        except Exception as exc:  # a reader bug must not stop the batch
            log.exception("reader failed on %s", name)
            yield name, ReadError(f"unreadable: {type(exc).__name__}: {exc}")
            continue
        # a multi-record file (JSON Lines, WARC) streams; a bad record fails on its own
        for raw in raws:
            if isinstance(raw, RecordError):
                yield raw.source, ReadError(raw.reason)
            else:
                yield raw.source, raw


@dataclass
class Prepared:
    """A story's extraction done ahead by a worker: the ``Story`` (or the ``ExtractionError``
    message) and the copy signature, with the name keys looked up on the way."""

    story: pipeline.Story | None
    error: str = ""
    signature: dedupe.Signature | None = None
    asked_full: frozenset = frozenset()
    asked_surnames: frozenset = frozenset()
    # set by the importing process: the names the worker had (object and version)
    known: KnownNames | None = field(default=None, repr=False)
    version: int = 0

    def holds(self, known: KnownNames) -> bool:
        """Whether extracting the story now, with ``known``, would find the same people
        (the rest of the extraction does not depend on the names known)."""
        return known is self.known and not known.changed_since(
            self.version, self.asked_full, self.asked_surnames
        )


def prepare(raw: RawStory, outlet_hint: str | None, known: KnownNames) -> Prepared | None:
    """Extract ``raw`` with ``known``; None when extraction failed unexpectedly (the
    importing process then extracts it and reports the failure itself)."""
    view = known.recording()
    try:
        story = pipeline.extract(raw, outlet_hint=outlet_hint, known=view)
        sig = dedupe.signature(f"{story.standfirst}\n{story.body}")
    except pipeline.ExtractionError as exc:
        return Prepared(None, str(exc))
    except Exception:
        return None
    return Prepared(story, "", sig, frozenset(view.full.asked), frozenset(view.surnames.asked))


def _parent_gone(parent: int) -> bool:
    return os.getppid() != parent


def _work(tasks, results, outlet_hint: str | None, skip: frozenset, parent: int) -> None:
    """A worker: read and extract the items of each task, sending the stories in parts."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the importing process
    os.nice(WORKER_NICE)
    # On leaving, do not wait for the results still queued: a parent that is gone reads
    # none of them.
    results.cancel_join_thread()
    known = KnownNames()

    def send(message) -> bool:
        while True:
            try:
                results.put(message, timeout=POLL)
                return True
            except queue.Full:
                if _parent_gone(parent):
                    return False

    while True:
        try:
            task = tasks.get(timeout=POLL)
        except queue.Empty:
            if _parent_gone(parent):
                return
            continue
        if task is None:
            return
        reset, names, items, max_bytes = task
        if reset:
            known = KnownNames()
        for name in names:
            known.add(name)
        part = []
        try:
            for source, raw in read_items(items, max_bytes):
                prepared = None
                if isinstance(raw, RawStory) and _prefix(raw.content_hash) not in skip:
                    prepared = prepare(raw, outlet_hint, known)
                part.append((source, raw, prepared))
                if len(part) >= PART:
                    if not send(("part", part)):
                        return
                    part = []
        except Exception:  # the importing process reads the rest of the task itself
            log.exception("import worker failed")
            send(("part", part))
            send(("failed", None))
            continue
        if not send(("part", part)) or not send(("done", None)):
            return


def _prefix(digest: str) -> int | None:
    try:
        return int(digest[:15], 16)
    except ValueError:  # not a hash made by ``readers.content_hash``
        return None


def hash_prefixes(hashes: Iterable[str]) -> frozenset:
    """The short form of content hashes a worker checks to skip stories already archived
    (two hashes sharing one only cost an extraction in the importing process)."""
    return frozenset(_prefix(h) for h in hashes if h) - {None}


@dataclass
class _Task:
    start: int  # index of its first item in the pool's items
    items: list
    worker: int
    known: KnownNames
    version: int
    taken: int = 0  # stories of the task already yielded


class ExtractionPool:
    """Workers reading and extracting ``items`` ahead of the importing process.

    ``known()`` returns the importer's current ``KnownNames``; ``skip`` holds
    ``hash_prefixes`` of stories the archive already has (no need to extract them).
    Iterate over the pool for (source, RawStory or ReadError, Prepared or None) in input
    order; call ``feed()`` now and then while saving so the workers keep busy; ``close()``
    at the end (or use it as a context manager).
    """

    def __init__(
        self,
        items: list,
        *,
        workers: int,
        max_bytes: int,
        outlet_hint: str | None,
        known,
        skip: frozenset = frozenset(),
    ):
        self.items = items
        self.max_bytes = max_bytes
        self.known = known
        self.next_item = 0
        self.tasks: deque[_Task] = deque()
        self.procs = []
        self.inboxes = []
        self.outboxes = []
        self.sent: list[tuple[KnownNames | None, int]] = []
        self.turn = 0
        if workers <= 0:
            return
        ctx = multiprocessing.get_context("fork")
        for _ in range(workers):
            inbox, outbox = ctx.Queue(), ctx.Queue(maxsize=AHEAD * 2)
            proc = ctx.Process(
                target=_work,
                args=(inbox, outbox, outlet_hint, skip, os.getpid()),
                daemon=True,
            )
            proc.start()
            self.procs.append(proc)
            self.inboxes.append(inbox)
            self.outboxes.append(outbox)
            self.sent.append((None, 0))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def feed(self) -> None:
        """Send tasks until every worker has ``AHEAD`` in flight (or the items run out)."""
        if not self.procs:
            return
        while self.next_item < len(self.items) and len(self.tasks) < AHEAD * len(self.procs):
            w = self.turn % len(self.procs)
            self.turn += 1
            known = self.known()
            had, version = self.sent[w]
            reset = had is not known
            names = known.names if reset else known.names[version:]
            items = self.items[self.next_item : self.next_item + TASK_ITEMS]
            self.next_item += len(items)
            self.inboxes[w].put((reset, list(names), items, self.max_bytes))
            self.sent[w] = (known, known.version)
            self.tasks.append(_Task(self.next_item - len(items), items, w, known, known.version))

    def _receive(self, task: _Task):
        """The next message of ``task``'s worker; ("failed", None) if the worker died."""
        proc, outbox = self.procs[task.worker], self.outboxes[task.worker]
        while True:
            try:
                return outbox.get(timeout=POLL)
            except queue.Empty:
                if not proc.is_alive():
                    log.warning("import worker %s stopped; reading on in this process", proc.pid)
                    return "failed", None

    def _read_here(self, items: list, skip_first: int = 0):
        for n, (source, raw) in enumerate(read_items(items, self.max_bytes)):
            if n >= skip_first:
                yield source, raw, None

    def __iter__(self):
        if not self.procs:
            yield from self._read_here(self.items)
            return
        self.feed()
        while self.tasks:
            task = self.tasks[0]
            while True:
                kind, part = self._receive(task)
                if kind == "part":
                    for source, raw, prepared in part:
                        if prepared is not None:
                            prepared.known, prepared.version = task.known, task.version
                        task.taken += 1
                        yield source, raw, prepared
                    self.feed()
                    continue
                if kind == "failed":
                    # the rest of the task, and every later one, is read here
                    self.close()
                    yield from self._read_here(self.items[task.start :], task.taken)
                    return
                break  # done
            self.tasks.popleft()
            self.feed()

    def close(self) -> None:
        """Stop the workers (at once: what they did not send is not needed)."""
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join()
        for box in self.inboxes + self.outboxes:
            box.cancel_join_thread()
            box.close()
        self.procs, self.inboxes, self.outboxes = [], [], []
        self.tasks.clear()
