"""ARCHIVE_CACHE_URL: the page cache, its generation and the sign-in counts shared by every
server of the archive (the database or Redis) instead of files in each server's var/."""

import threading
import time
import uuid

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import transaction
from django.test import Client, RequestFactory

from archive import pagecache
from archive.admin_site import ThrottledAuthenticationForm, is_locked
from archive.checks import check_cache_url
from archive.models import Outlet
from archive.settings import cache_kind, shared_caches
from tests.pages_data import make_story

# A Redis server on loopback, if there is one: its own database number, keys of one test
# under a prefix of their own and deleted afterwards (the database is never flushed).
REDIS_URL = "redis://127.0.0.1:6379/5"
LOCKED = (
    "Too many failed sign-in attempts for this account from your address. "
    "Signing in is locked for 15 minutes; try again later."
)
WRONG = "Please enter the correct username and password"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("", "files"),
        ("  ", "files"),
        ("db", "db"),
        (" DB ", "db"),
        ("redis://127.0.0.1:6379/5", "redis"),
        ("rediss://cache.example.org:6380/0", "redis"),
        ("redis://", None),
        ("memcached://127.0.0.1:11211", None),
        ("database", None),
        ("files", None),
    ],
)
def test_each_form_of_the_setting(url, kind):
    assert cache_kind(url) == kind


def test_the_caches_of_each_form(tmp_path):
    files = shared_caches("", tmp_path / "pages", tmp_path / "cache", 5000)
    assert files == {
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }
    db = shared_caches("db", tmp_path / "pages", tmp_path / "cache", 300)
    assert {alias: c["BACKEND"] for alias, c in db.items()} == {
        "pages": "django.core.cache.backends.db.DatabaseCache",
        "shared": "django.core.cache.backends.db.DatabaseCache",
    }
    # Two tables: culling old pages never drops a sign-in count or lock.
    assert (db["pages"]["LOCATION"], db["shared"]["LOCATION"]) == (
        "archive_page_cache",
        "archive_shared_cache",
    )
    assert db["pages"]["OPTIONS"] == {"MAX_ENTRIES": 300}
    redis = shared_caches(" redis://10.0.0.5:6379/2 ", tmp_path / "p", tmp_path / "c", 300)
    assert redis == {
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://10.0.0.5:6379/2",
            "KEY_PREFIX": "archive-pages",
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://10.0.0.5:6379/2",
            "KEY_PREFIX": "archive-shared",
        },
    }
    # A value the check refuses leaves the files in use meanwhile.
    assert shared_caches("memcached://x", tmp_path / "p", tmp_path / "c", 1)["pages"][
        "BACKEND"
    ].endswith("FileBasedCache")


def test_the_check_refuses_an_unknown_cache(settings):
    settings.ARCHIVE_CACHE_URL = "memcached://127.0.0.1:11211"
    [error] = check_cache_url()
    assert (error.id, error.level >= 40) == ("archive.E002", True)
    assert error.msg == (
        "ARCHIVE_CACHE_URL is 'memcached://127.0.0.1:11211': it must be 'db' or a redis:// URL."
    )


def test_the_check_warns_of_a_shared_cache_beside_the_whoosh_index(settings):
    settings.ARCHIVE_CACHE_URL = "db"
    settings.ARCHIVE_SEARCH_BACKEND = "whoosh"
    [warning] = check_cache_url()
    assert warning.id == "archive.W002"
    assert warning.msg.startswith("ARCHIVE_CACHE_URL shares the page cache between servers, ")
    assert "is each server's own" in warning.msg


@pytest.mark.parametrize(
    ("url", "backend"),
    [("", "whoosh"), ("", "postgres"), ("db", "postgres"), (REDIS_URL, "postgres")],
)
def test_the_check_passes_the_forms_that_suit(settings, url, backend):
    settings.ARCHIVE_CACHE_URL = url
    settings.ARCHIVE_SEARCH_BACKEND = backend
    assert check_cache_url() == []


def _redis_reachable():
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


class Servers:
    """Two app servers in one test process: each its own var/ (page files, stamp file,
    sign-in files), both with the same ARCHIVE_CACHE_URL. ``use(name)`` makes the settings
    those of one server (Django rebuilds its caches when CACHES changes)."""

    def __init__(self, settings, tmp_path, url, prefix):
        self.settings = settings
        self.tmp_path = tmp_path
        self.url = url
        self.prefix = prefix

    def use(self, name):
        var = self.tmp_path / name
        configured = shared_caches(self.url, var / "pages", var / "cache", 5000)
        if self.prefix:
            for cache in configured.values():
                cache["KEY_PREFIX"] = f"{self.prefix}-{cache['KEY_PREFIX']}"
        self.settings.ARCHIVE_CACHE_URL = self.url
        self.settings.CACHES = {**self.settings.CACHES, **configured}
        self.settings.ARCHIVE_PAGE_CACHE_STAMP = var / "pages.stamp"
        return Client(REMOTE_ADDR="10.0.0.9")

    def stamp_files(self):
        return sorted(p.parent.name for p in self.tmp_path.glob("*/pages.stamp"))


@pytest.fixture(params=["db", "redis"])
def servers(request, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    original = settings.CACHES
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip(f"no Redis server answers at {REDIS_URL}")
        prefix = f"test-{uuid.uuid4().hex[:12]}"
        yield Servers(settings, tmp_path, REDIS_URL, prefix)
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}-*"):
            client.delete(key)
    else:
        servers = Servers(settings, tmp_path, "db", "")
        yield servers
        for alias in ("pages", "shared"):
            servers.use("a")
            caches[alias].clear()
    settings.CACHES = original  # before the suite's own fixtures clear the caches


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_through_one_server_drops_the_pages_of_every_server(servers):
    outlet = Outlet.objects.create(name="Daily Ledger", slug="daily-ledger")
    story = make_story(title="Harbour bridge reopens", outlet=outlet)
    a = servers.use("a")
    assert a.get("/outlets/daily-ledger/")["X-Page-Cache"] == "miss"
    assert a.get("/outlets/daily-ledger/")["X-Page-Cache"] == "hit"
    b = servers.use("b")
    shared = b.get("/outlets/daily-ledger/")
    assert shared["X-Page-Cache"] == "hit"  # A's rendering serves B
    assert b"Harbour bridge reopens" in shared.content
    before = pagecache.generation()

    servers.use("a")
    with transaction.atomic():
        story.title = "Harbour bridge stays shut"
        story.save()
    b = servers.use("b")
    assert pagecache.generation() != before
    fresh = b.get("/outlets/daily-ledger/")
    assert fresh["X-Page-Cache"] == "miss"
    assert b"Harbour bridge stays shut" in fresh.content
    assert b"Harbour bridge reopens" not in fresh.content
    assert servers.use("a").get("/outlets/daily-ledger/")["X-Page-Cache"] == "hit"
    assert servers.stamp_files() == []  # the generation lives in the shared cache only


@pytest.mark.django_db
def test_a_lost_generation_is_replaced_never_reused(servers):
    make_story(title="Harbour bridge reopens")
    client = servers.use("a")
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    first = pagecache.generation()
    caches["pages"].delete(pagecache.GENERATION_KEY)  # culled, or the cache emptied
    assert client.get("/")["X-Page-Cache"] == "miss"
    second = pagecache.generation()
    assert second and second != first
    assert client.get("/")["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_a_page_cache_hit_from_the_database_is_one_query(
    settings, tmp_path, django_assert_num_queries
):
    """The generation and the page are read together: one SQL query a request."""
    servers = Servers(settings, tmp_path, "db", "")
    make_story(title="Harbour bridge reopens")
    client = servers.use("a")
    client.get("/")
    with django_assert_num_queries(1) as captured:
        assert client.get("/")["X-Page-Cache"] == "hit"
    assert "archive_page_cache" in captured.captured_queries[0]["sql"]
    caches["pages"].clear()


@pytest.mark.django_db
def test_failed_sign_ins_are_counted_across_servers(servers):
    User.objects.create_user("cora", password="s3cret-Curator", is_staff=True)

    def sign_in(client, password):
        data = {"username": "cora", "password": password, "next": "/admin/"}
        return client.post("/admin/login/", data).content.decode()

    for server in ("a", "b", "a", "b"):
        assert WRONG in sign_in(servers.use(server), "wrong")
    assert LOCKED in sign_in(servers.use("a"), "wrong")  # the fifth, through either server
    assert LOCKED in sign_in(servers.use("b"), "s3cret-Curator")
    assert is_locked("cora", "10.0.0.9")
    assert not list(servers.tmp_path.glob("*/cache"))  # no count kept in a server's var/


@pytest.mark.django_db
def test_concurrent_failures_through_a_shared_cache_never_get_past_the_lock(settings, monkeypatch):
    """The count lock of a shared cache (an atomic add): twelve wrong passwords at once,
    exactly five checked."""
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "c"},
    }
    caches["shared"].clear()
    checked = []
    guard = threading.Lock()

    def slow_wrong_password(request=None, **credentials):
        with guard:
            checked.append(credentials["username"])
        time.sleep(0.05)
        return None

    monkeypatch.setattr("django.contrib.auth.forms.authenticate", slow_wrong_password)
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="10.0.0.9")
    start = threading.Barrier(12)
    errors = []

    def attempt():
        form = ThrottledAuthenticationForm(request, data={"username": "cora", "password": "x"})
        start.wait()
        assert not form.is_valid()
        with guard:
            errors.append(form.non_field_errors()[0])

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 5
    assert len(errors) == 12
    # The seven unchecked are refused as locked; of the five checked, those that finish
    # after the fifth has locked say so too.
    assert errors.count(LOCKED) >= 8
    assert all(e == LOCKED or WRONG in e for e in errors)
    assert is_locked("cora", "10.0.0.9")


@pytest.mark.django_db
def test_a_shared_cache_out_of_reach_costs_the_cache_not_the_page(settings, client, caplog):
    """Nothing listens on port 1: pages are rendered, never kept, and a change still saves."""
    original = settings.CACHES
    settings.ARCHIVE_CACHE_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {**original, **shared_caches("redis://127.0.0.1:1/0", "", "", 10)}
    try:
        make_story(title="Harbour bridge reopens")
        for _ in range(2):
            response = client.get("/")
            assert response.status_code == 200
            assert "X-Page-Cache" not in response
            assert b"Harbour bridge reopens" in response.content
        assert pagecache.generation() == ""
        pagecache.bump()  # logged, not raised: the change it follows has committed
        assert "could not stamp a new page generation in the shared cache" in caplog.text
    finally:
        settings.CACHES = original
