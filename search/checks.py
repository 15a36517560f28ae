"""System check: the search backend chosen (``ARCHIVE_SEARCH_BACKEND``) can serve."""

import importlib.util

from django.core import checks
from django.db import connections

from .backends import BACKENDS, backend_name


@checks.register(checks.Tags.compatibility)
def check_search_backend(app_configs=None, **kwargs):
    """search.E001: an unknown backend; search.E002: ``postgres`` without a PostgreSQL
    database; search.E003: ``postgres`` in an installation without it."""
    name = backend_name()
    if name not in BACKENDS:
        return [
            checks.Error(
                f"ARCHIVE_SEARCH_BACKEND is {name!r}, not a search backend.",
                hint=f"Use one of: {', '.join(BACKENDS)}.",
                id="search.E001",
            )
        ]
    if name != "postgres":
        return []
    vendor = connections["default"].vendor
    if vendor != "postgresql":
        return [
            checks.Error(
                f"ARCHIVE_SEARCH_BACKEND is 'postgres' but the database is {vendor}.",
                hint="The PostgreSQL search backend needs DATABASE_URL to name a PostgreSQL "
                "database; use ARCHIVE_SEARCH_BACKEND=whoosh otherwise.",
                id="search.E002",
            )
        ]
    module = BACKENDS[name].rsplit(".", 1)[0]
    if importlib.util.find_spec(module.rsplit(".", 1)[0]) is None:
        return [
            checks.Error(
                "ARCHIVE_SEARCH_BACKEND is 'postgres' but this installation has no "
                f"PostgreSQL search backend ({module}).",
                id="search.E003",
            )
        ]
    return []
