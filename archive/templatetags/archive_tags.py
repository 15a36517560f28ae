"""Template helpers for the reader pages: quotations marked in the text, pager links, and
stored URLs that may become links."""

import re

from django import template
from django.http import QueryDict
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from archive.ingest.urls import web_url as _web_url

register = template.Library()


def mark_quotes(paragraph, quotes):
    """``paragraph`` as escaped HTML with each quotation in ``quotes`` wrapped in ``<q>``.

    Returns ``(html, found_ids)``. Matching is done on the raw text and every piece is
    escaped on output, so story text can never inject markup. A quote is marked once:
    at its first occurrence after the previous quote's mark (quotes come in text order),
    else at its first occurrence that does not overlap an earlier mark.
    """
    spans = []
    cursor = 0  # every span so far ends at or before this
    for quote in quotes:
        text = quote.text.strip()
        if not text:
            continue
        # Quotes come in text order: look after the previous one first, which is linear in
        # the paragraph even when it repeats the same quotation thousands of times.
        at = paragraph.find(text, cursor)
        if at >= 0:
            spans.append((at, at + len(text), quote))
            cursor = at + len(text)
            continue
        start = 0
        while True:
            at = paragraph.find(text, start)
            if at < 0:
                break
            end = at + len(text)
            if all(end <= s or at >= e for s, e, _ in spans):
                spans.append((at, end, quote))
                cursor = max(cursor, end)
                break
            start = at + 1
    spans.sort(key=lambda span: span[0])
    out, pos, found = [], 0, set()
    for at, end, quote in spans:
        out.append(escape(paragraph[pos:at]))
        who = quote.speaker.name if quote.speaker_id else (quote.speaker_label or "unattributed")
        out.append(
            format_html(
                '<q class="quote" id="quote-{}" title="{}">{}</q>',
                quote.pk,
                who,
                paragraph[at:end],
            )
        )
        found.add(quote.pk)
        pos = end
    out.append(escape(paragraph[pos:]))
    return mark_safe("".join(str(piece) for piece in out)), found


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` applied; ``page`` is dropped unless given.

    A value of ``None`` or ``""`` removes the parameter. Returns ``?a=1&b=2`` (or ``?``).
    """
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        params = QueryDict(mutable=True)
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


STANDFIRST_POINT = re.compile(r"\s*\n\s*|\s+[•▪●]\s+")


@register.filter
def standfirst_points(text):
    """A standfirst's separate points: its lines, or the parts between bullets (``•``).

    Several outlets write a standfirst as bullet points, on separate lines or run together
    on one ("Spy agencies piggyback on data • Details can include age"); each point is one
    item of the list the article page shows. A plain one-sentence standfirst is one point.
    """
    return [point for point in STANDFIRST_POINT.split(text or "") if point.strip(" •▪●")]


@register.filter
def web_url(value):
    """``value`` when it is an http(s) URL, else ``""``: a stored URL from an older import
    (``javascript:``, ``data:`` ...) is never put in an ``href``."""
    return _web_url(value)
