"""The coverage chart on the pages that show one: ``{% coverage_chart person=person %}`` on a
person's page and ``{% coverage_chart outlet=outlet %}`` on an outlet's; the search page
frames its own (``{% coverage_frame_query %}``: the frame's query string)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from search.api import SearchRequest

from ..research.coverage_views import compare_query, coverage_block, frame_query

register = template.Library()


@register.inclusion_tag("research/_coverage.html", takes_context=True)
def coverage_chart(context, person=None, outlet=None):
    """The coverage over time of the page's search, or of ``person``'s or ``outlet``'s
    stories, with its interval and measure switches, a table and its CSV."""
    request = context["request"]
    if person is not None:
        asked = SearchRequest(person_slugs=[person.slug])
        title = f"Stories mentioning {person.name}"
        compare = []
    elif outlet is not None:
        asked = SearchRequest(outlet_slugs=[outlet.slug])
        title = f"Stories of {outlet.name}"
        compare = []
    else:
        asked = SearchRequest.from_query(request.GET)
        title = f"Stories matching “{asked.text}”" if asked.text else "Stories found"
        if asked.scope == "quotes":
            title = f"Quotes matching “{asked.text}”" if asked.text else "Quotes found"
        compare = [("q", asked.text)] + [("outlet", slug) for slug in asked.outlet_slugs[:1]]
    block = coverage_block(request, asked, title=title)
    block.update(
        searching=bool(compare),
        compare_url=reverse("research:compare") + "?" + urlencode(compare) if compare else "",
    )
    return block


@register.simple_tag(takes_context=True)
def coverage_frame_query(context) -> str:
    """The query string of the search page's chart frame (its search, interval, measure)."""
    return frame_query(context["request"].GET)


@register.simple_tag(takes_context=True)
def coverage_compare_query(context) -> str:
    """The comparison page's query string, starting from the page's search."""
    return compare_query(SearchRequest.from_query(context["request"].GET))
