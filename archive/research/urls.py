"""The research pages' URLs (``research:`` namespace), mounted at the site's root: some
live beside the search page (``/search/coverage.csv``, ``/search/download/``,
``/search/feed/``) and come before ``search.urls`` in ``archive.urls``."""

from .coverage_views import urlpatterns as coverage_patterns
from .download_views import urlpatterns as download_patterns

app_name = "research"

urlpatterns = [*coverage_patterns, *download_patterns]
