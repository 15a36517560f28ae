"""People's admin: their aliases (split one out as a person of its own), merging people,
the names stories give them, and their mentions."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import curation
from ..ingest.people import name_key
from ..models import Alias, Mention, Person, Quote
from .base import HistoryMixin, MergeActionMixin, count_subquery, html


class AliasForm(forms.ModelForm):
    class Meta:
        model = Alias
        fields = ["person", "name"]

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("name") or "").strip()
        key = name_key(name)
        if name and not key:
            self.add_error("name", "A name needs at least one letter or digit.")
        self.instance.key = key
        return cleaned


class AliasInline(admin.TabularInline):
    model = Alias
    form = AliasForm
    extra = 1
    fields = ["name", "key", "split_link"]
    readonly_fields = ["key", "split_link"]

    @admin.display(description="")
    def split_link(self, obj):
        if not obj or not obj.pk:
            return ""
        url = reverse("admin:archive_alias_split", args=[obj.pk])
        return html("link.html", url=url, text="Split out as a separate person…")


@admin.register(Person)
class PersonAdmin(HistoryMixin, MergeActionMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "alias_names", "mention_count", "quote_count"]
    search_fields = ["name", "aliases__name"]
    # A–Z with case and accents ignored, in the list and the search-as-you-type choices
    ordering = ["sort_name", "name", "pk"]
    inlines = [AliasInline]
    actions = ["merge_selected"]
    readonly_fields = ["name_forms"]
    merge_service = staticmethod(curation.merge_people)
    merge_renames = True
    merge_search_field = (Mention, "person")

    def merge_label(self, obj):
        return (
            f"{obj.name} ({obj.slug}): {obj.n_mentions} "
            f"{'story' if obj.n_mentions == 1 else 'stories'}, {obj.n_quotes} "
            f"{'quote' if obj.n_quotes == 1 else 'quotes'}"
        )

    @admin.display(description="name forms")
    def name_forms(self, obj):
        """Every name the person goes by: the names stories give them, with how many
        stories, then the aliases no story gives (0)."""
        if not obj or not obj.pk:
            return "—"
        return html("name_forms.html", forms=curation.name_form_counts(obj))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_mentions=count_subquery(Mention.objects.all(), "person"),
                n_quotes=count_subquery(Quote.objects.all(), "speaker"),
            )
            .prefetch_related("aliases")
        )

    @admin.display(description="aliases")
    def alias_names(self, obj):
        return ", ".join(a.name for a in obj.aliases.all() if a.name != obj.name) or "—"

    @admin.display(description="stories", ordering="n_mentions")
    def mention_count(self, obj):
        return obj.n_mentions

    @admin.display(description="quotes", ordering="n_quotes")
    def quote_count(self, obj):
        return obj.n_quotes

    @admin.action(description="Merge selected people into one…", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        return MergeActionMixin.merge_selected(self, request, queryset)


@admin.register(Alias)
class AliasAdmin(HistoryMixin, admin.ModelAdmin):
    form = AliasForm
    list_display = ["name", "person", "key"]
    list_select_related = ["person"]
    search_fields = ["name", "person__name"]
    autocomplete_fields = ["person"]
    readonly_fields = ["key"]
    actions = ["split_selected"]

    def get_urls(self):
        return [
            path(
                "<int:pk>/split/",
                self.admin_site.admin_view(self.split_view),
                name="archive_alias_split",
            ),
            *super().get_urls(),
        ]

    def split_view(self, request, pk):
        """Confirm, then split one alias out into a person of its own."""
        if not (
            request.user.has_perm("archive.change_person")
            and request.user.has_perm("archive.add_person")
        ):
            raise PermissionDenied
        alias = Alias.objects.select_related("person").filter(pk=pk).first()
        if alias is None:
            self.message_user(request, "That alias no longer exists.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:archive_alias_changelist"))
        if request.method == "POST":
            try:
                result = curation.split_alias(alias, user=request.user)
            except curation.CurationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:archive_person_change", args=[alias.person_id])
                )
            self.message_user(request, result.summary(), messages.SUCCESS)
            return HttpResponseRedirect(
                reverse("admin:archive_person_change", args=[result.person.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Split “{alias.name}” out of {alias.person.name}",
            "opts": self.model._meta,
            "alias": alias,
        }
        return TemplateResponse(request, "admin/archive/split_alias.html", context)

    @admin.action(description="Split into separate people", permissions=["change"])
    def split_selected(self, request, queryset):
        for alias in queryset.select_related("person"):
            try:
                result = curation.split_alias(alias, user=request.user)
            except curation.CurationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, result.summary(), messages.SUCCESS)


@admin.register(Mention)
class MentionAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["person", "article", "count"]
    list_select_related = ["person", "article"]
    search_fields = ["person__name", "article__title"]
    autocomplete_fields = ["person", "article"]
