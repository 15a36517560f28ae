"""System checks: ``manage.py check`` (and every command that runs the checks) warns about
an ``ARCHIVE_*`` or ``DJANGO_*`` environment variable the settings do not read, so that a
misspelt setting does not pass silently, and about an ``ARCHIVE_CACHE_URL`` it cannot use or
that does not suit the search backend."""

import difflib
import os

from django.conf import settings
from django.core import checks

from archive.settings import cache_kind

# Variables of these prefixes read by Django itself or by the test tools, not the settings.
OTHER_READERS = frozenset(
    {
        "DJANGO_SETTINGS_MODULE",  # Django: which settings module
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # Django: database access from async code
        "DJANGO_COLORS",  # Django: terminal colours
        "DJANGO_AUTO_COMPLETE",  # Django: shell completion of manage.py
        "DJANGO_WATCHMAN_TIMEOUT",  # Django: runserver's reloader
        "DJANGO_TEST_PROCESSES",  # Django: parallel test runner
        "DJANGO_RUNSERVER_HIDE_WARNING",  # Django: runserver's banner
        "ARCHIVE_CHROMIUM",  # tests/test_browser.py: the browser the tests drive
        "ARCHIVE_TEST_BOTH_BACKENDS",  # tests/conftest.py: search tests on both backends
    }
)
OTHER_PREFIXES = ("DJANGO_SUPERUSER_",)  # createsuperuser --noinput: DJANGO_SUPERUSER_<FIELD>


@checks.register(checks.Tags.compatibility)
def check_environment(app_configs=None, **kwargs):
    """archive.W001 for each unknown ``ARCHIVE_*`` / ``DJANGO_*`` variable, with the
    closest known name as a hint."""
    known = settings.ARCHIVE_ENVIRONMENT_VARIABLES
    warnings = []
    for name in sorted(os.environ):
        if not name.startswith(("ARCHIVE_", "DJANGO_")):
            continue
        if name in known or name in OTHER_READERS or name.startswith(OTHER_PREFIXES):
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        hint = f"Did you mean {close[0]}?" if close else "See Configuration in README.md."
        warnings.append(
            checks.Warning(
                f"The environment variable {name} is not a setting of the archive: it is ignored.",
                hint=hint,
                id="archive.W001",
            )
        )
    return warnings


@checks.register(checks.Tags.caches)
def check_cache_url(app_configs=None, **kwargs):
    """archive.E002: an ``ARCHIVE_CACHE_URL`` that is neither ``db`` nor a ``redis://`` URL;
    archive.W002: a cache shared by several servers beside the Whoosh index, which is each
    server's own."""
    url = settings.ARCHIVE_CACHE_URL
    kind = cache_kind(url)
    if kind is None:
        return [
            checks.Error(
                f"ARCHIVE_CACHE_URL is {url!r}: it must be 'db' or a redis:// URL.",
                hint="Leave it unset for the caches in var/ (one server), 'db' for tables in "
                "the database, or redis://host:port/db for a Redis server.",
                id="archive.E002",
            )
        ]
    if kind != "files" and settings.ARCHIVE_SEARCH_BACKEND == "whoosh":
        return [
            checks.Warning(
                "ARCHIVE_CACHE_URL shares the page cache between servers, but the Whoosh "
                "search index (ARCHIVE_SEARCH_BACKEND=whoosh) is each server's own: a story "
                "imported through one server is not found by the others' searches.",
                hint="Use ARCHIVE_SEARCH_BACKEND=postgres for several servers, or leave "
                "ARCHIVE_CACHE_URL unset for one.",
                id="archive.W002",
            )
        ]
    return []
