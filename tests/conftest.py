import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "stories"


@pytest.fixture(autouse=True)
def _isolated_index(settings, tmp_path):
    """Every test gets its own index directory."""
    settings.ARCHIVE_INDEX_DIR = tmp_path / "index"


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
