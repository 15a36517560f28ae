"""Quotes' admin: every quote with its speaker, those without one found by a filter."""

from __future__ import annotations

from django.contrib import admin

from ..models import Quote
from .base import HistoryMixin


@admin.register(Quote)
class QuoteAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["__str__", "speaker", "speaker_label", "article"]
    list_select_related = ["speaker", "article"]
    list_filter = [("speaker", admin.EmptyFieldListFilter)]
    search_fields = ["text", "speaker_label", "speaker__name"]
    autocomplete_fields = ["speaker", "article"]
