"""The API's URLs (``api:`` namespace), mounted at ``api/`` by ``archive.urls``: the
operations, ``openapi.json`` and ``docs/``, and a JSON 404 for any other path under it."""

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, re_path, resolve

from .app import api

ninja_patterns, _app, _namespace = api.urls

app_name = "api"

UNKNOWN = "No such API address: see /api/docs/ for the API's addresses."


def unknown(request, rest=""):
    """A JSON 404; an address missing only its final slash is redirected to it (as
    ``APPEND_SLASH`` does for the site's pages)."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not unknown:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    return JsonResponse({"detail": UNKNOWN}, status=404)


urlpatterns = [*ninja_patterns, re_path(r"^(?P<rest>.*)$", unknown)]
