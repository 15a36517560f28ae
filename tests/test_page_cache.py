"""The readers' page cache: kept per generation, dropped when the archive changes."""

import io

import pytest
from django.db import transaction

from archive import pagecache
from archive.models import Article, Outlet, Person
from tests.pages_data import make_story

pytestmark = pytest.mark.django_db


def test_second_anonymous_view_is_served_whole_without_queries(client, django_assert_num_queries):
    outlet = Outlet.objects.create(name="Daily Ledger", slug="daily-ledger")
    make_story(title="Harbour bridge reopens", outlet=outlet)
    first = client.get("/outlets/daily-ledger/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/outlets/daily-ledger/")
    assert second["X-Page-Cache"] == "hit"
    assert second.status_code == 200
    assert second["Content-Type"] == first["Content-Type"]
    assert second.content == first.content
    assert b"Harbour bridge reopens" in second.content


@pytest.fixture
def bumps(monkeypatch):
    """The generations stamped during a test, in order."""
    stamped = []
    real = pagecache.bump

    def counting():
        real()
        stamped.append(pagecache.generation())

    monkeypatch.setattr(pagecache, "bump", counting)
    return stamped


@pytest.mark.django_db(transaction=True)
def test_committed_change_drops_every_cached_page(client, bumps):
    outlet = Outlet.objects.create(name="Daily Ledger", slug="daily-ledger")
    story = make_story(title="Harbour bridge reopens", outlet=outlet)
    client.get("/outlets/daily-ledger/")
    assert client.get("/outlets/daily-ledger/")["X-Page-Cache"] == "hit"
    client.get("/")
    bumps.clear()
    with transaction.atomic():
        story.title = "Harbour bridge stays shut"
        story.save()
        Person.objects.create(name="Ada Byrne", slug="ada-byrne")
        assert bumps == []  # not before the commit
    assert len(bumps) == 1  # one new generation for the whole transaction
    outlet_page = client.get("/outlets/daily-ledger/")
    assert outlet_page["X-Page-Cache"] == "miss"
    assert b"Harbour bridge stays shut" in outlet_page.content
    assert b"Harbour bridge reopens" not in outlet_page.content
    assert client.get("/")["X-Page-Cache"] == "miss"


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_leaves_the_generation_and_a_later_change_still_counts(bumps):
    with pytest.raises(RuntimeError), transaction.atomic():
        Outlet.objects.create(name="Evening Post", slug="evening-post")
        raise RuntimeError("abandon the edit")
    assert bumps == []
    with transaction.atomic():
        Outlet.objects.create(name="Morning Star", slug="morning-star")
    assert len(bumps) == 1
    Outlet.objects.filter(slug="morning-star").delete()  # outside a transaction: at once
    assert len(bumps) == 2 and bumps[0] != bumps[1]


def test_a_change_stamped_by_another_process_is_seen(client):
    make_story(title="Harbour bridge reopens")
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    pagecache.bump()  # what another worker or an import does after its commit
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_imported_batch_starts_a_new_generation(
    client, seeds_dir, django_capture_on_commit_callbacks
):
    from archive.importer import import_paths

    home = client.get("/")
    assert b"Trump" not in home.content
    with django_capture_on_commit_callbacks(execute=True):
        result = import_paths([str(seeds_dir)], label="seeds")
    assert result.created == 5
    home = client.get("/")
    assert home["X-Page-Cache"] == "miss"
    assert Article.objects.published().count() == 5
    latest = Article.objects.published().order_by("-published").first()
    assert latest.title.encode() in home.content


def test_signed_in_curators_always_get_a_fresh_page(client, admin_user):
    hidden = make_story(title="Draft not yet public", status="draft")
    client.get("/")  # an anonymous view fills the cache
    client.force_login(admin_user)
    page = client.get(hidden.get_absolute_url())
    assert page.status_code == 200
    assert "X-Page-Cache" not in page
    assert b"Edit this story in the admin" in page.content
    assert "X-Page-Cache" not in client.get("/")


def test_only_complete_pages_are_kept(client):
    assert client.get("/outlets/no-such-outlet/").status_code == 404
    assert "X-Page-Cache" not in client.get("/outlets/no-such-outlet/")
    make_story(title="Harbour bridge reopens")
    assert client.post("/").status_code == 405 or "X-Page-Cache" not in client.post("/")
    assert "X-Page-Cache" not in client.get("/healthz/")
    assert "X-Page-Cache" not in client.get("/search/?q=harbour")


def test_query_strings_are_pages_of_their_own(client):
    outlet = Outlet.objects.create(name="Daily Ledger", slug="daily-ledger")
    for n in range(25):
        make_story(title=f"Ledger story {n:02d}", outlet=outlet)
    first = client.get("/outlets/daily-ledger/")
    second = client.get("/outlets/daily-ledger/?page=2")
    assert second["X-Page-Cache"] == "miss"
    assert first.content != second.content
    assert client.get("/outlets/daily-ledger/?page=2").content == second.content


def test_cache_can_be_switched_off(client, settings):
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 0
    make_story(title="Harbour bridge reopens")
    client.get("/")
    assert "X-Page-Cache" not in client.get("/")


def test_archive_figures_follow_a_change_stamped_by_another_process():
    import datetime

    from archive.views import archive_stats

    make_story(title="One", published=datetime.date(2021, 3, 5))
    assert archive_stats()["dated"] == 1
    make_story(title="Two", published=datetime.date(2021, 3, 6))
    assert archive_stats()["dated"] == 1  # kept for this generation
    pagecache.bump()  # the other process's change has committed
    assert archive_stats()["dated"] == 2


def test_recount_after_a_change_behind_the_archives_back_drops_cached_pages(client):
    from django.core.management import call_command

    make_story(title="Pulled later")
    assert b"Pulled later" in client.get("/").content
    Article.objects.filter(title="Pulled later").update(status="hidden")  # no signal
    assert client.get("/")["X-Page-Cache"] == "hit"
    call_command("recount", stdout=io.StringIO())
    home = client.get("/")
    assert home["X-Page-Cache"] == "miss"
    assert b"Pulled later" not in home.content


def test_batches_in_quick_succession_share_a_generation_stamped_when_the_interval_ends(
    settings, bumps
):
    import time

    from archive.signals import articles_changed

    # An interval long enough that a busy machine still sends the three batches within it.
    settings.ARCHIVE_PAGE_CACHE_BATCH_SECONDS = 2
    pagecache.batches.last = float("-inf")
    articles_changed.send(sender=Article, ids=[1])
    assert len(bumps) == 1  # the first batch after a quiet spell: at once
    articles_changed.send(sender=Article, ids=[2])
    articles_changed.send(sender=Article, ids=[3])
    assert len(bumps) == 1  # later ones wait for the interval to end
    deadline = time.monotonic() + 10
    while len(bumps) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(bumps) == 2  # one generation for both
    pagecache.batches.flush()
    assert len(bumps) == 2  # nothing left pending


def test_a_pending_batch_is_stamped_when_the_process_exits(settings, bumps):
    from archive.signals import articles_changed

    settings.ARCHIVE_PAGE_CACHE_BATCH_SECONDS = 60
    pagecache.batches.last = float("-inf")
    articles_changed.send(sender=Article, ids=[1])
    articles_changed.send(sender=Article, ids=[2])
    assert len(bumps) == 1
    pagecache.batches.flush()  # registered with atexit
    assert len(bumps) == 2


def test_a_stamp_that_cannot_be_written_is_logged_and_the_change_kept(settings, tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    settings.ARCHIVE_PAGE_CACHE_STAMP = blocked / "pages.stamp"
    outlet = Outlet.objects.create(name="Evening Post", slug="evening-post")
    pagecache.bump()
    assert Outlet.objects.filter(pk=outlet.pk).exists()
    assert "could not stamp a new page generation" in caplog.text
