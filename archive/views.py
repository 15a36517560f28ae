"""Reader pages. Views stay thin: querysets filter, templates present."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .models import Article, Mention, Outlet, Person, Quote

PAGE_SIZE = 20


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page of ``queryset``; a bad or out-of-range page number is a 404."""
    paginator = Paginator(queryset, per_page)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage) as exc:
        raise Http404("No such page") from exc


def home(request):
    articles = Article.objects.published().select_related("outlet")
    return render(request, "archive/home.html", {"page": paginate(request, articles)})


def article_detail(request, pk, slug):
    queryset = Article.objects.select_related("outlet").prefetch_related(
        Prefetch("mentions", queryset=Mention.objects.select_related("person")),
        Prefetch("quotes", queryset=Quote.objects.select_related("speaker")),
    )
    if not request.user.is_staff:
        queryset = queryset.published()
    article = get_object_or_404(queryset, pk=pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    return render(request, "archive/article_detail.html", {"article": article})


def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet, slug=slug)
    articles = outlet.articles.published()
    return render(
        request,
        "archive/outlet_detail.html",
        {"outlet": outlet, "page": paginate(request, articles)},
    )


def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    articles = (
        Article.objects.published()
        .filter(mentions__person=person)
        .select_related("outlet")
        .annotate(n=Count("mentions"))
    )
    return render(
        request,
        "archive/person_detail.html",
        {"person": person, "page": paginate(request, articles)},
    )
