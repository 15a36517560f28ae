"""The archive's counters and cached figures, and what keeps them up to date.

Outlets and people carry counters (``Outlet.article_count`` and its first and last
dates, ``Person.mention_count``) and mentions and quotes carry copies of their story's
date, state and outlet, so that reader pages never count the archive. This module
computes them (``refresh_counts``; ``manage.py recount`` recomputes everything), raises
them while an import saves new stories (``add_mention_counts``, ``OutletFigures``), and
files the archive-wide figures the reader pages cache under the archive's generation
(``page_stats_keys``). Its receivers follow ``articles_changed``; ``ArchiveConfig.ready``
connects them by importing this module.
"""

import threading
from collections import Counter, defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.functions import Coalesce, Greatest, Least
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Article, Mention, Outlet, Person, Quote
from .pagecache import generation
from .signals import articles_changed
from .timeline import timeline

# Seconds the archive-wide figures stay cached when nothing changes
# (``ARCHIVE_STATS_CACHE_SECONDS`` overrides it).
STATS_CACHE_SECONDS = 300
CHUNK = 500  # ids per query when counting for a list of articles or people


def _chunks(ids, size=CHUNK):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def refresh_outlet_counts(outlet_ids=None):
    """Recompute ``article_count``, ``first_published`` and ``last_published`` of the outlets
    ``outlet_ids`` (all outlets when None) from their published stories.

    One aggregate query over the published stories (indexed), then one update per outlet
    whose figures changed. Returns the number of outlets updated.
    """
    outlets = Outlet.objects.only("id", "article_count", "first_published", "last_published")
    published = Article.objects.published().filter(outlet__isnull=False)
    if outlet_ids is not None:
        outlet_ids = list(outlet_ids)
        outlets = outlets.filter(pk__in=outlet_ids)
        published = published.filter(outlet_id__in=outlet_ids)
    rows = (
        published.order_by()
        .values_list("outlet_id")
        .annotate(models.Count("id"), models.Min("published"), models.Max("published"))
    )
    figures = {outlet_id: rest for outlet_id, *rest in rows}
    changed = []
    for outlet in outlets:
        new = tuple(figures.get(outlet.pk, (0, None, None)))
        if (outlet.article_count, outlet.first_published, outlet.last_published) != new:
            outlet.article_count, outlet.first_published, outlet.last_published = new
            changed.append(outlet)
    Outlet.objects.bulk_update(
        changed, ["article_count", "first_published", "last_published"], batch_size=500
    )
    return len(changed)


def sync_story_fields(article_ids=None):
    """Copy the date, published state (and outlet) of ``article_ids`` (every article when
    None) onto their mentions and quotes. Two UPDATEs per 500 articles."""
    article = Article.objects.filter(pk=models.OuterRef("article_id"))
    values = {
        "published": models.Subquery(article.values("published")[:1]),
        "is_published": models.Exists(article.filter(status=Article.Status.PUBLISHED)),
    }
    mention_values = {**values, "outlet": models.Subquery(article.values("outlet")[:1])}
    if article_ids is None:
        Mention.objects.update(**mention_values)
        Quote.objects.update(**values)
        return
    for chunk in _chunks(set(article_ids)):
        Mention.objects.filter(article_id__in=chunk).update(**mention_values)
        Quote.objects.filter(article_id__in=chunk).update(**values)


def refresh_person_counts(person_ids=None):
    """Recompute ``Person.mention_count`` (published stories mentioning them) for
    ``person_ids`` (everyone when None) from the mentions (``sync_story_fields`` first).
    Returns the number of people updated."""
    chunks = [None] if person_ids is None else list(_chunks(set(person_ids)))
    updated = 0
    for chunk in chunks:
        people = Person.objects.order_by().values_list("id", "mention_count")
        mentions = Mention.objects.filter(is_published=True)
        if chunk is not None:
            people = people.filter(pk__in=chunk)
            mentions = mentions.filter(person_id__in=chunk)
        counts = dict(
            mentions.order_by().values_list("person_id").annotate(models.Count("article_id"))
        )
        # One UPDATE per new value (most people have a handful of stories), cheaper than
        # bulk_update's CASE over every changed row.
        changed = defaultdict(list)
        for pk, stored in people:
            n = counts.get(pk, 0)
            if stored != n:
                changed[n].append(pk)
        for n, pks in changed.items():
            for part in _chunks(pks):
                Person.objects.filter(pk__in=part).update(mention_count=n)
            updated += len(pks)
    return updated


def add_mention_counts(added: dict[int, int]) -> None:
    """Raise people's ``mention_count`` by the published stories just added that mention
    them (``{person id: stories}``), inside the transaction that adds them: one UPDATE
    per 500 people, so rows are locked in one statement rather than one per figure."""
    for chunk in _chunks(sorted(added)):
        by_count = defaultdict(list)
        for pk in chunk:
            by_count[added[pk]].append(pk)
        raise_by = models.Case(
            *(models.When(pk__in=pks, then=models.Value(n)) for n, pks in by_count.items()),
            default=models.Value(0),
            output_field=models.PositiveIntegerField(),
        )
        Person.objects.filter(pk__in=chunk).update(
            mention_count=models.F("mention_count") + raise_by
        )


class OutletFigures:
    """What new stories add to their outlets' ``article_count`` and first and last
    published dates, gathered story by story (``add``) and written with ``save``."""

    def __init__(self):
        self.counts: Counter = Counter()
        self.dates: dict[int, list] = {}  # outlet id -> [earliest, latest] new date

    def add(self, article) -> None:
        """Count ``article``, a new story, if it is published under an outlet."""
        if article.outlet_id is None or article.status != Article.Status.PUBLISHED:
            return
        self.counts[article.outlet_id] += 1
        day = article.published
        if day is not None:
            span = self.dates.setdefault(article.outlet_id, [day, day])
            span[0], span[1] = min(span[0], day), max(span[1], day)

    def save(self) -> None:
        """One UPDATE per outlet, relative to the stored figures (another import adding
        to the same outlet meanwhile is kept), then start again from nothing. Called in
        the transaction that saves the stories."""
        for outlet_id, count in sorted(self.counts.items()):
            values = {"article_count": models.F("article_count") + count}
            if outlet_id in self.dates:
                first, last = self.dates[outlet_id]
                # SQLite's MIN(a, b) is NULL when a is: an outlet without a dated story yet
                values["first_published"] = Coalesce(
                    Least("first_published", models.Value(first)), models.Value(first)
                )
                values["last_published"] = Coalesce(
                    Greatest("last_published", models.Value(last)), models.Value(last)
                )
            Outlet.objects.filter(pk=outlet_id).update(**values)
        self.counts, self.dates = Counter(), {}


def _outlets_add_up() -> bool:
    """Whether the outlets' ``article_count`` add up to the published stories with an
    outlet (two small aggregates). Once the outlets of the changed articles are recounted,
    an outlet left out can only have lost stories (a story joining one is among the
    changed articles), so any outlet still wrong makes the sum too large."""
    stored = Outlet.objects.aggregate(total=models.Sum("article_count"))["total"] or 0
    return stored == Article.objects.published().filter(outlet__isnull=False).count()


def refresh_counts(article_ids=None, *, person_ids=(), created=False):
    """Bring the copies of story fields on mentions and quotes (``sync_story_fields``) and
    the outlet and person counters up to date after ``article_ids`` changed.

    The outlets of those articles are recounted, then every outlet if the counters still
    do not add up (``_outlets_add_up``): an article that left an outlet (moved, deleted)
    shows only its new one. People are recounted when mentioned in those articles or
    listed in ``person_ids`` (e.g. people whose mentions were deleted). With
    ``article_ids=None`` everything is recounted. The importer, the admin, curation and
    re-extraction reach this through the ``articles_changed`` signal.

    ``created``: the articles are new, their mentions and quotes were saved with the
    story's fields, and their people's and outlets' figures raised in the same
    transaction (``add_mention_counts``, ``OutletFigures``): nothing is left to count.
    """
    if created and article_ids is not None:
        return
    if not created:
        sync_story_fields(article_ids)
    if article_ids is None:
        refresh_outlet_counts()
        refresh_person_counts()
        return
    outlets = set()
    for chunk in _chunks(set(article_ids)):
        outlets.update(
            Article.objects.filter(pk__in=chunk, outlet__isnull=False)
            .order_by()
            .values_list("outlet_id", flat=True)
            .distinct()
        )
    if outlets:
        refresh_outlet_counts(outlets)
    if not _outlets_add_up():
        refresh_outlet_counts()
    people = set(person_ids)
    for chunk in _chunks(set(article_ids)):
        people.update(
            Mention.objects.filter(article_id__in=chunk)
            .order_by()
            .values_list("person_id", flat=True)
            .distinct()
        )
    if people:
        refresh_person_counts(people)


# Archive-wide figures the reader pages cache (``archive_stats`` and the number of quotes
# on ``/quotes/``), filed under the archive's generation
# (``archive.pagecache``) so that every process stops using them once the archive changes.
STATS_CACHE_KEY = "archive:stats"
QUOTES_CACHE_KEY = "archive:quote-count"


def page_stats_keys():
    """The cache keys of the archive-wide figures for the current generation."""
    token = generation()
    return f"{STATS_CACHE_KEY}:{token}", f"{QUOTES_CACHE_KEY}:{token}"


_removed = threading.local()  # people whose mentions were deleted, recounted on the next change


def forget_page_stats():
    """Drop the cached archive-wide figures so the next page view recomputes them."""
    cache.delete_many(page_stats_keys())


def _cache_seconds():
    return getattr(settings, "ARCHIVE_STATS_CACHE_SECONDS", STATS_CACHE_SECONDS)


def archive_stats():
    """Archive-wide figures: stories per month, undated count, top outlets and people.

    Cached (``STATS_CACHE_SECONDS``) and dropped whenever articles change
    (``forget_page_stats``): the monthly counts are the one costly aggregate of the home
    and date index pages at a hundred thousand stories. Four queries when cold; the
    outlets and people come from their counters.
    """

    def compute():
        months = Article.objects.published().dated().per_month()
        return {
            "months": months,
            "timeline": timeline(months),
            "dated": sum(n for _, n in months),
            "undated": Article.objects.published().undated().count(),
            "outlets": list(Outlet.objects.with_stories()[:12]),
            "people": list(Person.objects.most_mentioned()[:12]),
        }

    return cache.get_or_set(page_stats_keys()[0], compute, _cache_seconds())


def quote_count(quotes):
    """The number of ``quotes``, every quote of the archive on ``/quotes/``: counting them
    costs more than the page, so it is cached like the other archive-wide figures."""
    return cache.get_or_set(page_stats_keys()[1], quotes.count, _cache_seconds())


@receiver(post_delete, sender=Mention, dispatch_uid="archive.mention_deleted")
def _mention_deleted(sender, instance, **kwargs):
    if not hasattr(_removed, "people"):
        _removed.people = set()
    _removed.people.add(instance.person_id)


@receiver(articles_changed, dispatch_uid="archive.counters")
def _articles_changed(sender, ids, created=False, **kwargs):
    people = getattr(_removed, "people", set())
    _removed.people = set()
    refresh_counts(ids, person_ids=people, created=created and not people)
    forget_page_stats()
