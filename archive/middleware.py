"""Request hygiene shared by every page."""

from django.conf import settings
from django.http import QueryDict


class DropNulFromQueryMiddleware:
    """Remove NUL characters from query-string values before any view reads them.

    A NUL (``%00``) is never meaningful in a search or a filter, and PostgreSQL refuses it
    in any text it is asked to compare, so a view passing it on would answer with a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query_string = request.META.get("QUERY_STRING", "")
        if "%00" in query_string or "\x00" in query_string:
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send ``settings.ARCHIVE_CONTENT_SECURITY_POLICY`` on every response.

    The pages carry no inline script or style (styles and any script are static files), so
    the policy allows only the site's own files: even markup slipped into a page could not
    run a script, load one from elsewhere, or send a form away. The admin needs nothing more:
    Django's admin loads its scripts from files and passes data in ``data-`` attributes.
    A view may set its own policy (the header is left alone when present).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.ARCHIVE_CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
