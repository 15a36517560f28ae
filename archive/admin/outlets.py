"""Outlets' admin: their stories counted, merging outlets."""

from __future__ import annotations

from django.contrib import admin

from .. import curation
from ..models import Article, Outlet
from .base import HistoryMixin, MergeActionMixin, count_subquery


@admin.register(Outlet)
class OutletAdmin(HistoryMixin, MergeActionMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "homepage", "article_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_selected"]
    merge_service = staticmethod(curation.merge_outlets)
    merge_search_field = (Article, "outlet")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_articles=count_subquery(Article.objects.all(), "outlet"))
        )

    @admin.display(description="stories", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    @admin.action(description="Merge selected outlets into one…", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        return MergeActionMixin.merge_selected(self, request, queryset)
