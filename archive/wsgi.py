"""WSGI entry point, served by gunicorn: ``gunicorn archive.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

application = get_wsgi_application()

# Compile the templates and load the search index before the first request, not in it.
from archive.warmup import warm_up  # noqa: E402

warm_up()
