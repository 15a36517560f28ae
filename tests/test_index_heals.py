"""The index heals: what a killed import or a failed write left out is written later, a
damaged index is found, said in one line and rebuilt, and a failing index never takes a
saved change (an import, a curator's action) down with it."""

import logging
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from archive.importer import import_paths
from archive.models import Article
from search import api, signals
from search.engine import index, pending
from search.models import PendingWrite

from .conftest import ROOT, SEEDS

pytestmark = pytest.mark.django_db


def indexed_ids():
    ix = index.open_index()
    with ix.searcher() as s:
        return {f["article_id"] for f in s.all_stored_fields() if f["key"].startswith("a")}


def segment_file(ext):
    (path,) = index.live_dir().glob(f"*{ext}")
    return path


@pytest.mark.parametrize(
    "damage, said",
    [
        ("truncate", ".pst is cut short"),
        ("delete", ".trm is missing"),
        ("stored", "._stored.col"),
    ],
)
def test_check_index_finds_a_damaged_segment_says_so_and_repair_rebuilds(
    seeded, capsys, damage, said
):
    ids = set(Article.objects.values_list("id", flat=True))
    call_command("check_index")
    assert capsys.readouterr().out.endswith("The index matches the database.\n")
    if damage == "truncate":
        path = segment_file(".pst")
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    elif damage == "delete":
        segment_file(".trm").unlink()
    else:
        path = segment_file("._stored.col")
        path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(CommandError) as excinfo:
        call_command("check_index")
    assert str(excinfo.value) == "The index is damaged; run check_index --repair to rebuild it."
    out = capsys.readouterr().out
    assert out.startswith(f"The index is damaged: {index.live_dir().name}: ")
    assert said in out and out.count("\n") == 1

    call_command("check_index", "--repair")
    assert capsys.readouterr().out.endswith("Rebuilt the index (5 published articles).\n")
    call_command("check_index")
    assert capsys.readouterr().out.endswith("The index matches the database.\n")
    assert indexed_ids() == ids
    assert len(api.article_ids("putin")) == 5


def test_the_command_says_one_line_and_no_traceback(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "ARCHIVE_VAR_DIR": str(tmp_path / "var"),
        "ARCHIVE_INDEX_INLINE": "1",
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
    assert manage("import_articles", "--no-progress", str(SEEDS)).returncode == 0
    (trm,) = (tmp_path / "var" / "index" / "current").glob("*.trm")
    trm.unlink()
    checked = manage("check_index")
    assert checked.returncode == 1
    assert checked.stdout.startswith("The index is damaged: ")
    assert checked.stdout.count("\n") == 1
    assert "Traceback" not in checked.stderr
    assert checked.stderr.strip().endswith("run check_index --repair to rebuild it.")
    repaired = manage("check_index", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert manage("check_index").stdout.endswith("The index matches the database.\n")


def test_search_over_a_damaged_index_is_a_503_with_a_message(client, seeded, caplog):
    segment_file(".trm").unlink()
    with caplog.at_level(logging.ERROR, logger="search.views"):
        response = client.get("/search/", {"q": "putin"})
    assert response.status_code == 503
    text = response.content.decode()
    assert "Search is unavailable at the moment: the search index cannot be read." in text
    assert "search failed for 'putin': the index cannot be read" in caplog.text


def test_a_run_after_a_kill_writes_what_the_killed_run_committed(
    seeds_dir, settings, capsys, django_capture_on_commit_callbacks
):
    settings.ARCHIVE_IMPORT_CHUNK = 2
    files = sorted(seeds_dir.iterdir())
    with django_capture_on_commit_callbacks(execute=True):
        import_paths([str(files[0])])
    # Killed after its chunks committed, before their index writes (the callbacks after
    # commit never run): the index lacks them, and the run's articles are recorded.
    with django_capture_on_commit_callbacks(execute=False):
        killed = import_paths([str(seeds_dir)])
    assert (killed.created, killed.unchanged) == (4, 1)
    lost = {o.article_id for o in killed.outcomes if o.status == "created"}
    signals._pending().clear()  # (what the killed process held in memory)
    assert index.check().missing == lost
    assert pending.pending_ids() >= lost

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", "--no-progress", str(seeds_dir))
    assert capsys.readouterr().out == "0 created, 5 unchanged, 0 failed\n"
    report = index.check()
    assert report.ok, (report.missing, report.stale, report.pending)
    assert pending.pending_ids() == set()
    assert PendingWrite.objects.count() == 0


def test_an_index_that_cannot_be_written_keeps_the_ids_and_the_summary(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    env = {
        "PATH": "/usr/bin:/bin",
        "ARCHIVE_VAR_DIR": str(tmp_path / "var"),
        "ARCHIVE_INDEX_DIR": str(blocker / "index"),  # mkdir fails: NotADirectoryError
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
    assert done.returncode == 1
    assert done.stdout == "5 created, 0 unchanged, 0 failed\n"
    assert "Traceback" not in done.stderr
    error = done.stderr.strip().splitlines()[-1]
    assert error.startswith(
        "CommandError: the search index could not be written (NotADirectoryError: "
    )
    assert error.endswith(
        ": 5 of the 5 stories saved are kept to index later; fix the index directory and "
        "run `manage.py check_index --repair`"
    )
    kept = manage(
        "shell",
        "-v0",
        "-c",
        "from search.engine import pending; print(sorted(pending.pending_ids()))",
    )
    assert kept.stdout == "[1, 2, 3, 4, 5]\n"

    env["ARCHIVE_INDEX_DIR"] = str(tmp_path / "index")  # fixed
    assert manage("check_index", "--repair").returncode == 0
    checked = manage("check_index")
    assert "5 published, 5 indexed: 0 missing, 0 stale, 0 extra, 0 pending" in checked.stdout
    assert checked.stdout.endswith("The index matches the database.\n")


def test_a_write_after_a_failed_one_takes_the_kept_ids_along(seeded, tmp_path, settings):
    first, second = Article.objects.order_by("id")[:2]
    good = settings.ARCHIVE_INDEX_DIR
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    settings.ARCHIVE_INDEX_DIR = blocker / "index"
    Article.objects.filter(pk=first.pk).update(title="Retitled while the disk was away")
    index.take_failures()  # (those of earlier tests in this thread)
    assert index.update_articles([first.pk]) == 0
    assert pending.pending_ids() == {first.pk}
    (failure,) = index.take_failures()
    assert failure.startswith("NotADirectoryError: ")
    settings.ARCHIVE_INDEX_DIR = good
    assert index.update_articles([second.pk]) == 2
    assert api.article_ids('"while the disk was away"') == [first.pk]
    assert pending.pending_ids() == set()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action, status", [("hide", "hidden"), ("publish", "published")])
def test_an_admin_action_the_index_cannot_follow_is_saved_with_a_warning(
    admin_client, tmp_path, settings, action, status
):
    from tests.curation_helpers import make_article

    story = make_article("Harbour talks end", status="new" if action == "publish" else "published")
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    settings.ARCHIVE_INDEX_DIR = blocker / "index"  # cannot be written
    response = admin_client.post(
        "/admin/archive/article/",
        {"action": action, "index": "0", "_selected_action": [story.pk]},
        follow=True,
    )
    assert response.status_code == 200
    story.refresh_from_db()
    assert story.status == status
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert shown[0][0] == "success"
    assert shown[1][0] == "warning"
    assert shown[1][1].startswith(
        "Saved. The search index could not be written (NotADirectoryError: "
    )
    assert shown[1][1].endswith(
        "search shows the change once the index is repaired (manage.py check_index --repair)."
    )
    assert pending.pending_ids() == {story.pk}


def test_a_rebuild_leaves_alone_a_generation_another_rebuild_is_still_writing(seeded, monkeypatch):
    import os
    import time

    other = index.create_generation()  # a second import's rebuild, beside this one
    (other / index.BUILDING).write_text("1\n")
    killed = index.create_generation()  # a rebuild killed a day ago
    (killed / index.BUILDING).write_text("1\n")
    day_ago = time.time() - 25 * 3600
    os.utime(killed / index.BUILDING, (day_ago, day_ago))
    done = index.create_generation()  # an older generation, finished
    real_swap = index._swap_waiting_for_writers

    def swap(path):
        real_swap(path)
        # the other rebuild finishes and swaps its generation in meanwhile: it stays
        assert (path / index.BUILDING).exists()
        index.swap_in(other)
        (other / index.BUILDING).unlink()

    monkeypatch.setattr(index, "_swap_waiting_for_writers", swap)
    report = index.rebuild()
    assert other.exists() and not killed.exists() and not done.exists()
    assert index.live_dir() == other and report.path.exists()
    assert not (report.path / index.BUILDING).exists()


def test_a_change_recorded_while_a_write_runs_stays_owed(seeded):
    from search.engine import background

    story = Article.objects.order_by("id").first()
    pending.add_pending([story.pk])  # recorded by a chunk, its write under way (the worker)
    taken, top = pending.take_pending()  # the write reads the records and the article...
    background.record([story.pk])  # ...the next chunk changes the article meanwhile
    pending.clear_pending(taken, top)  # the write ends: the records it read go
    assert pending.pending_ids() == {story.pk}  # the second change is still owed
