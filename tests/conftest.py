import importlib.util
import os
import shutil
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "stories"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "whoosh_only: a search test of the Whoosh engine's own workings (not run against "
        "the other backends by the search_backend fixture)",
    )


BACKEND_PACKAGES = {"whoosh": "search.engine", "postgres": "search.pg"}


def search_backends() -> list[str]:
    """The backends the search tests run against: Whoosh; and PostgreSQL too when the
    tests run on a PostgreSQL database, unless ARCHIVE_TEST_BOTH_BACKENDS is 0."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    both = os.environ.get("ARCHIVE_TEST_BOTH_BACKENDS", "1").strip() != "0"
    return ["whoosh", "postgres"] if on_postgres and both else ["whoosh"]


def pytest_generate_tests(metafunc):
    # A test using ``search_backend`` (directly or through a module's ``usefixtures``) runs
    # once per backend; a ``whoosh_only`` one on Whoosh alone.
    if "search_backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("whoosh_only") is not None
        params = ["whoosh"] if only else search_backends()
        metafunc.parametrize("search_backend", params, indirect=True)


@pytest.fixture
def search_backend(request, settings):
    """The search backend of this run of the test (``settings.ARCHIVE_SEARCH_BACKEND``)."""
    name = getattr(request, "param", "whoosh")
    package = BACKEND_PACKAGES[name]
    if importlib.util.find_spec(package) is None:
        pytest.skip(f"the {name} search backend ({package}) is not in this checkout")
    settings.ARCHIVE_SEARCH_BACKEND = name
    return name


@pytest.fixture(autouse=True)
def _isolated_index(settings, tmp_path):
    """Every test gets its own index directory."""
    settings.ARCHIVE_INDEX_DIR = tmp_path / "index"


@pytest.fixture
def own_throttle_counts(settings):
    """The API's request counts in a cache of this test's own (the shared cache is files
    in var/ otherwise, kept from one run to the next)."""
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-{uuid.uuid4().hex}",
        },
    }


@pytest.fixture(autouse=True)
def _fresh_caches(settings, tmp_path):
    """Every test starts with empty caches and its own page-cache stamp: the home page
    caches archive-wide figures and every reader page is kept whole, which would otherwise
    leak from one test's data into a later test (a test's rollback stamps no generation).
    The name spellings are loaded afresh for the same reason."""
    from django.core.cache import caches

    from search import names

    names.forget()  # loaded from this test's data, in this thread
    settings.ARCHIVE_PAGE_CACHE_STAMP = tmp_path / "pages.stamp"
    settings.ARCHIVE_PAGE_CACHE_BATCH_SECONDS = 0  # every batch of changes stamped at once
    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
    names.wait_for_reload()  # no reload thread outlives its test
    for alias in ("default", "pages"):
        caches[alias].clear()


@pytest.fixture
def seeds_dir(tmp_path):
    """A copy of the seed stories in a temporary folder."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    """The five seed stories imported and published."""
    from archive.importer import import_paths

    with django_capture_on_commit_callbacks(execute=True):
        result = import_paths([str(SEEDS)], label="seeds")
    assert result.created == 5, result.report_lines()
    return result
