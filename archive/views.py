"""Reader pages. Views stay thin: querysets filter, templates present.

Every page issues a fixed, small number of SQL queries whatever the size of the archive:
lists are paginated, counts come from one aggregate query over the rows on the page or from
the counters kept on outlets and people (``archive.stats.refresh_counts``), and the
archive-wide figures (timeline, years, top outlets and people) are cached under the
archive's generation (``archive.stats.archive_stats``), so no process uses them once the
archive has changed. The queries themselves are queryset methods (``archive.querysets``),
the pagers in ``archive.pagination``, the coverage chart's geometry in ``archive.timeline``.
"""

import calendar
import datetime
import logging
import string

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic.dates import (
    ArchiveIndexView,
    DayArchiveView,
    MonthArchiveView,
    YearArchiveView,
)

from search.api import more_like_this as search_more_like_this

from .dates import parse_month
from .models import Article, Mention, Outlet, Person, Quote
from .pagination import PAGE_SIZE, NewestFirst, paginate
from .querysets import LIST_DEFERRED
from .redirects import redirect_for
from .stats import archive_stats, quote_count
from .templatetags.archive_tags import mark_quotes

log = logging.getLogger(__name__)

HOME_UNDATED = 5
PEOPLE_PAGE_SIZE = 60
OUTLETS_PAGE_SIZE = 50
QUOTES_PAGE_SIZE = 25
RELATED_SAMPLE = 500  # co-mentions are counted over a person's latest stories: a fixed cost
MONTH_ABBR = [""] + [datetime.date(2000, m, 1).strftime("%b") for m in range(1, 13)]


def published_articles():
    """Published stories with their outlet, ready for a list (large text fields deferred)."""
    return Article.objects.published().for_list()


def get_by_slug_or_redirect(model, kind, slug):
    """``model`` with ``slug``; an old slug (after a merge or rename) raises a redirect.

    Returns ``(obj, None)`` or ``(None, redirect_response)``; an unknown slug is a 404.
    """
    obj = model.objects.filter(slug=slug).first()
    if obj is not None:
        return obj, None
    new_slug = redirect_for(kind, slug)
    if new_slug is None:
        raise Http404(f"No {kind} with this address")
    target = model.objects.filter(slug=new_slug).first()
    if target is None:
        raise Http404(f"No {kind} with this address")
    return None, redirect(target, permanent=True)


# -- Home ---------------------------------------------------------------------------------


def home(request):
    """Search box, latest stories, top outlets and people, a coverage timeline."""
    stats = archive_stats()
    # Dated and undated stories are listed apart: each list then follows the
    # (status, -published, -id) index on every database, with no sort of the whole table,
    # and the number of dated stories comes from the cached monthly counts.
    page = paginate(
        request,
        published_articles().dated().order_by("-published", "-id"),
        count=stats["dated"],
    )
    undated = []
    if stats["undated"]:
        undated = list(published_articles().undated().order_by("-id")[:HOME_UNDATED])
    return render(
        request,
        "archive/home.html",
        {
            "page": page,
            "undated": undated,
            "outlets": stats["outlets"],
            "people": stats["people"],
            "timeline": stats["timeline"],
        },
    )


def bad_request(request, exception=None):
    """The 400 page: says what was wrong with a request the server could not read.

    Django refuses an upload of more than ``DATA_UPLOAD_MAX_NUMBER_FILES`` files, or one
    whose part headers (a file name) pass its 1 KB limit, before any view runs (the CSRF
    check reads the form first), so the upload form never sees it: this page says why and
    links back to the form. Nothing here reads the host (a refused host is a 400 too).
    """
    heading, message = "Bad request", "The server could not read this request."
    if isinstance(exception, TooManyFilesSent):
        heading = "Too many files"
        message = (
            f"Too many files: more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES:,}. Upload at "
            f"most {settings.ARCHIVE_MAX_UPLOAD_FILES:,} files at a time."
        )
    elif isinstance(exception, TooManyFieldsSent):
        heading = "Too many form fields"
        message = f"The form sent more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields."
    elif isinstance(exception, RequestDataTooBig):
        heading = "Request too large"
        message = "The form sent more data than the server accepts in one request."
    elif isinstance(exception, MultiPartParserError):
        heading = "The upload could not be read"
        if "header size" in str(exception):
            message = (
                "A file name is too long: the server reads at most 1,024 bytes of a file's "
                "name and headers. Give the files shorter names and upload them again."
            )
        else:
            message = (
                "The uploaded form was incomplete or malformed. Please upload the files again."
            )
    back = request.path if request.method == "POST" and not request.path.startswith("//") else ""
    context = {"heading": heading, "message": message, "back": back}
    return render(request, "400.html", context, status=400)


def healthz(request):
    """Liveness check for load balancers and the benchmark's baseline: no database query."""
    return HttpResponse("ok", content_type="text/plain")


# -- Articles -----------------------------------------------------------------------------


MORE_LIKE_THIS_SECONDS = 6 * 3600


def more_like_this(article, limit=5):
    """Ids of stories like ``article`` from the search index; ``[]`` without an index.

    A failing index never breaks the article page: the error is logged, the section hidden.
    The list is kept for ``MORE_LIKE_THIS_SECONDS`` (a ranked search over the whole index
    costs more than the rest of the page, and stories like this one change slowly).
    """
    key = f"more-like-this:{article.pk}:{limit}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    text = "\n".join([article.title, article.standfirst, article.body])
    try:
        ids = list(search_more_like_this(article.pk, limit=limit, text=text))
    except Exception:
        log.exception("More like this failed for article %s", article.pk)
        return []
    cache.set(key, ids, MORE_LIKE_THIS_SECONDS)
    return ids


def also_published(article):
    """The other published copies of ``article``'s story and the one published first.

    Returns ``(copies, first_id)``: the copies first copy first (``Article.copies``), with
    their outlets, in one query (none for a story without copies); ``first_id`` is the id of
    the copy, this one included, published strictly before all the others, or None when a
    copy has no date or the earliest date is shared (the dates do not tell).
    """
    if not article.cluster_id:
        return [], None
    # The state is checked here, not in the query: with it there, SQLite walks the whole
    # status index rather than the story's cluster (370 ms for a cluster at 100,000).
    published = Article.Status.PUBLISHED
    copies = [c for c in article.copies().defer(*LIST_DEFERRED) if c.status == published]
    if not copies:
        return [], None
    everyone = [article, *copies]
    if any(a.published is None for a in everyone):
        return copies, None
    earliest = min(a.published for a in everyone)
    firsts = [a.pk for a in everyone if a.published == earliest]
    return copies, firsts[0] if len(firsts) == 1 else None


def article_detail(request, pk, slug):
    """One story: clean body with quotations marked, people, quotes, neighbours."""
    # The page shows the clean text: the raw input and the cleaner's notes stay unread.
    queryset = (
        Article.objects.select_related("outlet")
        .defer("raw", "removed", "curated_fields")
        .prefetch_related(
            Prefetch("mentions", queryset=Mention.objects.select_related("person")),
            Prefetch("quotes", queryset=Quote.objects.select_related("speaker")),
        )
    )
    if not request.user.is_staff:
        queryset = queryset.published()
    article = get_object_or_404(queryset, pk=pk)
    if slug != (article.slug or "story"):
        return redirect(article, permanent=True)

    quotes = list(article.quotes.all())
    by_paragraph = {}
    for quote in quotes:
        by_paragraph.setdefault(quote.paragraph, []).append(quote)
    paragraphs, found = [], set()
    for index, text in enumerate(article.paragraphs):
        html, marked = mark_quotes(text, by_paragraph.get(index, []))
        paragraphs.append(html)
        found |= marked

    previous = newer = None
    if article.outlet_id:
        siblings = (
            Article.objects.published()
            .filter(outlet_id=article.outlet_id)
            .only("id", "slug", "title", "published")
        )
        previous, newer = siblings.neighbours(article)

    copies, first_copy_id = also_published(article)
    copy_ids = {c.pk for c in copies}
    similar_ids = [i for i in more_like_this(article) if i != article.pk and i not in copy_ids]
    similar = []
    if similar_ids:
        # Looked up by id, the state checked here: with it in the query SQLite walks the
        # whole status index (11 ms at 100,000 stories) instead of reading five rows.
        found_articles = Article.objects.for_list().in_bulk(similar_ids)
        similar = [
            found_articles[i]
            for i in similar_ids
            if i in found_articles and found_articles[i].status == Article.Status.PUBLISHED
        ]

    return render(
        request,
        "archive/article_detail.html",
        {
            "article": article,
            "paragraphs": paragraphs,
            "quotes": quotes,
            "marked": found,
            "mentions": article.mentions.all(),
            "previous": previous,
            "next": newer,
            "similar": similar,
            "copies": copies,
            "first_copy_id": first_copy_id,
        },
    )


# -- Outlets ------------------------------------------------------------------------------


def outlet_list(request):
    """All outlets A–Z (case and accents ignored) with their number of stories and the dates
    they span (their counters), and an "Unknown outlet" entry with the published stories no
    outlet is known for.

    Two queries: the outlets, sorted here (an archive holds a few hundred outlets at most;
    SQLite cannot order by a folded name), and the count of stories without an outlet.
    """
    outlets = Outlet.objects.a_to_z()
    unknown = Article.objects.published().filter(outlet__isnull=True).count()
    return render(
        request,
        "archive/outlet_list.html",
        {"page": paginate(request, outlets, OUTLETS_PAGE_SIZE), "unknown_count": unknown},
    )


def outlet_unknown(request):
    """``/unknown-outlet/``: published stories no outlet is known for, newest first, undated
    ones last. Two queries: the counts, the page (three where the dated stories end)."""
    articles = published_articles().filter(outlet__isnull=True)
    totals = articles.totals()
    stories = NewestFirst(articles, totals["dated"], totals["all"] - totals["dated"])
    page = paginate(request, stories)
    return render(request, "archive/outlet_unknown.html", {"page": page})


def outlet_detail(request, slug):
    """An outlet's stories, newest first, with a by-month breakdown (``?month=YYYY-MM``).

    Three queries: the outlet, its stories per month (the undated ones in one more group,
    which also gives the page count), the page of stories.
    """
    outlet, moved = get_by_slug_or_redirect(Outlet, "outlet", slug)
    if moved:
        return moved
    articles = published_articles().filter(outlet=outlet)
    rows = articles.per_month()
    undated_total = sum(n for m, n in rows if m is None)
    months = sorted(((m, n) for m, n in rows if m is not None), reverse=True)
    month = None
    if request.GET.get("month"):
        try:
            month = parse_month(request.GET["month"])
        except ValueError:
            raise Http404("Bad month: use YYYY-MM") from None
        in_month = articles.filter(published__year=month.year, published__month=month.month)
        count = dict(months).get(month, 0)
        page = paginate(request, in_month.order_by("-published", "-id"), count=count)
    else:
        dated_total = sum(n for _, n in months)
        page = paginate(request, NewestFirst(articles, dated_total, undated_total))
    top = max((n for _, n in months), default=0)
    return render(
        request,
        "archive/outlet_detail.html",
        {
            "outlet": outlet,
            "page": page,
            "month": month,
            "months": [
                {
                    "month": m,
                    "n": n,
                    "key": f"{m.year:04d}-{m.month:02d}",
                    "label": f"{MONTH_ABBR[m.month]} {m.year}",
                    "count": f"{n:,}",
                    "current": m == month,
                    "pct": round(100 * n / top),
                }
                for m, n in months
            ],
            "span": (months[-1][0], months[0][0]) if months else None,
            "dated_total": sum(n for _, n in months),
        },
    )


# -- People -------------------------------------------------------------------------------


def person_list(request):
    """People mentioned in published stories, A–Z, with a letter index and a name filter.

    The number of stories beside each name is the person's counter (``mention_count``).
    """
    people = Person.objects.mentioned().a_to_z()
    letter = request.GET.get("letter", "")
    if letter:
        if len(letter) != 1 or letter.upper() not in string.ascii_uppercase:
            raise Http404("Bad letter: use A to Z")
        letter = letter.upper()
        people = people.initial(letter)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        people = people.matching(q)
    page = paginate(request, people, PEOPLE_PAGE_SIZE)
    return render(
        request,
        "archive/person_list.html",
        {"page": page, "letter": letter, "q": q, "letters": string.ascii_uppercase},
    )


def person_detail(request, slug):
    """A person: aliases, quotes, stories, people mentioned with them, outlets covering them."""
    person, moved = get_by_slug_or_redirect(Person, "person", slug)
    if moved:
        return moved
    # Read from the person's mentions (``MentionQuerySet.of_person``): the cost follows the
    # number of stories about this person, not the size of the archive.
    mentions = Mention.objects.of_person(person)
    totals = mentions.totals()
    stories = NewestFirst(
        mentions, totals["dated"], totals["all"] - totals["dated"], key="article_id"
    )
    page = paginate(request, stories, count=totals["all"])
    quotes = list(Quote.objects.latest().said_by(person).complete()[:11])
    latest_ids = mentions.latest_article_ids(RELATED_SAMPLE)
    related = list(Person.objects.mentioned_with(person, latest_ids)[:10])
    outlets = mentions.top_outlets(10)
    return render(
        request,
        "archive/person_detail.html",
        {
            "person": person,
            "aliases": Person.objects.shown_aliases(person),
            "page": page,
            "quotes": quotes[:10],
            "more_quotes": len(quotes) > 10,
            "related": related,
            "outlets": outlets,
            "related_sample": RELATED_SAMPLE,
        },
    )


# -- Quotes -------------------------------------------------------------------------------


def quote_list(request):
    """Latest quotations, filterable by speaker (slug or name) and outlet (slug)."""
    quotes = Quote.objects.latest()
    speaker = request.GET.get("speaker", "").strip()[:100]
    outlet_slug = request.GET.get("outlet", "").strip()[:80]
    fragments = request.GET.get("fragments") == "1"
    if not fragments:
        quotes = quotes.complete()
    if speaker:
        quotes = quotes.speaker_matching(speaker)
    if outlet_slug:
        quotes = quotes.in_outlet(outlet_slug)
    # Every quote of the archive is counted once per generation (``stats.quote_count``);
    # filtered lists are counted as they are.
    count = None if speaker or outlet_slug or fragments else quote_count(quotes)
    page = paginate(request, quotes, QUOTES_PAGE_SIZE, count=count)
    outlets = Outlet.objects.a_to_z()  # the outlet filter, as on /outlets/
    return render(
        request,
        "archive/quote_list.html",
        {"page": page, "speaker": speaker, "outlet": outlet_slug, "outlets": outlets},
    )


# -- Dates --------------------------------------------------------------------------------


class ArticleDateMixin:
    """Shared set-up of the date views: published stories by ``published`` date."""

    date_field = "published"
    allow_future = True  # a story's date is what the outlet printed, even if ahead of us
    allow_empty = False  # an empty period is a 404, and prev/next links skip empty ones
    ordering = ("-published", "-id")
    paginate_by = PAGE_SIZE

    known_total = None  # stories in the period, when the page's counts already tell

    def get_queryset(self):
        return published_articles()

    def get_dated_queryset(self, **lookup):
        # An empty period is found from the counts each page reads anyway (``known_total``
        # or the pager's count), not from one more EXISTS query.
        return self.get_queryset().filter(**lookup)

    def paginate_queryset(self, queryset, page_size):
        """Pagination with a bad page number as a 404 (Django's default too), and no 'last';
        a period without stories is a 404."""
        page = paginate(self.request, queryset, page_size, count=self.known_total)
        if page.paginator.count == 0:
            raise Http404("No stories in this period")
        return (page.paginator, page, page.object_list, page.has_other_pages())

    def counted(self, rows):
        """``[{"date": d, "n": count}]`` from ``[(d, count)]`` (``per_month``, ``per_day``);
        their sum becomes ``known_total``."""
        counts = [{"date": d, "n": n} for d, n in rows]
        self.known_total = sum(row["n"] for row in counts)
        return counts


class DateIndexView(ArticleDateMixin, ArchiveIndexView):
    """``/dates/``: every year with its number of stories, and the undated ones.

    The years are summed from the cached monthly counts (``archive_stats``): no query once
    the home page or this page has filled the cache.
    """

    template_name = "archive/dates_index.html"
    paginate_by = None
    allow_empty = True

    def get_dated_items(self):
        years = {}
        for month, n in archive_stats()["months"]:
            key = datetime.date(month.year, 1, 1)
            years[key] = years.get(key, 0) + n
        date_list = [{"date": d, "n": n} for d, n in sorted(years.items())]
        return (date_list, Article.objects.none(), {})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["undated_count"] = archive_stats()["undated"]
        return context


class DateYearView(ArticleDateMixin, YearArchiveView):
    """``/dates/YYYY/``: the months of a year with their counts."""

    template_name = "archive/dates_year.html"
    make_object_list = False  # the year page lists months; its object list stays empty

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        return self.counted(queryset.per_month())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_month = {row["date"].month: row["n"] for row in context["date_list"]}
        year = context["year"].year
        context["months"] = [
            {
                "date": datetime.date(year, m, 1),
                "n": by_month.get(m, 0),
                "key": f"{m:02d}",
            }
            for m in range(1, 13)
        ]
        context["total"] = sum(by_month.values())
        return context


class DateMonthView(ArticleDateMixin, MonthArchiveView):
    """``/dates/YYYY/MM/``: a calendar with a count on each day, and the month's stories."""

    template_name = "archive/dates_month.html"
    month_format = "%m"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        return self.counted(queryset.per_day())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = context["month"]
        counts = {row["date"]: row["n"] for row in context["date_list"]}
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
        context["weeks"] = [
            [{"date": d, "n": counts.get(d, 0), "in_month": d.month == month.month} for d in week]
            for week in weeks
        ]
        context["weekdays"] = [calendar.day_abbr[i] for i in range(7)]
        context["total"] = sum(counts.values())
        return context


class DateDayView(ArticleDateMixin, DayArchiveView):
    """``/dates/YYYY/MM/DD/``: the stories of one day."""

    template_name = "archive/dates_day.html"
    month_format = "%m"

    # The day page links to the neighbouring days only: skip the month look-ups.
    def get_previous_month(self, date):
        return None

    def get_next_month(self, date):
        return None


def undated(request):
    """``/dates/undated/``: stories whose publication date is not known, newest import first."""
    page = paginate(request, published_articles().undated().order_by("-id"))
    return render(request, "archive/dates_undated.html", {"page": page})
