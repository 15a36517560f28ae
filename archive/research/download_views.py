"""Downloads of a search (CSV, JSON Lines) and its Atom feed.

``/search/download/?q=…&format=csv`` (or ``jsonl``) streams every story the search matches
(``in=quotes``: every quote), newest first, up to ``downloads.DOWNLOAD_CAP``;
``/search/feed/?q=…`` is the newest matches as an Atom feed. Both take the search page's
query string (``SearchRequest``): ``q``, ``in``, ``outlet``, ``person``, ``from``, ``to``.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.text import slugify

from archive.feeds import FEED_SIZE, LatestStoriesFeed, xml_text
from archive.models import Article, Quote
from archive.pagecache import cached_page
from search import api

from . import downloads

log = logging.getLogger(__name__)

FILENAME_WORDS = 60  # characters of the query a download's file name keeps
UNAVAILABLE = (
    "Search is unavailable at the moment: the search index cannot be read. Please try again later."
)


class BadSearch(Exception):
    """A request a download or feed cannot answer: its heading and message say why."""

    def __init__(self, heading: str, message: str):
        super().__init__(message)
        self.heading, self.message = heading, message


def bad_request(request, error: BadSearch):
    context = {"heading": error.heading, "message": error.message}
    return render(request, "400.html", context, status=400)


def unavailable():
    """503: the search index cannot answer (not built yet, or damaged)."""
    return HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")


def read_search(get) -> api.SearchRequest:
    """The search of a download or feed's query string. A date that is not one is an error
    here: the search page searches without it and says so, but a file or a feed has no
    place to say so."""
    asked = api.SearchRequest.from_query(get)
    for key, value in (("from", asked.date_from), ("to", asked.date_to)):
        if get.get(key) and value is None:
            raise BadSearch(
                "Bad date",
                f'"{get[key][:40]}" is not a date ({key}=): use YYYY-MM-DD, YYYY-MM or YYYY.',
            )
    return asked


def describe(asked: api.SearchRequest) -> str:
    """The search in words: ``stories matching “putin”, outlet bbc, from 2022-02-01``."""
    parts = [f"“{asked.text}”"] if asked.text else []
    person = "speaker" if asked.scope == "quotes" else "person"
    if asked.outlet_slugs:
        parts.append("outlet " + " or ".join(asked.outlet_slugs))
    if asked.person_slugs:
        parts.append(f"{person} " + " or ".join(asked.person_slugs))
    if asked.date_from:
        parts.append(f"from {asked.date_from.isoformat()}")
    if asked.date_to:
        parts.append(f"to {asked.date_to.isoformat()}")
    noun = "quotes" if asked.scope == "quotes" else "stories"
    return f"{noun} matching {', '.join(parts)}" if parts else f"all {noun}"


def download_filename(asked: api.SearchRequest, fmt: str) -> str:
    """``search-putin-outlet-bbc-from-2022-02-01-stories.csv``: what the file holds, in
    ASCII letters, digits and hyphens (``everything`` for the empty search)."""
    parts = [slugify(asked.text)[:FILENAME_WORDS].strip("-")]
    parts += [f"outlet-{slugify(s)}" for s in asked.outlet_slugs]
    parts += [f"person-{slugify(s)}" for s in asked.person_slugs]
    if asked.date_from:
        parts.append(f"from-{asked.date_from.isoformat()}")
    if asked.date_to:
        parts.append(f"to-{asked.date_to.isoformat()}")
    stem = "-".join(p for p in parts if p) or "everything"
    noun = "quotes" if asked.scope == "quotes" else "stories"
    return f"search-{stem}-{noun}.{fmt}"


def download(request):
    """Every match of a search as a CSV or JSON Lines file, streamed."""
    fmt = request.GET.get("format", "")
    try:
        if fmt not in downloads.FORMATS:
            shown = f'"{fmt[:40]}" is not' if fmt else "No format was given: it must be"
            raise BadSearch(
                "Unknown download format",
                f"{shown} a download format: use format=csv or format=jsonl.",
            )
        asked = read_search(request.GET)
    except BadSearch as error:
        return bad_request(request, error)
    if not api.ready():
        return unavailable()
    cap = downloads.DOWNLOAD_CAP
    try:
        found = api.matches(asked.text, limit=cap, **asked.kwargs())
    except Exception:  # a damaged index (a segment file cut short or missing)
        log.exception("download failed for %r: the index cannot be read", asked.text)
        return unavailable()
    if found.notices and not found.total:
        return bad_request(request, BadSearch("Nothing to download", " ".join(found.notices)))
    job = downloads.Download(
        ids=found.ids,
        total=found.total,
        fmt=fmt,
        scope=asked.scope,
        cap=cap,
        absolute=request.build_absolute_uri,
    )
    response = StreamingHttpResponse(job.stream(), content_type=downloads.FORMATS[fmt])
    name = download_filename(asked, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Archive-Matches"] = str(found.total)
    response["X-Archive-Rows"] = str(len(found.ids))
    if job.cut:
        response["X-Archive-Cut-Short"] = (
            f"{len(found.ids)} of {found.total} (a download holds at most {cap})"
        )
    if found.notices:
        response["X-Archive-Notice"] = " ".join(" ".join(found.notices).split())
    return response


class SearchFeed(LatestStoriesFeed):
    """The newest stories a search matches (``in=quotes``: the newest quotes), as the
    archive's other feeds give them. A search with neither words nor filters is the feed
    of the latest stories."""

    def __call__(self, request, *args, **kwargs):
        try:
            asked = read_search(request.GET)
        except BadSearch as error:
            return bad_request(request, error)
        if asked.empty:
            return HttpResponseRedirect(reverse("archive:feed_latest"))
        if not api.ready():
            return unavailable()
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        asked = read_search(request.GET)
        found = api.matches(asked.text, limit=FEED_SIZE, **asked.kwargs())
        asked.found = found
        return asked

    def title(self, obj):
        return xml_text(f"News archive: {describe(obj)}")

    def subtitle(self, obj):
        return xml_text(f"The newest {describe(obj)}, as the archive's search finds them.")

    def link(self, obj):
        return reverse("search:search") + "?" + urlencode(obj.query_items())

    def feed_url(self, obj):
        return reverse("research:search_feed") + "?" + urlencode(obj.query_items())

    def items(self, obj):
        ids = obj.found.ids
        if obj.scope == "quotes":
            rows = Quote.objects.filter(pk__in=ids, article__status=Article.Status.PUBLISHED)
            rows = rows.select_related("speaker", "article__outlet").defer(*STORY_DEFERRED)
        else:
            rows = Article.objects.published().filter(pk__in=ids).select_related("outlet")
            rows = rows.defer("raw", "removed", "curated_fields")
        found = {row.pk: row for row in rows}
        return [found[pk] for pk in ids if pk in found]

    # A quote's entry: its words, who said them, the story they are in.

    def item_title(self, item):
        if isinstance(item, Quote):
            return xml_text(f"{speaker_of(item)}: “{item.text}”")
        return super().item_title(item)

    def item_description(self, item):
        if isinstance(item, Quote):
            story = item.article
            outlet = story.outlet.name if story.outlet_id else "unknown outlet"
            return xml_text(f"In “{story.title}” ({outlet}).")
        return super().item_description(item)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"quote-{item.pk}" if isinstance(item, Quote) else super().item_guid(item)

    def item_pubdate(self, item):
        published = story_of(item).published
        if published is None:  # an undated story: no date rather than a wrong one
            return None
        return super().item_pubdate(story_of(item))

    def item_updateddate(self, item):
        return story_of(item).updated

    def item_author_name(self, item):
        if isinstance(item, Quote):
            return xml_text(speaker_of(item))
        return super().item_author_name(item)

    def item_categories(self, item):
        return super().item_categories(story_of(item))


# A quote's story is read without its longest fields (the feed shows none of them).
STORY_DEFERRED = ("article__raw", "article__body", "article__removed", "article__curated_fields")


def story_of(item):
    return item.article if isinstance(item, Quote) else item


def speaker_of(quote) -> str:
    if quote.speaker_id:
        return quote.speaker.name
    return quote.speaker_label or "Unattributed"


urlpatterns = [
    path("search/download/", download, name="search_download"),
    path("search/feed/", cached_page(SearchFeed()), name="search_feed"),
]
