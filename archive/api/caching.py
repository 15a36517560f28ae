"""Conditional GET for the API: weak ETags and Cache-Control.

A record or a list is the same until the archive changes, and every committed change
starts a new *generation* (``archive.pagecache``): the ETag of such an answer is a hash of
the generation and the request's URL, known before any query, so ``If-None-Match`` with
it is answered 304 without reading the archive. Search answers, whose index is written
after the commit, and any answer made while no generation is known, are tagged by a hash
of their content instead (304 then saves the transfer, not the work)."""

from __future__ import annotations

import functools
import hashlib

from django.http import HttpResponseNotModified

from .. import pagecache

# Clients and proxies may reuse an answer this long without asking again; after that they
# revalidate with the ETag (a 304 when nothing changed).
MAX_AGE = 60


def generation_etag(request) -> str | None:
    """The weak ETag of this request's answer in the archive's current generation (None
    while no generation is known)."""
    token = pagecache.generation()
    if not token:
        return None
    where = f"{token} {request.scheme}://{request.get_host()} {request.get_full_path()}"
    return f'W/"g{hashlib.sha1(where.encode()).hexdigest()[:32]}"'


def content_etag(content: bytes) -> str:
    return f'W/"c{hashlib.sha1(content).hexdigest()[:32]}"'


def matches(request, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, as RFC 9110 asks for
    ``If-None-Match``) or is ``*``."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def not_modified(etag: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = cache_control()
    return response


def cache_control() -> str:
    return f"public, max-age={MAX_AGE}"


def by_generation(view):
    """Answer ``If-None-Match`` with the current generation's ETag before ``view`` runs
    (``view``'s answer is then tagged with it by ``ArchiveAPI.create_response``)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        etag = generation_etag(request)
        if etag and matches(request, etag):
            return not_modified(etag)
        request.api_etag = etag
        return view(request, *args, **kwargs)

    return wrapper


def tag(request, response):
    """Set ETag and Cache-Control on a 200 answer to a GET; a content-tagged answer the
    client already holds becomes a 304."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    etag = getattr(request, "api_etag", None)
    if etag is None:
        etag = content_etag(response.content)
        if matches(request, etag):
            return not_modified(etag)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control()
    return response
