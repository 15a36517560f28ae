"""Whole-page cache for readers' pages, dropped whenever the archive changes.

A reader page is the same for every anonymous reader until a story, a person, an outlet
or a quote changes, so the pages rendered for them are kept (the ``pages`` cache) and served
again without rendering a template: by default files under ``var/pages`` that every
gunicorn worker of the machine shares; with ``ARCHIVE_CACHE_URL`` a database table or a
Redis server that every server of the archive shares.

Freshness does not rest on a timeout. Every cached page carries the archive's
*generation* it was rendered in, a random token every worker reads on each request and a
page is served only in its own generation. Any committed change to the archive's models,
and every batch of imported articles, writes a new token, so all workers stop using their
older pages at once. The token is replaced only after the change has committed: a page
rendered before that carries the old token and is never served again.

Where the token lives follows the page cache: with files, in a small file
(``ARCHIVE_PAGE_CACHE_STAMP``, one file read a request); with a shared cache, in that cache
under ``GENERATION_KEY``, read together with the page in one round trip (``get_many``: one
SQL query for the database cache, one ``MGET`` for Redis), so every server sees a change
committed through any of them on its next request. A token missing from the shared cache
(culled, or the cache emptied) is replaced by a new one, never taken as the empty token,
so that pages of an older generation can never match it again.

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
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse

from .signals import articles_changed

log = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
GENERATION_KEY = "archive:generation"
STORED_HEADERS = ("Content-Type", "Content-Language", "Vary", "Last-Modified")


def cache_seconds():
    return settings.ARCHIVE_PAGE_CACHE_SECONDS


def _stamp_path():
    return os.fspath(settings.ARCHIVE_PAGE_CACHE_STAMP)


def _stamp_file():
    """Whether the generation is kept in the stamp file (a page cache of files on this
    machine) rather than in the shared page cache itself."""
    return isinstance(caches[CACHE_ALIAS], FileBasedCache)


def generation():
    """The archive's current generation token ('' until the first change is stamped in the
    stamp file, or while a shared cache cannot be read)."""
    if not _stamp_file():
        try:
            token = caches[CACHE_ALIAS].get(GENERATION_KEY)
        except Exception:
            log.exception("could not read the page generation from the shared cache")
            return ""
        return _shared_generation(token) or ""
    try:
        with open(_stamp_path(), encoding="ascii") as stamp:
            return stamp.read(64).strip()
    except OSError:
        return ""


def _shared_generation(token):
    """``token`` as read from the shared cache, or a new generation when it is missing (the
    first process to add one wins, and every process then reads that one); None when the
    cache cannot give one."""
    if token:
        return token
    cache = caches[CACHE_ALIAS]
    try:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        return cache.get(GENERATION_KEY) or None
    except Exception:
        log.exception("could not start a page generation in the shared cache")
        return None


def bump():
    """Start a new generation: every page cached so far is stale for every worker (and, with
    a shared cache, every server)."""
    if not _stamp_file():
        try:
            caches[CACHE_ALIAS].set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:
            # As below: the change has committed; pages expire by their timeout.
            log.exception("could not stamp a new page generation in the shared cache")
        return
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
                self.timer = threading.Timer(wait, self._flush_in_timer)
                self.timer.daemon = True
                self.timer.start()

    def flush(self):
        with self.lock:
            if self.timer is not None:
                self._stamp()

    def _flush_in_timer(self):
        try:
            self.flush()
        finally:
            # A database cache opened this thread's own connection: it ends with the thread.
            connections.close_all()

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


def _key(request):
    # The scheme and host are part of the page: feeds carry absolute links built from them,
    # so a page made for http:// must never be served to an https:// request.
    where = f"{request.scheme}://{request.get_host()} {request.get_full_path()}"
    return f"page:{hashlib.sha1(where.encode()).hexdigest()}"


def _lookup(cache, key):
    """The current generation and the page kept under ``key`` (or None): one read of each,
    or a single round trip when the generation lives in the shared cache."""
    if _stamp_file():
        return generation(), cache.get(key)
    found = cache.get_many([GENERATION_KEY, key])
    return _shared_generation(found.get(GENERATION_KEY)), found.get(key)


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
        key = _key(request)
        try:
            token, stored = _lookup(cache, key)
        except Exception:
            # A shared cache out of reach costs speed, not the page.
            log.exception("the page cache could not be read")
            return view(request, *args, **kwargs)
        if token is None:  # no generation to file the page under: rendered, not kept
            return view(request, *args, **kwargs)
        if stored is not None and stored[0] == token:
            _token, status, headers, content = stored
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
            page = (token, response.status_code, headers, response.content)
            try:
                cache.set(key, page, cache_seconds())
            except Exception:
                log.exception("the page cache could not keep a page")
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
