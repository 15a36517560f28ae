"""The import's index writes in a second process: nothing lost, whatever happens to it."""

import subprocess
import sys

import pytest

from archive import importer
from archive.models import Article
from search import source
from search.engine import background, index

from .conftest import ROOT, SEEDS


@pytest.fixture
def small_chunks(settings):
    settings.ARCHIVE_IMPORT_CHUNK = 2  # five seeds: three commits, three batches


@pytest.mark.django_db(transaction=True)
def test_import_beside_a_worker_indexes_every_story(small_chunks):
    with background.writing_beside() as used:
        result = importer.import_paths([str(SEEDS)])
    assert result.created == 5
    # The in-memory SQLite test database cannot be shared: the block writes in-process.
    from django.db import connection

    assert used is (connection.vendor != "sqlite")
    report = index.check()
    assert report.missing == set() and report.extra == set()
    assert report.indexed == 5


@pytest.mark.django_db
def test_batches_a_dead_worker_did_not_confirm_are_written_here(monkeypatch, seeded):
    written = []
    monkeypatch.setattr(index, "update_articles", lambda ids: written.append(sorted(ids)))

    class DeadProcess:
        exitcode = -9

        def is_alive(self):
            return False

    feeder = background._Feeder()
    feeder.submit([1, 2])  # the first batch is written here, no worker yet
    feeder.process = DeadProcess()
    feeder.unconfirmed = [[3, 4], [5]]  # sent to the worker before it died
    feeder.submit([6])
    assert written == [[1, 2], [3, 4], [5], [6]]
    feeder.close()
    assert written == [[1, 2], [3, 4], [5], [6]]


def test_command_indexes_in_a_second_process_on_a_file_database(tmp_path):
    """End to end on a file database, as `make run` uses: every story searchable."""
    env = {
        "PATH": "/usr/bin:/bin",
        "ARCHIVE_VAR_DIR": str(tmp_path / "var"),
        "ARCHIVE_IMPORT_CHUNK": "2",
        "DJANGO_SETTINGS_MODULE": "archive.settings",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert manage("migrate", "-v0").returncode == 0
    done = manage("import_articles", "--no-progress", str(SEEDS))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[0] == "5 created, 0 unchanged, 0 failed"
    checked = manage("check_index")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "5 published" in checked.stdout or "5" in checked.stdout


def test_no_worker_inside_a_callers_transaction(db):
    assert Article.objects.count() == 0
    with background.writing_beside() as used:
        assert used is False


def test_incremental_writes_merge_only_segments_of_one_size(tmp_path, monkeypatch):
    from whoosh import fields as wf
    from whoosh import index as wi

    ix = wi.create_in(str(tmp_path), wf.Schema(n=wf.ID(stored=True)))
    monkeypatch.setattr(index, "MERGE_UP_TO", 10)

    def write(count, start):
        writer = ix.writer()
        for i in range(start, start + count):
            writer.add_document(n=str(i))
        writer.commit(mergetype=index.merge_tiers)
        return sorted(s.doc_count_all() for s in ix.refresh()._segments())

    assert write(2, 0) == [2]
    assert write(2, 2) == [2, 2]
    assert write(2, 4) == [2, 2, 2]
    assert write(2, 6) == [2, 2, 2, 2]
    # a commit finding four segments of one size merges them with its own documents
    assert write(2, 8) == [10]
    # a merge never goes past MERGE_UP_TO documents: these segments stay apart
    assert write(8, 10) == [8, 10]
    assert write(8, 18) == [8, 8, 10]
    assert write(8, 26) == [8, 8, 8, 10]
    assert write(8, 34) == [8, 8, 8, 8, 10]
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 42


def _segments():
    return len(index.open_index()._segments())


@pytest.mark.django_db(transaction=True)
def test_a_large_run_rebuilds_the_index_once_instead_of_writing_chunks(
    settings, small_chunks, monkeypatch
):
    settings.ARCHIVE_INDEX_BULK_MIN = 3  # five seeds, an empty archive: a bulk run
    old = index.ensure_index() and index.live_dir()
    looked_up = []  # the copies of a chunk's stories, needed only to write the chunk
    with_copies = source.with_copies
    monkeypatch.setattr(
        source, "with_copies", lambda ids: looked_up.append(ids) or with_copies(ids)
    )
    with background.writing_beside():
        assert not background.bulk()
        result = importer.import_paths([str(SEEDS)])
        assert background.bulk()
        assert background.work_left() == "rebuild"  # what the progress bar tells
    assert not background.bulk()
    assert result.created == 5 and looked_up == []
    assert background.work_left() == ""
    # A fresh generation swapped in, built in one commit: one segment, not one per chunk.
    assert index.live_dir() != old
    assert _segments() == 1
    assert not background.bulk_unfinished()
    report = index.check()
    assert report.ok and report.indexed == 5


@pytest.mark.django_db(transaction=True)
def test_a_small_run_writes_the_index_per_chunk(settings, small_chunks, monkeypatch):
    settings.ARCHIVE_INDEX_BULK_MIN = 6
    old = index.ensure_index() and index.live_dir()
    looked_up = []
    with_copies = source.with_copies
    monkeypatch.setattr(
        source, "with_copies", lambda ids: looked_up.append(ids) or with_copies(ids)
    )
    with background.writing_beside():
        importer.import_paths([str(SEEDS)])
        assert background.work_left() in ("batches", "")  # never a rebuild
    assert index.live_dir() == old
    assert looked_up == []  # the importer lists the copies whose cluster it changed
    # Written per chunk of two stories: a segment per write, no single rebuilt one (a
    # worker that falls behind writes the chunks waiting for it together).
    assert _segments() > 1
    assert not background.bulk_unfinished()
    assert index.check().ok


@pytest.mark.django_db(transaction=True)
def test_the_run_after_a_killed_bulk_run_rebuilds_the_index(settings, small_chunks, monkeypatch):
    settings.ARCHIVE_INDEX_BULK_MIN = 3
    # The run stops (SIGKILL) before the end of its block: no rebuild, the marker stays.
    with monkeypatch.context() as patch:
        patch.setattr(background._Feeder, "close", lambda self, finished=True: None)
        with background.writing_beside():
            importer.import_paths([str(SEEDS)])
    assert background.bulk_unfinished()
    report = index.check()
    assert len(report.missing) == 5
    # Searches went on meanwhile on the old index; a later small run (the same stories
    # again, all unchanged) ends with the rebuild the killed one did not make.
    settings.ARCHIVE_INDEX_BULK_MIN = 100
    with background.writing_beside():
        again = importer.import_paths([str(SEEDS)])
    assert again.unchanged == 5
    assert not background.bulk_unfinished()
    report = index.check()
    assert report.ok and report.indexed == 5


@pytest.mark.django_db(transaction=True)
def test_a_run_goes_bulk_once_it_has_as_many_stories_as_the_archive(settings, monkeypatch):
    from tests.search_helpers import article

    for n in range(4):
        article(f"Story {n}", "Text")
    settings.ARCHIVE_INDEX_BULK_MIN = 2
    written, rebuilt = [], []
    monkeypatch.setattr(index, "update_articles", lambda ids: written.append(sorted(ids)))
    monkeypatch.setattr(index, "rebuild", lambda: rebuilt.append(True))
    feeder = background._Feeder(beside=False)
    assert feeder.bulk_threshold == 4  # the archive's four published stories
    feeder.expect(3)  # three files announced: not enough yet
    feeder.submit([11, 12])
    feeder.submit([13, 14])  # the run reaches the archive's size: bulk from here on
    feeder.submit([15])
    assert written == [[11, 12]]
    assert background.bulk_unfinished()
    feeder.close()
    assert rebuilt == [True]
    assert not background.bulk_unfinished()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_run_that_changed_nothing_does_not_rebuild(settings, monkeypatch):
    settings.ARCHIVE_INDEX_BULK_MIN = 2
    rebuilt = []
    monkeypatch.setattr(index, "rebuild", lambda: rebuilt.append(True))
    feeder = background._Feeder(beside=False)
    feeder.expect(10)
    assert background.bulk_unfinished()
    feeder.close()
    assert rebuilt == []
    assert not background.bulk_unfinished()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_run_stopped_by_an_error_leaves_the_rebuild_to_the_next_run(settings, monkeypatch):
    settings.ARCHIVE_INDEX_BULK_MIN = 2
    settings.ARCHIVE_INDEX_INLINE = True  # the rebuild in this process
    rebuilt = []
    monkeypatch.setattr(index, "rebuild", lambda: rebuilt.append(True))
    with pytest.raises(KeyboardInterrupt), background.writing_beside():
        background.expect(5)
        background.submit([1, 2, 3])
        raise KeyboardInterrupt
    assert rebuilt == []
    assert background.bulk_unfinished()
    with background.writing_beside():
        pass  # nothing imported, but the stopped run's stories are still to be indexed
    assert rebuilt == [True]
    assert not background.bulk_unfinished()
