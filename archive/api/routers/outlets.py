"""``/api/outlets/``: every outlet by name; one outlet with its stories per month."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from ninja import Path, Query, Router

from ...models import Article, Outlet
from .. import pages
from ..caching import by_generation
from ..schemas import OutletDetail, OutletList, absolute, outlet_summary, responses
from .common import MAX_SLUG_CHARS, by_slug

router = Router()

KIND = "outlets"


@router.get("/", response=responses(OutletList), url_name="outlet_list")
@by_generation
def outlet_list(
    request,
    cursor: str | None = Query(None, max_length=pages.MAX_CURSOR_CHARS),
    limit: int = Query(pages.DEFAULT_LIMIT, ge=1, le=pages.MAX_LIMIT),
):
    """Every outlet by name, with its number of published stories and the dates they span."""
    outlets = Outlet.objects.all()
    if cursor:
        name, pk = pages.decode(cursor, KIND, (str, int))
        outlets = outlets.filter(name__gte=name).exclude(name=name, id__lte=pk)
    rows = list(outlets.order_by("name", "id")[: limit + 1])
    rows, cursor = pages.page_of(rows, limit, KIND, lambda o: (o.name, o.pk))
    return {
        "results": [outlet_summary(request, o) for o in rows],
        "next": pages.next_link(request, cursor),
    }


@router.get("/{slug}/", response=responses(OutletDetail), url_name="outlet_detail")
@by_generation
def outlet_detail(request, slug: str = Path(..., max_length=MAX_SLUG_CHARS)):
    """An outlet: its published stories per month (newest first) and the undated ones."""
    outlet = by_slug(Outlet, "outlet", slug)
    if outlet is None:
        raise Http404(f'No outlet has the slug "{slug}".')
    rows = Article.objects.published().filter(outlet=outlet).per_month()
    months = sorted(((m, n) for m, n in rows if m is not None), reverse=True)
    return {
        **outlet_summary(request, outlet),
        "months": [{"month": f"{m.year:04d}-{m.month:02d}", "stories": n} for m, n in months],
        "undated": sum(n for m, n in rows if m is None),
        "articles_url": absolute(request, f"{reverse('api:article_list')}?outlet={outlet.slug}"),
    }
