"""Atom feeds: the latest stories, and the latest of one outlet or one person.

Everything a feed carries from a story (title, summary, author, category) is plain text
(``type="text"``): a feed reader shows it as written and never decodes markup from it, so
``<img src=x onerror=…>`` in a story stays words. Characters XML 1.0 cannot carry (control
characters a story may hold) are dropped from the feed, not allowed to break it.
"""

import datetime
import re

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Article, Outlet, Person
from .redirects import redirect_for

FEED_SIZE = 30
SUMMARY_WORDS = 60
# Not allowed in XML 1.0 (Django's XML writer refuses them); tab, LF and CR are.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    """``value`` without the characters XML 1.0 cannot carry (``None`` stays ``None``)."""
    return None if value is None else _NOT_XML.sub("", str(value))


class TextAtomFeed(Atom1Feed):
    """Atom with plain-text summaries: Django's writes ``<summary type="html">``, which a
    feed reader decodes into live markup."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class LatestStoriesFeed(Feed):
    """The newest published stories with a known date."""

    feed_type = TextAtomFeed
    title = "News archive: latest stories"
    subtitle = "The newest stories in the news archive."

    def link(self):
        return reverse("archive:home")

    def stories(self, obj):
        return Article.objects.published().dated().select_related("outlet")

    def items(self, obj=None):
        return self.stories(obj).order_by("-published", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        return xml_text(item.standfirst or " ".join(item.body.split()[:SUMMARY_WORDS]))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"article-{item.pk}"

    def item_pubdate(self, item):
        # A story has a date, not a time: noon UTC keeps the day right in every time zone
        # within twelve hours of UTC.
        return datetime.datetime.combine(item.published, datetime.time(12), datetime.UTC)

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return xml_text(item.byline or (item.outlet.name if item.outlet else None))

    def item_categories(self, item):
        return [xml_text(item.outlet.name)] if item.outlet else []


class _Moved(Exception):
    def __init__(self, slug):
        self.slug = slug


class SlugFeed(LatestStoriesFeed):
    """The feed of one person or outlet, found by slug; an old slug (after a merge or a
    rename) redirects permanently to the feed under the new one."""

    model = None
    kind = ""
    url_name = ""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except _Moved as moved:
            return HttpResponsePermanentRedirect(reverse(self.url_name, args=[moved.slug]))

    def get_object(self, request, slug):
        obj = self.model.objects.filter(slug=slug).first()
        if obj is not None:
            return obj
        new_slug = redirect_for(self.kind, slug)
        if new_slug and self.model.objects.filter(slug=new_slug).exists():
            raise _Moved(new_slug)
        raise Http404(f"No {self.kind} with this address")


class OutletStoriesFeed(SlugFeed):
    """The newest stories of one outlet."""

    model, kind, url_name = Outlet, "outlet", "archive:feed_outlet"

    def title(self, obj):
        return xml_text(f"News archive: {obj.name}")

    def subtitle(self, obj):
        return xml_text(f"The newest stories from {obj.name}.")

    def link(self, obj):
        return obj.get_absolute_url()

    def stories(self, obj):
        return super().stories(obj).filter(outlet=obj)


class PersonStoriesFeed(SlugFeed):
    """The newest stories that mention one person."""

    model, kind, url_name = Person, "person", "archive:feed_person"

    def title(self, obj):
        return xml_text(f"News archive: {obj.name}")

    def subtitle(self, obj):
        return xml_text(f"The newest stories that mention {obj.name}.")

    def link(self, obj):
        return obj.get_absolute_url()

    def stories(self, obj):
        return super().stories(obj).mentioning(obj)
