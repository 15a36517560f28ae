"""The archive's querysets: the filtering and counting the pages, feeds and admin ask for.

Each model's manager is its queryset (``Article.objects.published()``, ``Mention.objects
.of_person(p).totals()``): views call these and stay thin. The querysets name their models
through ``self.model`` and its relations, so this module imports no model.
"""

import unicodedata

from django.db import models
from django.db.models.functions import Coalesce, TruncMonth

from .ingest.namekeys import similar_surname

ALIAS_SHOWN_STORIES = 2  # stories that must give a spelling before a person page shows it
LIST_DEFERRED = ("raw", "body", "removed", "curated_fields")  # large fields no list shows


def story_totals(queryset):
    """``{"all": stories, "dated": stories with a date}`` of ``queryset`` (articles, or
    mentions, which copy their story's date), one aggregate."""
    return queryset.aggregate(all=models.Count("id"), dated=models.Count("published"))


def name_order(name):
    """A sort key for a name that ignores case and accents: "Ben Shapiro" sorts before
    "BET", "Élysée" with the Es; names alike once folded keep their exact spelling's order."""
    decomposed = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return (folded, name)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED)

    def for_list(self):
        """With their outlet, ready for a list (``LIST_DEFERRED`` left unread)."""
        return self.select_related("outlet").defer(*LIST_DEFERRED)

    def dated(self):
        """Stories with a known publication date."""
        return self.filter(published__isnull=False)

    def undated(self):
        """Stories whose publication date is not known."""
        return self.filter(published__isnull=True)

    def newest_first(self):
        """Newest first, undated stories last (the same on SQLite and PostgreSQL)."""
        return self.order_by(models.F("published").desc(nulls_last=True), "-id")

    def adjacent(self, article, *, newer):
        """The story next to ``article`` in (published, id) order: newer or older.

        Undated stories sort after (older than) every dated one, ordered by id.
        """
        return self.neighbours(article)[1 if newer else 0]

    def neighbours(self, article):
        """``(older, newer)``: the stories either side of ``article`` in newest-first order
        (published date, then id; undated stories after the dated ones), in one query.

        Each candidate is the first row of an index range (same date and a lower or higher
        id, an earlier or later date, the undated ones), picked by a scalar subquery; the
        few candidates are then compared here. The cost does not grow with the number of
        stories.
        """
        pub, pk = article.published, article.pk
        base = self.order_by()
        if pub is None:
            candidates = [
                base.filter(published__isnull=True, id__lt=pk).order_by("-id"),
                base.filter(published__isnull=True, id__gt=pk).order_by("id"),
                base.filter(published__isnull=False).order_by("published", "id"),
            ]
        else:
            candidates = [
                base.filter(published=pub, id__lt=pk).order_by("-id"),
                base.filter(published__lt=pub).order_by("-published", "-id"),
                base.filter(published__isnull=True).order_by("-id"),
                base.filter(published=pub, id__gt=pk).order_by("id"),
                base.filter(published__gt=pub).order_by("published", "id"),
            ]
        match = models.Q()
        for candidate in candidates:
            match |= models.Q(pk=models.Subquery(candidate.values("pk")[:1]))
        rows = list(self.filter(match))

        def position(a):  # ascending = newest first
            return (a.published is None, -a.published.toordinal() if a.published else 0, -a.pk)

        here = position(article)
        older = min((a for a in rows if position(a) > here), key=position, default=None)
        newer = max((a for a in rows if position(a) < here), key=position, default=None)
        return older, newer

    def first_copy_first(self):
        """Ordered as a story cluster counts its copies: published date (undated last),
        then import time."""
        return self.order_by(models.F("published").asc(nulls_last=True), "created", "id")

    def totals(self):
        """``{"all": stories, "dated": stories with a date}`` (``story_totals``)."""
        return story_totals(self.order_by())

    def per_month(self):
        """``[(first day of the month, stories)]``, oldest month first; the undated stories
        are one more group, dated None."""
        return list(
            self.order_by()
            .annotate(month=TruncMonth("published"))
            .values_list("month")
            .annotate(n=models.Count("id"))
            .order_by("month")
        )

    def per_day(self):
        """``[(day, stories)]``, oldest day first."""
        return list(
            self.order_by()
            .values_list("published")
            .annotate(n=models.Count("id"))
            .order_by("published")
        )

    def mentioning(self, person):
        """The stories that mention ``person``."""
        mentions = self.model.mentions.rel.related_model.objects.filter(
            person=person, article=models.OuterRef("pk")
        )
        return self.filter(models.Exists(mentions))

    def later_copies(self):
        """Articles that republish a story the archive already had from an earlier copy."""
        return self.filter(cluster__isnull=False).exclude(cluster__first_id=models.F("id"))


class OutletQuerySet(models.QuerySet):
    def with_stories(self):
        """Outlets with published stories, the most first (their counters)."""
        return self.filter(article_count__gt=0).order_by("-article_count", "name")

    def a_to_z(self):
        """Every outlet A–Z, case and accents ignored, as a list: an archive holds a few
        hundred outlets at most, and SQLite cannot order by a folded name."""
        return sorted(self, key=lambda outlet: name_order(outlet.name))


class PersonQuerySet(models.QuerySet):
    def mentioned(self):
        """People mentioned in published stories (their counter)."""
        return self.filter(mention_count__gt=0)

    def most_mentioned(self):
        return self.mentioned().order_by("-mention_count", "name")

    def a_to_z(self):
        """By the folded name kept beside each person (the list can be long, and SQLite
        cannot fold accents): "de Gaulle" among the Ds, "Émile Zola" among the Es."""
        return self.order_by("sort_name", "name", "id")

    def initial(self, letter):
        """People whose folded name starts with ``letter``."""
        return self.filter(sort_name__startswith=letter.lower())

    def matching(self, text):
        """People whose name or one of whose aliases contains ``text``."""
        aliases = self.model.aliases.rel.related_model.objects.filter(
            person=models.OuterRef("pk"), name__icontains=text
        )
        return self.filter(models.Q(name__icontains=text) | models.Exists(aliases))

    def shown_aliases(self, person):
        """The other names ``person``'s page shows, by name: those at least
        ``ALIAS_SHOWN_STORIES`` of their stories give, and those no story gives (a curator's,
        or a merged person's name). A spelling only one story gave (a typo, a headline's
        words) and their surname alone or misspelt ("Trump", "Trumo") still link stories to
        them but are not shown as their names. One query."""
        mention_model = self.model.mentions.rel.related_model
        alias_model = self.model.aliases.rel.related_model
        stories = (
            mention_model.objects.filter(person=person, name=models.OuterRef("name"))
            .order_by()
            .values("person")
            .annotate(n=models.Count("id"))
            .values("n")
        )
        aliases = (
            alias_model.objects.filter(person=person)
            .exclude(name=person.name)
            .annotate(stories=Coalesce(models.Subquery(stories), 0))
            .filter(models.Q(stories=0) | models.Q(stories__gte=ALIAS_SHOWN_STORIES))
            .order_by("name")
        )
        surname = person.name.split()[-1] if " " in person.name else ""
        return [
            alias
            for alias in aliases
            if " " in alias.name.strip() or not (surname and similar_surname(alias.name, surname))
        ]

    def mentioned_with(self, person, article_ids):
        """The other people mentioned in ``article_ids`` (a subquery), with the number of
        those stories as ``n``, the most first."""
        return (
            self.filter(mentions__article_id__in=article_ids)
            .exclude(pk=person.pk)
            # Counting a column of the (article, person) index keeps the join index-only.
            .annotate(n=models.Count("mentions__article"))
            .order_by("-n", "name")
        )


class MentionQuerySet(models.QuerySet):
    def of_person(self, person):
        """``person``'s mentions in published stories. They copy their story's date, state
        and outlet (index on person, is_published, published, article): what is read from
        them follows the number of the person's stories, not the size of the archive."""
        return self.filter(person=person, is_published=True)

    def totals(self):
        """``{"all": stories, "dated": stories with a date}`` (``story_totals``)."""
        return story_totals(self)

    def latest_article_ids(self, limit):
        """The ids of the newest ``limit`` stories (undated last), as a subquery."""
        return self.order_by(models.F("published").desc(nulls_last=True), "-article_id").values(
            "article_id"
        )[:limit]

    def top_outlets(self, limit):
        """The outlets of the most of these stories, as ``Outlet`` instances (id, name and
        slug) with the number of stories as ``n``, the most first."""
        outlet_model = self.model._meta.get_field("outlet").related_model
        outlets = []
        for row in (
            self.filter(outlet__isnull=False)
            .values("outlet", "outlet__name", "outlet__slug")
            .annotate(n=models.Count("id"))
            .order_by("-n", "outlet__name")[:limit]
        ):
            outlet = outlet_model(
                pk=row["outlet"], name=row["outlet__name"], slug=row["outlet__slug"]
            )
            outlet.n = row["n"]
            outlets.append(outlet)
        return outlets


class QuoteQuerySet(models.QuerySet):
    def latest(self):
        """Quotes of published stories with speaker, story and outlet, for a list, latest
        first.

        Filtered and ordered on the quotes' copies of their story's state and date
        (``is_published``, ``published``), which follow an index, not a join. Quotes from
        undated stories come last on every database (SQLite sorts NULL last in a descending
        order by itself; PostgreSQL has its own index for the order, migration 0006).
        """
        return (
            self.filter(is_published=True)
            .select_related("speaker", "article", "article__outlet")
            .defer(*(f"article__{name}" for name in LIST_DEFERRED))
            .order_by(models.F("published").desc(nulls_last=True), "-article_id", "position")
        )

    def complete(self):
        """Without the one- and two-word quoted phrases (not quotations a reader looks for)."""
        return self.filter(is_fragment=False)

    def said_by(self, person):
        return self.filter(speaker=person)

    def speaker_matching(self, text):
        """Quotes whose speaker has the slug ``text`` or a name or label containing it."""
        return self.filter(
            models.Q(speaker__slug=text)
            | models.Q(speaker__name__icontains=text)
            | models.Q(speaker_label__icontains=text)
        )

    def in_outlet(self, slug):
        return self.filter(article__outlet__slug=slug)
