"""WSGI entry point, served by gunicorn: ``gunicorn archive.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

application = get_wsgi_application()

# Load the search index's columns before the first request, not during it.
from search.query import warm_up  # noqa: E402

warm_up()
