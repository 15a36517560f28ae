"""``/api/articles/``: published stories newest first (undated last), filtered by outlet,
person and dates; one story with its people, quotes and copies."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.http import Http404
from ninja import Path, Query, Router

from ...models import Article, Mention, Quote
from ...views import also_published
from .. import pages
from ..caching import by_generation
from ..schemas import (
    ArticleDetail,
    ArticleList,
    article_ref,
    article_summary,
    person_ref,
    responses,
)
from .common import DATE_DESCRIPTION, MAX_ID, MAX_SLUG_CHARS, dates, filter_outlet, filter_person

router = Router()

KIND = "articles"


@router.get("/", response=responses(ArticleList), url_name="article_list")
@by_generation
def article_list(
    request,
    outlet: str | None = Query(None, max_length=MAX_SLUG_CHARS, description="an outlet's slug"),
    person: str | None = Query(None, max_length=MAX_SLUG_CHARS, description="a person's slug"),
    date_from: str | None = Query(None, alias="from", max_length=10, description=DATE_DESCRIPTION),
    date_to: str | None = Query(None, alias="to", max_length=10, description=DATE_DESCRIPTION),
    cursor: str | None = Query(None, max_length=pages.MAX_CURSOR_CHARS),
    limit: int = Query(pages.DEFAULT_LIMIT, ge=1, le=pages.MAX_LIMIT),
):
    """Published stories, newest first, stories without a date last."""
    outlet_found, person_found = filter_outlet(outlet), filter_person(person)
    start, end = dates(date_from, date_to)
    after = pages.decode(cursor, KIND, (datetime.date, int)) if cursor else None
    if person_found is not None:
        # A person's stories are read from their mentions, which copy each story's date,
        # state and outlet (the cost follows their number of stories, not the archive's).
        keys, key = Mention.objects.of_person(person_found), "article_id"
    else:
        keys, key = Article.objects.published(), "id"
    if outlet_found is not None:
        keys = keys.filter(outlet=outlet_found)
    if start:
        keys = keys.filter(published__gte=start)
    if end:
        keys = keys.filter(published__lte=end)
    stories = pages.newest_first(keys, after, limit, key=key)
    stories, cursor = pages.page_of(stories, limit, KIND, lambda a: (a.published, a.pk))
    return {
        "results": [article_summary(request, a) for a in stories],
        "next": pages.next_link(request, cursor),
    }


@router.get("/{int:article_id}/", response=responses(ArticleDetail), url_name="article_detail")
@by_generation
def article_detail(request, article_id: int = Path(..., ge=1, le=MAX_ID)):
    """One published story: its clean text, the people it mentions, its quotations and
    its copies published by other outlets."""
    queryset = (
        Article.objects.published()
        .select_related("outlet", "cluster")
        .defer("raw", "removed", "curated_fields")
        .prefetch_related(
            Prefetch("mentions", queryset=Mention.objects.select_related("person")),
            Prefetch("quotes", queryset=Quote.objects.select_related("speaker")),
        )
    )
    article = queryset.filter(pk=article_id).first()
    if article is None:
        raise Http404(f"No published story has the id {article_id}.")
    copies, _first = also_published(article)
    return {
        **article_summary(request, article),
        "body": article.paragraphs,
        "people": [
            {"person": person_ref(request, m.person), "mentions": m.count}
            for m in article.mentions.all()
        ],
        "quotes": [
            {
                "id": q.pk,
                "text": q.text,
                "speaker": person_ref(request, q.speaker) if q.speaker_id else None,
                "speaker_label": q.speaker_label,
                "paragraph": q.paragraph,
                "fragment": q.is_fragment,
            }
            for q in article.quotes.all()
        ],
        "copies": [article_ref(request, c) for c in copies],
        "cluster": article.cluster_id,
        "first_published_copy": article.cluster.first_id if article.cluster_id else None,
    }
