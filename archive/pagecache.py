"""Whole-page cache for readers' pages, dropped whenever the archive changes.

A reader page is the same for every anonymous reader until a story, a person, an outlet
or a quote changes, so the pages rendered for them are kept (the ``pages`` cache: files
under ``var/pages`` that every gunicorn worker shares) and served again without touching
the database or rendering a template.

Freshness does not rest on a timeout. Every cached page is filed under the archive's
*generation*, a random token kept in a small file (``ARCHIVE_PAGE_CACHE_STAMP``) that every
worker reads on each request; any committed change to the archive's models, and every
batch of imported articles, writes a new token, so all workers stop using their older
pages at once (the files of older generations are culled as new pages are kept). The token is replaced only after the change has committed: a page rendered
before that is filed under the old token and never served again.

Signed-in users (anyone with a session cookie: curators see unpublished stories and edit
links) and requests other than GET and HEAD always get a freshly rendered page, and only
complete 200 responses that set no cookie are kept.
"""

import atexit
import functools
import hashlib
import logging
import os
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse

from .signals import articles_changed

log = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
STORED_HEADERS = ("Content-Type", "Content-Language", "Vary", "Last-Modified")


def cache_seconds():
    return settings.ARCHIVE_PAGE_CACHE_SECONDS


def _stamp_path():
    return os.fspath(settings.ARCHIVE_PAGE_CACHE_STAMP)


def generation():
    """The archive's current generation token ('' until the first change is stamped)."""
    try:
        with open(_stamp_path(), encoding="ascii") as stamp:
            return stamp.read(64).strip()
    except OSError:
        return ""


def bump():
    """Start a new generation: every page cached so far is stale for every worker."""
    path = _stamp_path()
    temporary = f"{path}.{os.getpid()}.{threading.get_ident()}"
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(temporary, "w", encoding="ascii") as stamp:
            stamp.write(uuid.uuid4().hex)
        os.replace(temporary, path)  # atomic: a reader sees the old token or the new one
    except OSError:
        # The change itself has committed and must not fail; readers may see older pages
        # until a later change is stamped or they expire (ARCHIVE_PAGE_CACHE_SECONDS).
        log.exception("could not stamp a new page generation in %s", path)


def changed(using="default"):
    """Mark the archive changed: a new generation once the current transaction commits.

    Called for every saved or deleted row, so within one transaction the new generation is
    registered once per database connection (a rolled-back transaction drops it with the
    rest of its commit hooks).
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        bump()
        return
    if any(hook[1] is _bump_on_commit for hook in connection.run_on_commit):
        return
    transaction.on_commit(_bump_on_commit, using=using)


def _bump_on_commit():
    bump()


def _is_archive_model(sender):
    meta = getattr(sender, "_meta", None)
    return meta is not None and meta.app_label in ("archive", "search")


@receiver(post_save, dispatch_uid="archive.pagecache.saved")
@receiver(post_delete, dispatch_uid="archive.pagecache.deleted")
@receiver(m2m_changed, dispatch_uid="archive.pagecache.m2m")
def _model_changed(sender, using="default", **kwargs):
    if _is_archive_model(sender):
        changed(using)


class _Batches:
    """New generations for batches of changed articles, at most one per
    ``ARCHIVE_PAGE_CACHE_BATCH_SECONDS`` in a process.

    An import sends ``articles_changed`` for every chunk it commits, every few seconds; a
    new generation for each would leave readers nothing cached while it runs. The first
    batch after a quiet spell starts a new generation at once; later ones within the
    interval are stamped when it ends (a timer), or when the process exits, whichever
    comes first.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.last = float("-inf")
        self.timer = None
        atexit.register(self.flush)

    def changed(self):
        interval = getattr(settings, "ARCHIVE_PAGE_CACHE_BATCH_SECONDS", 10)
        with self.lock:
            wait = self.last + interval - time.monotonic()
            if wait <= 0:
                self._stamp()
            elif self.timer is None:
                self.timer = threading.Timer(wait, self.flush)
                self.timer.daemon = True
                self.timer.start()

    def flush(self):
        with self.lock:
            if self.timer is not None:
                self._stamp()

    def _stamp(self):
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.last = time.monotonic()
        bump()


batches = _Batches()


@receiver(articles_changed, dispatch_uid="archive.pagecache.articles")
def _articles_changed(sender, **kwargs):
    batches.changed()  # sent after the commit


def _key(request, token):
    # The scheme and host are part of the page: feeds carry absolute links built from them,
    # so a page made for http:// must never be served to an https:// request.
    where = f"{request.scheme}://{request.get_host()} {request.get_full_path()}"
    where = hashlib.sha1(where.encode()).hexdigest()
    return f"page:{token}:{where}"


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and cache_seconds() > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def cached_page(view):
    """Serve ``view`` from the page cache for anonymous readers (see the module's text)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        key = _key(request, generation())
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            headers = [(h, response[h]) for h in STORED_HEADERS if response.has_header(h)]
            cache.set(key, (response.status_code, headers, response.content), cache_seconds())
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
