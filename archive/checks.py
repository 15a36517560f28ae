"""System checks: ``manage.py check`` (and every command that runs the checks) warns about
an ``ARCHIVE_*`` or ``DJANGO_*`` environment variable the settings do not read, so that a
misspelt setting does not pass silently."""

import difflib
import os

from django.conf import settings
from django.core import checks

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
