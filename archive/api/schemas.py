"""What the API answers, as typed schemas (they validate the answers and describe them in
``/api/openapi.json``), and the functions making each record from the archive's models.

Every record links to itself in the API (``url``) and to its page on the site
(``html_url``), both absolute."""

from __future__ import annotations

import datetime
import functools

from django.urls import get_script_prefix, reverse
from ninja import Schema


class Error(Schema):
    """Why the request was not answered."""

    detail: str


class ValidationErrors(Schema):
    """Which parameters were not valid, and why (pydantic's errors)."""

    detail: list[dict]


class OutletRef(Schema):
    name: str
    slug: str
    url: str
    html_url: str


class PersonRef(Schema):
    name: str
    slug: str
    url: str
    html_url: str


class ArticleRef(Schema):
    id: int
    title: str
    outlet: OutletRef | None
    published: datetime.date | None
    url: str
    html_url: str


class ArticleSummary(ArticleRef):
    standfirst: str
    authors: list[str]
    wire: str | None
    word_count: int
    source_url: str  # the story's canonical URL on its outlet's site ("" when unknown)


class Mention(Schema):
    person: PersonRef
    mentions: int  # times the story names them


class ArticleQuote(Schema):
    id: int
    text: str
    speaker: PersonRef | None
    speaker_label: str  # the words the story uses ("the Kremlin")
    paragraph: int  # index in ``body``
    fragment: bool  # a phrase quoted (a title, a word or two), not a statement


class ArticleDetail(ArticleSummary):
    body: list[str]
    people: list[Mention]
    quotes: list[ArticleQuote]
    copies: list[ArticleRef]  # the story republished by other outlets, first copy first
    cluster: int | None  # shared by every copy of the story; null without copies
    first_published_copy: int | None


class ArticleList(Schema):
    results: list[ArticleSummary]
    next: str | None


class PersonSummary(PersonRef):
    stories: int  # published stories mentioning them


class PersonList(Schema):
    results: list[PersonSummary]
    next: str | None


class OutletCount(Schema):
    outlet: OutletRef
    stories: int


class PersonCount(Schema):
    person: PersonRef
    stories: int


class PersonDetail(PersonSummary):
    aliases: list[str]  # other spellings the stories use
    quotes: int  # their quotations in published stories (fragments aside)
    outlets: list[OutletCount]  # the outlets covering them most
    related: list[PersonCount]  # people mentioned with them most (in their latest stories)
    articles_url: str
    quotes_url: str


class OutletSummary(OutletRef):
    homepage: str
    stories: int
    first_published: datetime.date | None
    last_published: datetime.date | None


class OutletList(Schema):
    results: list[OutletSummary]
    next: str | None


class MonthCount(Schema):
    month: str  # YYYY-MM
    stories: int


class OutletDetail(OutletSummary):
    months: list[MonthCount]  # newest first
    undated: int  # stories without a date
    articles_url: str


class QuoteRecord(Schema):
    id: int
    text: str
    speaker: PersonRef | None
    speaker_label: str
    fragment: bool
    published: datetime.date | None
    article: ArticleRef
    html_url: str


class QuoteList(Schema):
    results: list[QuoteRecord]
    next: str | None


class SearchQuote(Schema):
    id: int
    text: str
    speaker: PersonRef | None
    speaker_label: str


class SearchHit(Schema):
    article: ArticleRef
    snippet: str  # HTML: the story's (or quote's) escaped text, the matches in <mark>
    people: list[PersonRef]
    copies: int  # other published copies of the story, by other outlets
    quote: SearchQuote | None  # with in=quotes


class FacetValue(Schema):
    value: str  # the filter's value: a slug, YYYY or YYYY-MM
    label: str
    count: int


class SearchQuery(Schema):
    q: str
    scope: str  # articles or quotes
    outlet: list[str]
    person: list[str]
    date_from: datetime.date | None
    date_to: datetime.date | None
    sort: str


class SearchResults(Schema):
    query: SearchQuery
    total: int  # matches (stories, copies counted once; quotes with in=quotes)
    exact: bool  # false: "at least" total, the facets of the newest matches (see notices)
    results: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None  # "Did you mean"
    notices: list[str]
    next: str | None


def responses(ok, *extra: int) -> dict:
    """An operation's answers: ``ok`` (200), 304 for a conditional GET, and the errors
    every operation may give (``extra``: more error statuses, e.g. 503)."""
    errors = {status: Error for status in (400, 401, 404, 429, *extra)}
    return {200: ok, 304: None, 422: ValidationErrors, **errors}


# -- records from models -------------------------------------------------------------------


def absolute(request, path: str) -> str:
    """``path`` on this request's scheme and host (worked out once a request)."""
    base = getattr(request, "api_base", None)
    if base is None:
        base = request.api_base = request.build_absolute_uri("/").removesuffix("/")
    return base + path


MARK = "987654321"  # stands for an argument in a reversed URL (a list reverses hundreds)


@functools.lru_cache(maxsize=64)
def _template(name: str, prefix: str, arity: int) -> str:
    return reverse(name, args=[MARK] * arity)


def path_of(name: str, *args) -> str:
    """``reverse(name, args=args)``, reversed once per URL name and script prefix."""
    pieces = _template(name, get_script_prefix(), len(args)).split(MARK)
    return pieces[0] + "".join(
        str(arg) + piece for arg, piece in zip(args, pieces[1:], strict=True)
    )


def outlet_ref(request, outlet) -> dict | None:
    if outlet is None:
        return None
    return {
        "name": outlet.name,
        "slug": outlet.slug,
        "url": absolute(request, path_of("api:outlet_detail", outlet.slug)),
        "html_url": absolute(request, path_of("archive:outlet_detail", outlet.slug)),
    }


def person_ref(request, person) -> dict | None:
    if person is None:
        return None
    return {
        "name": person.name,
        "slug": person.slug,
        "url": absolute(request, path_of("api:person_detail", person.slug)),
        "html_url": absolute(request, path_of("archive:person_detail", person.slug)),
    }


def article_ref(request, article) -> dict:
    return {
        "id": article.pk,
        "title": article.title,
        "outlet": outlet_ref(request, article.outlet) if article.outlet_id else None,
        "published": article.published,
        "url": absolute(request, path_of("api:article_detail", article.pk)),
        "html_url": absolute(
            request, path_of("archive:article_detail", article.pk, article.slug or "story")
        ),
    }


def article_summary(request, article) -> dict:
    return {
        **article_ref(request, article),
        "standfirst": article.standfirst,
        "authors": list(article.authors or []),
        "wire": article.wire or None,
        "word_count": article.word_count,
        "source_url": article.url,
    }


def person_summary(request, person) -> dict:
    return {**person_ref(request, person), "stories": person.mention_count}


def outlet_summary(request, outlet) -> dict:
    return {
        **outlet_ref(request, outlet),
        "homepage": outlet.homepage,
        "stories": outlet.article_count,
        "first_published": outlet.first_published,
        "last_published": outlet.last_published,
    }


def quote_record(request, quote) -> dict:
    article = article_ref(request, quote.article)
    return {
        "id": quote.pk,
        "text": quote.text,
        "speaker": person_ref(request, quote.speaker) if quote.speaker_id else None,
        "speaker_label": quote.speaker_label,
        "fragment": quote.is_fragment,
        "published": quote.published,
        "article": article,
        "html_url": f"{article['html_url']}#quote-{quote.pk}",
    }


class CoverageQuery(Schema):
    q: str
    scope: str  # articles or quotes
    outlet: list[str]
    person: list[str]
    date_from: datetime.date | None
    date_to: datetime.date | None


class CoveragePeriod(Schema):
    start: datetime.date
    end: datetime.date
    count: int  # matches dated in the period (stories, copies once; or quotes)
    all_stories: int  # every published story of the archive dated in the period
    share: float | None  # count / all_stories (stories only; null when all_stories is 0)
    search_url: str  # the search page narrowed to the period


class Coverage(Schema):
    query: CoverageQuery
    interval: str  # day, week or month
    unit: str  # stories or quotes
    total: int  # every match, the undated included
    undated: int  # matches without a date, in no period
    periods: list[CoveragePeriod]
    notices: list[str]
