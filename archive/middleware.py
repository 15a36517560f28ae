"""Request hygiene shared by every page."""

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
