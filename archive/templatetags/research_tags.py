"""The coverage chart on the pages that show one: ``{% coverage_chart person=person %}`` on a
person's page and ``{% coverage_chart outlet=outlet %}`` on an outlet's; the search page
frames its own (``{% coverage_frame_query %}``: the frame's query string)."""

from django import template

from search.api import SearchRequest

from ..research.coverage_views import compare_query, coverage_block, frame_query

register = template.Library()


@register.inclusion_tag("research/_coverage.html", takes_context=True)
def coverage_chart(context, person=None, outlet=None):
    """The coverage over time of ``person``'s or ``outlet``'s stories, with its interval
    and measure switches, a table and its CSV."""
    if person is not None:
        asked = SearchRequest(person_slugs=[person.slug])
        title = f"Stories mentioning {person.name}"
    else:
        asked = SearchRequest(outlet_slugs=[outlet.slug])
        title = f"Stories of {outlet.name}"
    return coverage_block(context["request"], asked, title=title)


@register.simple_tag(takes_context=True)
def coverage_frame_query(context) -> str:
    """The query string of the search page's chart frame (its search, interval, measure)."""
    return frame_query(context["request"].GET)


@register.simple_tag(takes_context=True)
def coverage_compare_query(context) -> str:
    """The comparison page's query string, starting from the page's search."""
    return compare_query(SearchRequest.from_query(context["request"].GET))
