"""The import's index writes in a second process: nothing lost, whatever happens to it."""

import subprocess
import sys

import pytest

from archive import importer
from archive.models import Article
from search import background, index

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
