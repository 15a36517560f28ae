"""Uploads queued and imported by the worker: the queue, the claim, the batch page, the caps."""

import gzip
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from archive import jobs
from archive.importer import Outcome
from archive.ingest.readers import PathProblem, unpacked_problem
from archive.models import Article, ImportBatch, UploadFile, UploadJob
from tests import curation_helpers
from tests.conftest import SEEDS
from tests.curation_helpers import make_article, messages_of

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client

URL = "/admin/archive/importbatch/upload/"
SEED = "000_f30beedecabb5a91.txt"
# The bomb of the report: 200,000 copies of one JSON line, 73 KB gzipped, 21 MB unpacked.
BOMB_LINE = b'{"title": "Bomb", "text": "' + b"x" * 80 + b'"}\n'


def bomb():
    data = gzip.compress(BOMB_LINE * 200_000, 9)
    assert 73 * 1024 <= len(data) < 74 * 1024
    return data


def story(n):
    return f"Story number {n}\n\nThe text of story number {n}, with a line of its own.".encode()


def upload(client, files, **fields):
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    return client.post(URL, {"files": uploads, **fields})


def run_worker():
    call_command("import_worker", "--once", verbosity=0)


def page_text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


# --- the queue ------------------------------------------------------------------------------


def test_upload_answers_at_once_with_a_queued_job_and_imports_nothing(curator_client, curator):
    files = [(f"s{n}.txt", story(n)) for n in range(3)] + [("big.jsonl.gz", bomb())]
    started = time.monotonic()
    response = upload(curator_client, files, label="Morning", outlet="Daily Bugle")
    elapsed = time.monotonic() - started
    job = UploadJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/archive/importbatch/{job.batch_id}/change/"
    assert elapsed < 2.0
    assert (job.status, job.files_total, job.files_done, job.outlet) == (
        "queued",
        4,
        0,
        "Daily Bugle",
    )
    assert (job.batch.origin, job.batch.user, job.batch.label) == ("upload", curator, "Morning")
    stored = [(f.position, f.name, bytes(f.data)) for f in job.files.all()]
    assert stored == [(n, name, data) for n, (name, data) in enumerate(files)]
    assert Article.objects.count() == 0
    assert job.batch.report == []


def test_the_worker_imports_queued_uploads_in_order_with_their_outlet(curator_client):
    upload(curator_client, [("a.txt", story(1))], outlet="Daily Bugle", label="first")
    upload(curator_client, [("b.txt", story(2)), ("c.txt", b"")], label="second")
    call_command("import_worker", "--once")
    first, second = ImportBatch.objects.order_by("id")
    assert [first.job.status, second.job.status] == ["done", "done"]
    assert [first.job.files_done, second.job.files_done] == [1, 2]
    assert (second.created_count, second.failed_count) == (1, 1)
    assert [(line["source"], line["status"]) for line in second.report] == [
        ("b.txt", "created"),
        ("c.txt", "failed"),
    ]
    article = Article.objects.get(batch=first)
    assert (article.status, article.outlet.name) == ("new", "Daily Bugle")
    assert first.job.attempts == 1
    assert first.job.finished >= first.job.started


def test_worker_prints_how_many_uploads_it_imported(curator_client, capsys):
    upload(curator_client, [("a.txt", story(1))])
    call_command("import_worker", "--once")
    call_command("import_worker", "--once")
    assert capsys.readouterr().out == "1 upload imported\n0 uploads imported\n"


# --- the claim ------------------------------------------------------------------------------


def queued_job(name="a.txt", data=b"Title\n\nText."):
    return jobs.queue_upload([(name, data)], label=name)


def test_two_claims_never_get_the_same_job():
    first, second = queued_job("a.txt"), queued_job("b.txt")
    claims = [jobs.claim_job(f"w{n}") for n in range(3)]
    assert [c.pk if c else None for c in claims] == [first.pk, second.pk, None]
    assert [(c.status, c.worker, c.attempts) for c in claims[:2]] == [
        ("running", "w0", 1),
        ("running", "w1", 1),
    ]


def test_a_claim_by_update_loses_to_the_claim_that_came_first():
    job = queued_job()
    now = timezone.now()
    claimed = {"status": "running", "worker": "second", "heartbeat": now}
    UploadJob.objects.filter(pk=job.pk).update(status="running", worker="first")
    # the second claimer saw the job queued a moment ago: its UPDATE changes nothing
    assert jobs.claim_by_update([job.pk], claimed) is None
    job.refresh_from_db()
    assert job.worker == "first"
    other = queued_job("b.txt")
    assert jobs.claim_by_update([job.pk, other.pk], claimed) == other.pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_claimers_share_the_jobs_out_without_overlap():
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory test database locks whole tables between threads: see below")
    created = [queued_job(f"s{n}.txt").pk for n in range(24)]
    claimed = {}
    errors = []
    start = threading.Barrier(3)

    def claimer(name):
        try:
            start.wait()
            mine = claimed.setdefault(name, [])
            while (job := jobs.claim_job(name)) is not None:
                mine.append(job.pk)
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(f"w{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    every = [pk for pks in claimed.values() for pk in pks]
    assert sorted(every) == sorted(created)  # each job claimed once, none twice
    workers = dict(UploadJob.objects.values_list("pk", "worker"))
    assert all(workers[pk] == name for name, pks in claimed.items() for pk in pks)


def test_a_job_whose_worker_vanished_is_queued_again_once_then_failed(curator_client):
    upload(curator_client, [("a.txt", story(1))])
    job = jobs.claim_job("lost")
    hour_ago = timezone.now() - timedelta(hours=1)
    UploadJob.objects.filter(pk=job.pk).update(heartbeat=hour_ago)
    assert jobs.requeue_stale(timeout=600) == (1, 0)
    job.refresh_from_db()
    assert (job.status, job.worker, job.attempts) == ("queued", "", 1)
    assert job.error == "Queued again: its worker gave no sign of life for 600 s."
    job = jobs.claim_job("lost again")
    UploadJob.objects.filter(pk=job.pk).update(heartbeat=hour_ago)
    assert jobs.requeue_stale(timeout=600) == (0, 1)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 2)
    assert job.error == ("The import stopped: its worker gave no sign of life for 600 s, 2 times.")
    page = curator_client.get(f"/admin/archive/importbatch/{job.batch_id}/change/")
    assert "Failed: The import stopped: its worker gave no sign of life" in page_text(page)


def test_a_running_job_with_a_recent_heartbeat_is_left_alone(curator_client):
    upload(curator_client, [("a.txt", story(1))])
    jobs.claim_job("busy")
    assert jobs.requeue_stale(timeout=600) == (0, 0)
    assert UploadJob.objects.get().status == "running"


def test_a_worker_asked_to_stop_gives_its_job_back_and_the_next_run_imports_it(curator_client):
    upload(curator_client, [(f"s{n}.txt", story(n)) for n in range(3)])
    job = jobs.claim_job("stopping")
    assert jobs.run_job(job, should_stop=lambda: True) == "queued"
    job.refresh_from_db()
    assert (job.status, job.worker, job.attempts) == ("queued", "", 0)
    assert Article.objects.count() == 0  # the chunk under way was rolled back
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.batch.created_count) == ("done", 1, 3)


def test_sigterm_stops_the_waiting_worker(monkeypatch, settings):
    settings.ARCHIVE_UPLOAD_POLL_SECONDS = 60

    class NotHandled(Exception):
        pass

    def fallback(signum, frame):
        raise NotHandled("the worker left SIGTERM to the default handler")

    previous = signal.signal(signal.SIGTERM, fallback)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    try:
        started = time.monotonic()
        timer.start()
        call_command("import_worker", verbosity=0)  # no --once: waits for uploads
        assert time.monotonic() - started < 5
        assert signal.getsignal(signal.SIGTERM) is fallback  # put back as it was
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, previous)


def test_an_import_that_breaks_fails_its_job_with_the_reason(curator_client, monkeypatch):
    upload(curator_client, [("a.txt", story(1))])

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("archive.importer.import_uploads", broken)
    run_worker()
    job = UploadJob.objects.get()
    assert (job.status, job.error) == ("failed", "RuntimeError: disk on fire")
    page = curator_client.get(f"/admin/archive/importbatch/{job.batch_id}/change/")
    assert "Failed: RuntimeError: disk on fire" in page_text(page)
    assert 'http-equiv="refresh"' not in page.content.decode()


def test_large_files_are_imported_and_committed_a_slice_at_a_time(curator_client, monkeypatch):
    """The files done show on the batch page while the rest are imported."""
    from archive import importer

    monkeypatch.setattr(jobs, "SLICE_BYTES", 150)
    upload(curator_client, [(f"s{n}.txt", story(n) * 2) for n in range(3)] + [("e.txt", b"")])
    real = importer.import_uploads
    seen = []

    def watched(items, **options):
        job = UploadJob.objects.get()
        seen.append(([name for name, _data in items], job.files_done, Article.objects.count()))
        return real(items, **options)

    monkeypatch.setattr(importer, "import_uploads", watched)
    run_worker()
    assert seen == [(["s0.txt"], 0, 0), (["s1.txt"], 1, 1), (["s2.txt", "e.txt"], 2, 2)]
    batch = ImportBatch.objects.get()
    assert (batch.created_count, batch.unchanged_count, batch.failed_count) == (3, 0, 1)
    assert [line["source"] for line in batch.report] == ["s0.txt", "s1.txt", "s2.txt", "e.txt"]
    assert batch.job.files_done == 4


def test_a_job_that_breaks_midway_keeps_the_report_of_what_was_saved(curator_client, monkeypatch):
    from archive import importer

    monkeypatch.setattr(jobs, "SLICE_BYTES", 150)
    upload(curator_client, [(f"s{n}.txt", story(n) * 2) for n in range(2)])
    real = importer.import_uploads

    def breaks_second(items, **options):
        if Article.objects.exists():
            raise RuntimeError("gone")
        return real(items, **options)

    monkeypatch.setattr(importer, "import_uploads", breaks_second)
    run_worker()
    batch = ImportBatch.objects.get()
    assert (batch.job.status, batch.job.files_done, batch.created_count) == ("failed", 1, 1)
    page = batch_page(curator_client, batch.pk)
    assert "Failed: RuntimeError: gone" in page_text(page)
    assert report_sources_of(page, "created") == ["s0.txt"]


def report_sources_of(page, status):
    pattern = f'<tr class="{status}"><td>{status}</td><td>([^<]*)</td>'
    return re.findall(pattern, page.content.decode())


def test_slices_hold_at_most_the_limit_or_one_larger_file():
    items = [("a", b"x" * 3), ("b", b"x" * 3), ("c", b"x" * 9), ("d", b"x")]
    items.insert(3, PathProblem("bad", "refused"))
    parts = [[getattr(i, "path", None) or i[0] for i in part] for part in jobs.slices(items, 6)]
    assert parts == [["a", "b"], ["c"], ["bad", "d"]]


def test_progress_counts_the_files_whose_stories_are_all_in():
    names = ["a.jsonl", "b.txt", "b.txt", "c.warc.gz", "d.txt"]
    job = UploadJob(pk=0, worker="w")
    progress = jobs.Progress(job, names, should_stop=lambda: False)
    seen = []
    for source in ["a.jsonl:1", "a.jsonl:2", "b.txt", "b.txt", "c.warc.gz#1", "c.warc.gz"]:
        progress(Outcome(source, "created"))
        seen.append(progress.done)
    assert seen == [0, 0, 2, 3, 3, 4]


# --- the batch page -------------------------------------------------------------------------


def batch_page(client, batch_id, query=""):
    return client.get(f"/admin/archive/importbatch/{batch_id}/change/{query}")


def test_the_batch_page_follows_the_job_queued_running_done(curator_client, settings):
    upload(curator_client, [("a.txt", story(1)), ("b.txt", story(2))])
    upload(curator_client, [("c.txt", story(3))], label="later")
    job = UploadJob.objects.order_by("id").last()
    refresh = '<meta http-equiv="refresh" content="3">'

    page = batch_page(curator_client, job.batch_id)
    assert "Queued: 1 file waiting for the import worker (1 upload ahead)." in page_text(page)
    assert refresh in page.content.decode()
    assert messages_of(page) == []

    UploadJob.objects.filter(pk=job.pk).update(status="running", files_done=0)
    UploadJob.objects.exclude(pk=job.pk).update(status="running", files_done=1)
    first = UploadJob.objects.order_by("id").first()
    page = batch_page(curator_client, first.batch_id)
    html = page.content.decode()
    assert "Running: 1 of 2 files done." in page_text(page)
    assert '<progress max="2" value="1">' in html
    assert refresh in html
    assert 'class="import-report"' not in html

    UploadJob.objects.update(status="queued", files_done=0)
    run_worker()
    page = batch_page(curator_client, job.batch_id)
    html = page.content.decode()
    assert "Done: 1 file processed; the report is below." in page_text(page)
    assert "http-equiv" not in html
    assert "<strong>1 created, 0 unchanged, 0 failed</strong>" in html
    assert messages_of(page) == ["1 created, 0 unchanged, 0 failed"]
    assert messages_of(batch_page(curator_client, job.batch_id)) == []  # told once


def test_the_batches_list_shows_each_upload_s_state(curator_client):
    upload(curator_client, [("a.txt", story(1)), ("b.txt", story(2))])
    upload(curator_client, [("c.txt", story(3))])
    ImportBatch.objects.create(origin="command")
    first, second = UploadJob.objects.order_by("id")
    UploadJob.objects.filter(pk=first.pk).update(status="running", files_done=1)
    html = curator_client.get("/admin/archive/importbatch/").content.decode()
    states = re.findall(r'<td class="field-upload_status">([^<]*)</td>', html)
    assert states == ["-", "queued", "running: 1 of 2 files"]  # newest first


def test_the_upload_form_states_the_unpacking_caps(curator_client):
    text = page_text(curator_client.get(URL))
    assert "a .gz file up to 16.0 MB unpacked, a JSON Lines file up to 10,000 lines." in text


def test_the_batch_page_has_no_inline_script(curator_client):
    upload(curator_client, [("a.txt", story(1))])
    html = batch_page(curator_client, UploadJob.objects.get().batch_id).content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


def report_batch(lines):
    batch = ImportBatch.objects.create(origin="command", label="big")
    batch.report = [
        {"source": f"f{n:03}.txt", "status": "failed", "reason": f"reason {n}"}
        for n in range(lines)
    ]
    batch.failed_count = lines
    batch.save()
    return batch


def report_sources(page):
    return re.findall(r'<tr class="failed"><td>failed</td><td>([^<]*)</td>', page.content.decode())


def test_the_report_is_shown_a_hundred_lines_a_page(curator_client):
    batch = report_batch(250)
    page = batch_page(curator_client, batch.pk)
    text = page_text(page)
    assert report_sources(page) == [f"f{n:03}.txt" for n in range(100)]
    assert "Lines 1–100 of 250" in text
    assert "Page 1 of 3" in text
    assert '<a href="?page=2" rel="next">' in page.content.decode()
    page = batch_page(curator_client, batch.pk, "?page=3&_changelist_filters=origin")
    assert report_sources(page) == [f"f{n:03}.txt" for n in range(200, 250)]
    assert "Lines 201–250 of 250" in page_text(page)
    assert '<a href="?_changelist_filters=origin&amp;page=2" rel="prev">' in (page.content.decode())
    assert len(report_sources(batch_page(curator_client, batch.pk, "?page=99"))) == 50
    assert report_sources(batch_page(curator_client, batch.pk, "?page=x"))[0] == "f000.txt"


def test_a_short_report_has_no_pager(curator_client):
    batch = report_batch(3)
    page = batch_page(curator_client, batch.pk)
    assert len(report_sources(page)) == 3
    assert "Page 1 of" not in page_text(page)
    assert "Lines 1–3 of 3" in page_text(page)


def test_the_stories_of_a_batch_are_listed_fifty_a_page(curator_client):
    batch = ImportBatch.objects.create(origin="upload")
    for n in range(120):
        make_article(f"Story {n}", batch=batch)
    make_article("Another batch's story")
    html = curator_client.get(f"/admin/archive/article/?batch={batch.pk}").content.decode()
    assert html.count('<th class="field-title">') == 50
    assert "120 articles" in html
    html = curator_client.get(f"/admin/archive/article/?batch={batch.pk}&p=3").content.decode()
    assert html.count('<th class="field-title">') == 20


def test_the_batch_page_reads_the_same_number_of_queries_whatever_the_report(
    curator_client, django_assert_max_num_queries
):
    small, big = report_batch(5), report_batch(2000)
    batch_page(curator_client, small.pk)
    with django_assert_max_num_queries(12):
        batch_page(curator_client, big.pk)


# --- the caps -------------------------------------------------------------------------------


def test_the_gzip_bomb_is_refused_with_the_reason_and_kept(curator_client):
    data = bomb()
    upload(curator_client, [("bomb.jsonl.gz", data), (SEED, (SEEDS / SEED).read_bytes())])
    started = time.monotonic()
    run_worker()
    assert time.monotonic() - started < 10
    job = UploadJob.objects.get()
    batch = job.batch
    assert (job.status, job.files_done) == ("done", 2)
    assert (batch.created_count, batch.unchanged_count, batch.failed_count) == (1, 0, 1)
    assert batch.report[0] == {
        "source": "bomb.jsonl.gz",
        "status": "failed",
        "reason": "decompressed size over 16 MB",
        "article_id": None,
        "title": "",
    }
    assert bytes(UploadFile.objects.get(name="bomb.jsonl.gz").data) == data  # nothing lost
    page = batch_page(curator_client, batch.pk)
    assert messages_of(page) == [
        "1 created, 0 unchanged, 1 failed",
        "FAILED bomb.jsonl.gz: decompressed size over 16 MB",
    ]
    assert len(page.content) < 30_000


def test_a_json_lines_file_over_the_record_cap_is_refused(curator_client, settings):
    settings.ARCHIVE_MAX_FILE_RECORDS = 3
    lines = b"".join(b'{"title": "T%d", "text": "Text of story %d."}\n' % (n, n) for n in range(4))
    upload(
        curator_client, [("four.jsonl", lines), ("three.jsonl", lines[: lines.index(b"T3") - 12])]
    )
    run_worker()
    batch = ImportBatch.objects.get()
    assert [(line["source"], line["status"], line["reason"]) for line in batch.report] == [
        ("four.jsonl", "failed", "too many records: more than 3 lines"),
        ("three.jsonl:1", "created", ""),
        ("three.jsonl:2", "created", ""),
        ("three.jsonl:3", "created", ""),
    ]


@pytest.mark.parametrize(
    "name, data, expected",
    [
        (
            "story.txt.gz",
            gzip.compress(b"Title\n\n" + b"words " * 200_000),
            "decompressed size over 1 MB",
        ),
        ("story.txt.gz", gzip.compress(b"Title\n\n" + b"words " * 150_000), None),
        ("s.jsonl.gz", gzip.compress(BOMB_LINE * 5), "too many records: more than 4 lines"),
        ("s.jsonl.gz", gzip.compress(BOMB_LINE * 4), None),
        ("s.jsonl.gz", gzip.compress(BOMB_LINE * 4 + b"{}"), "too many records: more than 4 lines"),
        ("s.jsonl", BOMB_LINE * 5, "too many records: more than 4 lines"),
        ("s.jsonl", BOMB_LINE * 4, None),
        (
            "page.warc.gz",
            gzip.compress(b"WARC/1.0\r\n" + b"x" * 1_100_000),
            "decompressed size over 1 MB",
        ),
        ("broken.jsonl.gz", gzip.compress(BOMB_LINE * 5)[:30], None),  # the reader says why
        ("notes.txt", b"Title\n" * 5, None),  # lines count only in JSON Lines
    ],
)
def test_unpacked_problem(name, data, expected):
    assert unpacked_problem(data, name, max_bytes=1 << 20, max_records=4) == expected


CLAIMER = """
import os, time
from archive import jobs
while not os.path.exists(os.environ["GO"]):
    time.sleep(0.01)
mine = []
while (job := jobs.claim_job(os.environ["WORKER"])) is not None:
    mine.append(job.pk)
print(" ".join(map(str, mine)))
"""


def test_concurrent_claimers_on_a_sqlite_file_share_the_jobs_out_without_overlap(tmp_path):
    """Three worker processes on one SQLite file (WAL, as served) claim 60 jobs at once."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's claim; PostgreSQL's is raced by the test above")
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ARCHIVE_VAR_DIR=str(tmp_path / "var"), GO=str(tmp_path / "go"))
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=root)
    queue = "from archive import jobs\nfor n in range(60): jobs.queue_upload([(f's{n}.txt', b'x')])"
    subprocess.run([*manage, "shell", "-c", queue], env=env, check=True, cwd=root)
    claimers = [
        subprocess.Popen(
            [*manage, "shell", "--no-imports", "-c", CLAIMER],
            env={**env, "WORKER": f"w{n}"},
            cwd=root,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    time.sleep(2)  # all three started
    (tmp_path / "go").touch()
    outputs = [p.communicate(timeout=60)[0] for p in claimers]
    assert [p.returncode for p in claimers] == [0, 0, 0]
    claimed = [int(pk) for out in outputs for pk in out.split()]
    assert sorted(claimed) == list(range(1, 61))  # each job once, none twice
