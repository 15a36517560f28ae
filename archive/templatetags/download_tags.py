"""Links of the search page to the search's downloads and feed."""

from urllib.parse import urlencode

from django import template

from search.api import SearchRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def search_query(context) -> str:
    """The page's search as a query string (``q``, ``in``, ``outlet``, ``person``, ``from``,
    ``to``; not its sort or page), for a link to the same search in another form."""
    return urlencode(SearchRequest.from_query(context["request"].GET).query_items())
