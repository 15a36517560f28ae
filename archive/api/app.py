"""The API itself: a ``NinjaAPI`` whose every answer is JSON (a bad parameter 422 or 400,
an unknown record 404, a refused token 401, too many requests 429), tagged for
conditional GET, with its documentation page served from the site's own files."""

from __future__ import annotations

import logging

from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError, ValidationError

from . import caching
from .auth import AUTH
from .routers import articles, coverage, outlets, people, quotes, search
from .throttling import ApiRateThrottle

log = logging.getLogger(__name__)

DESCRIPTION = """\
The news archive's published stories, people, outlets and quotations, read-only, as JSON.

* Lists are newest first (people and outlets by name) and paged by cursor: follow `next`
  until it is null; `limit` sets the page size (at most 100).
* `/search/` takes the search page's query language and filters (`q`, `in=quotes`,
  `outlet`, `person`, `from`, `to`, `sort`).
* `/coverage/` counts a search's matches per day, week or month (`interval`).
* Answers carry an `ETag`: send it back as `If-None-Match` for a 304 while nothing changed.
* Without a token a client may make 60 requests a minute (per address); a token made by
  the archive's curators, sent as `Authorization: Bearer <token>`, raises that to 600.
"""

RETRY_AFTER_UNAVAILABLE = 5  # seconds a client waits before asking a busy search again

# The documentation page: Swagger UI from django-ninja's own static files (``ninja`` is an
# installed app), with no call to Swagger's online validator.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


class LocalSwagger(Swagger):
    """Swagger UI from the site's own files, under a policy that lets it draw (its
    stylesheet has inline images; it sets styles on elements)."""

    def __init__(self):
        super().__init__(settings={"validatorUrl": None, "tryItOutEnabled": True})

    def render_page(self, request, api, **kwargs):
        response = super().render_page(request, api, **kwargs)
        response["Content-Security-Policy"] = DOCS_POLICY
        return response


class ArchiveAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        limit = getattr(request, "rate_limit", None)
        if limit is not None:
            response["X-RateLimit-Limit"], response["X-RateLimit-Remaining"] = map(str, limit)
        return caching.tag(request, response)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The token is optional: each operation may be called without one (``{}``)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if operation.get("security") and {} not in operation["security"]:
                    operation["security"].append({})
        return schema


api = ArchiveAPI(
    title="News archive API",
    version="1.0",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs/",
    openapi_url="/openapi.json",
    auth=AUTH,
    throttle=[ApiRateThrottle()],
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc):
    response = api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    elif exc.status_code == 503:
        response["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
    return response


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=422)


api.add_router("/articles", articles.router, tags=["articles"])
api.add_router("/search", search.router, tags=["search"])
api.add_router("/people", people.router, tags=["people"])
api.add_router("/outlets", outlets.router, tags=["outlets"])
api.add_router("/quotes", quotes.router, tags=["quotes"])
api.add_router("/coverage", coverage.router, tags=["coverage"])
