"""Uploads imported outside the web request: a queue in the database, drained by workers.

The upload form stores the files (``UploadFile`` rows: in the database, so that a worker on
another machine reads them) and queues an ``UploadJob`` with an empty batch, and answers at
once with the batch page. ``manage.py import_worker`` claims queued jobs one at a time and
imports them with the same importer as ``import_articles --review``, writing the files done
as it goes. A claim is atomic: ``SELECT ... FOR UPDATE SKIP LOCKED`` where the database has
it (PostgreSQL: workers on several machines never wait for each other), else an
``UPDATE ... WHERE status = 'queued'`` that only one claimer can win (SQLite, where one
writer at a time holds the database anyway). A job whose worker stopped giving signs of life
(killed, machine lost) is queued again, once; then it is failed. The importer is idempotent,
so a job imported again changes nothing that its first attempt saved.

A worker asked to stop (SIGTERM, SIGINT) gives its job back to the queue at the next story:
the chunk being saved is rolled back, what was committed stays, and the next claim goes on.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import importer
from .importer import ImportResult
from .ingest.readers import PathProblem, unpacked_problem
from .models import ImportBatch, UploadFile, UploadJob

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # a job whose worker vanished is queued again once, then failed
HEARTBEAT_SECONDS = 2.0  # progress and the heartbeat are written at most this often
# Input bytes imported (and committed) at a time: a few seconds of extraction at most.
SLICE_BYTES = 4 * 1024 * 1024
Status = UploadJob.Status


class Stopping(Exception):
    """Raised inside an import when its worker is asked to stop: the job goes back."""


def worker_name() -> str:
    """A name for this worker process, unique across machines and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def queue_upload(items: Iterable, *, user=None, label: str = "", outlet: str = "") -> UploadJob:
    """Store uploaded files and queue their import; returns the queued job.

    ``items`` are (name, bytes) pairs and ``PathProblem``s (files refused unread), taken one
    at a time so that only one file's bytes are held at once. The job's batch exists from
    now on, empty until a worker imports the files.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.create(origin="upload", user=user, label=label[:300])
        job = UploadJob.objects.create(batch=batch, outlet=(outlet or "")[:200])
        total = 0
        for position, item in enumerate(items):
            if isinstance(item, PathProblem):
                row = UploadFile(name=item.path[:300], refused=item.reason[:300])
            else:
                name, data = item
                row = UploadFile(name=name[:300], size=len(data), data=data)
            row.job, row.position = job, position
            row.save()
            total += 1
        job.files_total = total
        job.save(update_fields=["files_total"])
    return job


def claim_job(worker: str) -> UploadJob | None:
    """The oldest queued job, now running for ``worker``; None when the queue is empty.
    Two claims never get the same job."""
    now = timezone.now()
    claimed = {
        "status": Status.RUNNING,
        "worker": worker,
        "started": now,
        "heartbeat": now,
        "finished": None,
        "attempts": F("attempts") + 1,
    }
    queued = UploadJob.objects.filter(status=Status.QUEUED).order_by("created", "id")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            pk = queued.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
            if pk is None:
                return None
            UploadJob.objects.filter(pk=pk).update(**claimed)
    else:
        pk = claim_by_update(queued.values_list("pk", flat=True)[:10], claimed)
        if pk is None:
            return None
    return UploadJob.objects.select_related("batch").get(pk=pk)


def claim_by_update(candidates: Iterable[int], claimed: dict) -> int | None:
    """The first of ``candidates`` still queued, claimed with a conditional UPDATE: of two
    claimers that saw the same job, the one whose UPDATE comes second changes no row."""
    for pk in candidates:
        if UploadJob.objects.filter(pk=pk, status=Status.QUEUED).update(**claimed):
            return pk
    return None


def requeue_stale(timeout: float | None = None) -> tuple[int, int]:
    """Take back the running jobs whose worker gave no sign of life for ``timeout`` seconds:
    queued again if they have an attempt left, else failed. Returns (queued, failed)."""
    timeout = settings.ARCHIVE_UPLOAD_JOB_TIMEOUT if timeout is None else timeout
    now = timezone.now()
    stale = UploadJob.objects.filter(
        status=Status.RUNNING, heartbeat__lt=now - timedelta(seconds=timeout)
    )
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED,
        finished=now,
        error=f"The import stopped: its worker gave no sign of life for {timeout:g} s, "
        f"{MAX_ATTEMPTS} times.",
    )
    queued = stale.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=Status.QUEUED,
        worker="",
        error=f"Queued again: its worker gave no sign of life for {timeout:g} s.",
    )
    if queued or failed:
        log.warning("upload jobs taken back: %d queued again, %d failed", queued, failed)
    return queued, failed


def job_items(job: UploadJob) -> list:
    """The job's files as importer items: (name, bytes) pairs, and ``PathProblem``s for the
    files refused at upload or by the unpacking limits (kept as received all the same)."""
    items = []
    files = job.files.order_by("position")
    for pk in files.values_list("pk", flat=True):
        row = files.get(pk=pk)  # one file's bytes at a time besides the items
        if row.refused:
            items.append(PathProblem(row.name, row.refused))
            continue
        data = bytes(row.data)
        problem = unpacked_problem(
            data,
            row.name,
            max_bytes=settings.ARCHIVE_MAX_UNPACKED_BYTES,
            max_records=settings.ARCHIVE_MAX_FILE_RECORDS,
        )
        items.append(PathProblem(row.name, problem) if problem else (row.name, data))
    return items


def _belongs(source: str, name: str) -> bool:
    """Whether a story's ``source`` comes from the file ``name`` (``name:line`` for JSON
    Lines, ``name#record`` for WARC)."""
    return source == name or (source.startswith(name) and source[len(name)] in ":#")


class Progress:
    """The importer's progress callback for a job: files done, a heartbeat, and the stop."""

    def __init__(self, job: UploadJob, names: list[str], should_stop: Callable[[], bool]):
        self.job, self.names, self.should_stop = job, names, should_stop
        self.index = 0  # the file the last story came from
        self.done = 0
        self.written = time.monotonic()

    def __call__(self, outcome) -> None:
        if self.should_stop():
            raise Stopping
        i = self.index
        while i < len(self.names) and not _belongs(outcome.source, self.names[i]):
            i += 1
        if i == len(self.names):
            return  # not one of ours (cannot happen): leave the count as it is
        # a story named exactly as its file ends that file (a single story, or the
        # whole-file error that closes a multi-record file)
        self.index = i + 1 if outcome.source == self.names[i] else i
        self.done = max(self.done, self.index)
        if time.monotonic() - self.written >= HEARTBEAT_SECONDS:
            self.write()

    def write(self) -> None:
        # Inside the importer's chunk transaction: seen when the chunk commits (seconds).
        UploadJob.objects.filter(pk=self.job.pk, worker=self.job.worker).update(
            files_done=self.done, heartbeat=timezone.now()
        )
        self.written = time.monotonic()


def slices(items: list, limit: int | None = None) -> Iterator[list]:
    """Consecutive runs of ``items`` of at most ``limit`` input bytes (``SLICE_BYTES``; a
    larger file alone). Each is imported, and committed, before the next: the files done
    show on the batch page as they are done, and an upload of large files (seconds of
    extraction each) never holds one transaction, and SQLite's write lock, for them all.
    An upload of small files stays one run."""
    limit = SLICE_BYTES if limit is None else limit
    part, size = [], 0
    for item in items:
        length = 0 if isinstance(item, PathProblem) else len(item[1])
        if part and size + length > limit:
            yield part
            part, size = [], 0
        part.append(item)
        size += length
    if part:
        yield part


def record(batch: ImportBatch, outcomes: list) -> None:
    """The whole job's report in its batch (each run of a slice wrote its own)."""
    result = ImportResult(outcomes=outcomes)
    batch.created_count = result.created
    batch.unchanged_count = result.unchanged
    batch.failed_count = result.failed
    batch.report = [o.as_dict() for o in outcomes]
    batch.save(update_fields=["created_count", "unchanged_count", "failed_count", "report"])


def run_job(job: UploadJob, should_stop: Callable[[], bool] = lambda: False) -> str:
    """Import a claimed job's files into its batch; returns the job's new status (queued
    again when the worker was asked to stop)."""
    mine = UploadJob.objects.filter(pk=job.pk, worker=job.worker)
    outcomes = []
    try:
        items = job_items(job)
        names = [item.path if isinstance(item, PathProblem) else item[0] for item in items]
        progress = Progress(job, names, should_stop)
        done = 0
        for part in slices(items):
            result = importer.import_uploads(
                part,
                review=True,
                user=job.batch.user,
                label=job.batch.label,
                outlet=job.outlet or None,
                batch=job.batch,
                progress=progress,
            )
            outcomes += result.outcomes
            done += len(part)
            progress.done = done
            progress.write()  # committed at once: outside the importer's transactions
    except Stopping:
        mine.update(status=Status.QUEUED, worker="", attempts=F("attempts") - 1)
        log.info("upload job %s given back to the queue", job.pk)
        return Status.QUEUED
    except Exception as exc:
        log.exception("upload job %s failed", job.pk)
        record(job.batch, outcomes)  # what was saved before
        mine.update(
            status=Status.FAILED, finished=timezone.now(), error=f"{type(exc).__name__}: {exc}"
        )
        return Status.FAILED
    record(job.batch, outcomes)
    mine.update(status=Status.DONE, files_done=job.files_total, finished=timezone.now(), error="")
    return Status.DONE


def work(
    *,
    once: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
    worker: str | None = None,
) -> int:
    """Claim and import queued jobs until asked to stop (``once``: until the queue is
    empty). Returns the number of jobs run."""
    worker = worker or worker_name()
    poll = float(settings.ARCHIVE_UPLOAD_POLL_SECONDS)
    ran = 0
    while not should_stop():
        if not connection.in_atomic_block:  # (a test runs the worker inside its transaction)
            close_old_connections()  # a long-lived process: drop a connection gone stale
        try:
            requeue_stale()
            job = claim_job(worker)
        except Exception:
            if once:
                raise
            log.exception("the upload queue cannot be read; trying again in %g s", poll)
            sleep(poll)
            continue
        if job is None:
            if once:
                break
            sleep(poll)
            continue
        log.info("upload job %s: %d files (batch %s)", job.pk, job.files_total, job.batch_id)
        status = run_job(job, should_stop)
        ran += status != Status.QUEUED
        log.info("upload job %s %s", job.pk, status)
    return ran
