"""Atom feeds: the latest stories, and the latest of one outlet or one person."""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Article, Mention, Outlet, Person

FEED_SIZE = 30


class LatestStoriesFeed(Feed):
    """The newest published stories with a known date."""

    feed_type = Atom1Feed
    title = "News archive: latest stories"
    subtitle = "The newest stories in the news archive."

    def link(self):
        return reverse("archive:home")

    def stories(self, obj):
        return Article.objects.published().dated().select_related("outlet")

    def items(self, obj=None):
        return self.stories(obj).order_by("-published", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst or " ".join(item.body.split()[:60])

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
        return item.byline or (item.outlet.name if item.outlet else None)

    def item_categories(self, item):
        return [item.outlet.name] if item.outlet else []


class OutletStoriesFeed(LatestStoriesFeed):
    """The newest stories of one outlet."""

    def get_object(self, request, slug):
        return get_object_or_404(Outlet, slug=slug)

    def title(self, obj):
        return f"News archive: {obj.name}"

    def subtitle(self, obj):
        return f"The newest stories from {obj.name}."

    def link(self, obj):
        return obj.get_absolute_url()

    def stories(self, obj):
        return super().stories(obj).filter(outlet=obj)


class PersonStoriesFeed(LatestStoriesFeed):
    """The newest stories that mention one person."""

    def get_object(self, request, slug):
        return get_object_or_404(Person, slug=slug)

    def title(self, obj):
        return f"News archive: {obj.name}"

    def subtitle(self, obj):
        return f"The newest stories that mention {obj.name}."

    def link(self, obj):
        return obj.get_absolute_url()

    def stories(self, obj):
        mentions = Mention.objects.filter(person=obj, article=OuterRef("pk"))
        return super().stories(obj).filter(Exists(mentions))
