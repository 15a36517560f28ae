"""The boundary between search and the rest of the archive: one front door each way."""

import ast
import re
import subprocess
import sys

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from search import api, backends
from search.engine.backend import WhooshBackend
from tests.conftest import ROOT


def imports(path):
    """(module, names) of every import statement of ``path`` (the names imported from
    it, without their ``as`` aliases)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            out.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            out.extend((alias.name, []) for alias in node.names)
    return out


def modules(package):
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def test_the_archive_imports_search_through_its_front_door_only():
    found = set()
    for path in modules("archive"):
        for module, names in imports(path):
            if module == "search":
                found.update(f"search.{n}" for n in names)
            elif module.startswith("search."):
                found.add(module)
    assert found == {"search.api"}


def test_search_reads_the_archive_through_one_module():
    readers = {
        path.relative_to(ROOT).as_posix()
        for path in modules("search")
        for module, _names in imports(path)
        if module == "archive" or module.startswith("archive.")
    }
    assert readers == {"search/source.py"}


def test_whoosh_is_used_inside_the_engine_only():
    users = {
        path.relative_to(ROOT).as_posix()
        for path in modules("search")
        for module, _names in imports(path)
        if module == "whoosh" or module.startswith("whoosh.")
    }
    assert users and all(u.startswith("search/engine/") for u in users)


PRIVATE = re.compile(r"\b(?!self\b|cls\b)([A-Za-z_]\w*)\.(_[a-z]\w*)")


def test_whooshs_private_attributes_are_read_in_the_fast_paths_only():
    """What ``fastpaths`` and ``build`` read of Whoosh's private attributes, no other module
    of search reads (our own underscore names, such as a searcher's caches, aside)."""
    engine = ROOT / "search" / "engine"
    private = set()
    for name in ("fastpaths.py", "build.py"):
        private.update(m.group(2) for m in PRIVATE.finditer((engine / name).read_text()))
    assert {"_ids", "_next_block", "_dbfile", "_colwriters", "_tindex", "_read_toc"} <= private
    own = {"_entries", "_warming", "_provisional", "_lock", "_stats", "_state", "_local", "_cache"}
    elsewhere = {}
    for path in modules("search"):
        if path.parent == engine and path.name in ("fastpaths.py", "build.py"):
            continue
        for match in PRIVATE.finditer(path.read_text()):
            if match.group(2) in private and match.group(2) not in own:
                elsewhere.setdefault(path.name, set()).add(match.group(2))
        if re.search(r'getattr\(\w+, "_[a-z]', path.read_text()):
            elsewhere.setdefault(path.name, set()).add("getattr")
    assert elsewhere == {}
    patched = [p.name for p in modules("search") if "W3PerDocReader." in p.read_text()]
    assert patched == ["fastpaths.py"]


def test_the_query_language_and_results_need_no_whoosh():
    script = (
        "import sys; sys.modules['whoosh'] = None\n"
        "import django; django.setup()\n"
        "from search import api, filters, parse, results, suggestions, views\n"
        "p = api.parse('talks OR ceasefire -Kremlin outlet:Mirror from:2022')\n"
        "print(len(p.groups[0]), p.exclude[0].text, p.outlets, p.date_from)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "archive.settings", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "Kremlin", "['Mirror']", "2022-01-01"]


def test_the_backend_follows_the_setting(settings):
    settings.ARCHIVE_SEARCH_BACKEND = "whoosh"
    assert isinstance(api.backend(), WhooshBackend)
    settings.ARCHIVE_SEARCH_BACKEND = "elastic"
    with pytest.raises(ImproperlyConfigured, match="'elastic': it must be one of whoosh, postgres"):
        api.backend()


def test_a_missing_backend_package_is_a_clear_error(settings, monkeypatch):
    monkeypatch.setitem(backends.BACKENDS, "postgres", "search.nowhere.backend.PostgresBackend")
    monkeypatch.delitem(backends._backends, "postgres", raising=False)
    settings.ARCHIVE_SEARCH_BACKEND = "postgres"
    with pytest.raises(
        ImproperlyConfigured,
        match=r"The 'postgres' search backend \(search\.nowhere\.backend\) is not part of",
    ):
        api.search("talks")


def _errors(settings, name):
    settings.ARCHIVE_SEARCH_BACKEND = name
    return [(e.id, e.msg) for e in run_checks() if e.id.startswith("search.")]


def test_the_system_check_knows_the_backends(settings, db):
    from django.db import connection

    assert _errors(settings, "whoosh") == []
    assert _errors(settings, "solr") == [
        ("search.E001", "ARCHIVE_SEARCH_BACKEND is 'solr', not a search backend.")
    ]
    postgres = _errors(settings, "postgres")
    if connection.vendor != "postgresql":
        assert postgres == [
            (
                "search.E002",
                f"ARCHIVE_SEARCH_BACKEND is 'postgres' but the database is {connection.vendor}.",
            )
        ]
    else:
        assert [i for i, _m in postgres] in ([], ["search.E003"])


class Recording(backends.SearchBackend):
    """A backend that only records what it is asked."""

    name = "recording"

    def __init__(self):
        self.calls = []

    def _record(self, name, *args, **kwargs):
        self.calls.append((name, args, kwargs))

    def search(self, text, **options):
        self._record("search", text, **options)

    def article_ids(self, text, limit):
        self._record("article_ids", text, limit)
        return []

    def matches(self, text, **options):
        self._record("matches", text)
        return api.Matches()

    def day_counts(self, text, **options):
        self._record("day_counts", text)
        return api.DayCounts()

    def more_like_this(self, article_id, limit, text=None):
        self._record("more_like_this", article_id, limit, text=text)
        return []

    def record(self, ids, copies=()):
        self._record("record", sorted(ids), sorted(copies))

    def changed(self, ids):
        self._record("changed", sorted(ids))

    def deleted(self, ids):
        self._record("deleted", sorted(ids))

    def rebuild(self, progress=True, **options):
        self._record("rebuild", **options)
        return backends.RebuildReport(articles=2, seconds=0.5, path=None, size_bytes=3_000_000)

    def check(self, repair=False):
        self._record("check", repair=repair)
        return backends.CheckReport(published=2, indexed=2)

    def warm_up(self):
        self._record("warm_up")


@pytest.fixture
def recording(settings, monkeypatch):
    backend = Recording()
    monkeypatch.setitem(backends._backends, "recording", backend)
    monkeypatch.setitem(backends.BACKENDS, "recording", "tests.test_search_boundary.Recording")
    settings.ARCHIVE_SEARCH_BACKEND = "recording"
    return backend


def test_the_commands_and_the_signals_go_through_the_backend(recording, db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rebuild_index", "--no-progress", stdout=out)
    call_command("rebuild_index", "--no-progress", "--procs", "1", stdout=out)
    call_command("check_index", stdout=out)
    api.index_articles([3, 1])
    api.delete_articles([2])
    assert api.article_ids("talks", 10) == []
    assert recording.calls == [
        ("rebuild", (), {}),  # no option of Whoosh's that was not asked for
        ("rebuild", (), {"procs": 1}),
        ("check", (), {"repair": False}),
        ("changed", ([1, 3],), {}),
        ("deleted", ([2],), {}),
        ("article_ids", ("talks", 10), {}),
    ]
    assert out.getvalue().splitlines() == [
        "Indexed 2 articles in 0.5s (4 articles/s, 3.0 MB)",
        "Indexed 2 articles in 0.5s (4 articles/s, 3.0 MB)",
        "2 published, 2 indexed: 0 missing, 0 stale, 0 extra, 0 pending",
        "The index matches the database.",
    ]
    assert api.bulk_import() is False  # no import session under way


def test_a_saved_story_reaches_the_backend_once_after_commit(
    recording, db, django_capture_on_commit_callbacks
):
    from tests.search_helpers import article, person

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        story = article("Talks resume", "The talks resume.", people=[person("Ann Lee")])
        story.title = "Talks resume in Geneva"
        story.save()
    assert recording.calls == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert recording.calls == [("changed", ([story.pk],), {})]


def test_ids_of_a_rolled_back_transaction_are_not_handed_over_later(
    recording, transactional_db, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from search import signals

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        signals.queue([41, 42])
        raise Undone
    with transaction.atomic():
        signals.queue([7])
    assert recording.calls == [("changed", ([7],), {})]
    assert signals.queued() == set()
