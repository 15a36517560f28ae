"""The stories' admin: the review queue (what each story lacks, its copies, its batch),
editing beside the raw input, bulk corrections and re-extraction (``archive.curation``)."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import smart_split, unescape_string_literal

from search import api as search_api
from search.api import article_ids as search_article_ids

from .. import curation
from ..ingest import clean
from ..models import Article, ImportBatch, Mention, Outlet, Quote, StoryCluster
from ..signals import send_after_commit
from .base import (
    HistoryMixin,
    WebURLField,
    action_form_page,
    count_subquery,
    html,
    undo_message,
)

log = logging.getLogger(__name__)

SEARCH_LIMIT = 1000  # full-text hits considered by the admin's story search


class SetOutletForm(forms.Form):
    # A search-as-you-type choice (the outlet's admin search), not a list of every outlet.
    outlet = forms.ModelChoiceField(
        Outlet.objects.all(),
        required=False,
        empty_label="(no outlet)",
        label="Outlet",
        help_text="Type part of the outlet's name; leave empty to clear the outlet.",
        widget=AutocompleteSelect(Article._meta.get_field("outlet"), admin.site),
    )


class SetDateForm(forms.Form):
    published = forms.DateField(
        required=False,
        label="Publication date",
        help_text="YYYY-MM-DD; leave empty to clear the date.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


# Up to this many selected records, the merge form lists them all (with their counts) to
# choose the one to keep; beyond, the choice is a search-as-you-type box.


class AttentionFilter(admin.SimpleListFilter):
    """What an imported story lacks or may be wrong about."""

    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("no_outlet", "No outlet"),
            ("no_date", "No date"),
            ("no_people", "No people"),
            ("unattributed_quotes", "Quotes without a speaker"),
            ("possible_duplicate", "Possible duplicate"),
            ("not_article", "Not an article (stub, notice)"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "no_outlet":
            return queryset.filter(outlet__isnull=True)
        if value == "no_date":
            return queryset.filter(published__isnull=True)
        if value == "no_people":
            return queryset.filter(~Exists(Mention.objects.filter(article=OuterRef("pk"))))
        if value == "unattributed_quotes":
            return queryset.filter(
                Exists(Quote.objects.filter(article=OuterRef("pk"), speaker__isnull=True))
            )
        if value == "possible_duplicate":
            return queryset.filter(cluster__isnull=False).filter(_has_twin())
        if value == "not_article":  # what ``clean.not_an_article`` holds back for review
            return queryset.filter(
                Q(word_count__lt=clean.MIN_ARTICLE_WORDS, raw_format__in=["html", "warc"])
                | Q(word_count__lt=clean.STUB_WORDS, body__iregex=clean.STUB_SQL_REGEX)
            )
        return queryset


def _view_only(field):
    return "raw_and_clean_view" if field == "raw_and_clean" else field


def _has_twin():
    return Exists(
        Article.objects.filter(cluster_id=OuterRef("cluster_id")).exclude(pk=OuterRef("pk"))
    )


def _cluster_first(*, exclude_self):
    """The id of the story of the same cluster published first (undated last, then the
    lowest id), optionally leaving the story itself out."""
    same = Article.objects.filter(cluster_id=OuterRef("cluster_id"))
    if exclude_self:
        same = same.exclude(pk=OuterRef("pk"))
    return same.order_by(F("published").asc(nulls_last=True), "pk").values("pk")[:1]


class BatchFilter(admin.SimpleListFilter):
    """The import batch a story came from (the latest batches are listed; any id works)."""

    title = "import batch"
    parameter_name = "batch"
    shown = 15

    def lookups(self, request, model_admin):
        batches = list(ImportBatch.objects.order_by("-created", "-id")[: self.shown])
        value = self.value()
        if value and value.isdigit() and all(str(b.pk) != value for b in batches):
            batches += list(ImportBatch.objects.filter(pk=int(value)))
        return [(str(b.pk), str(b)) for b in batches]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(batch_id=int(value))


class PlainLinesField(forms.CharField):
    """Text with one kind of line break: browsers post a textarea's breaks as CRLF, which
    would join a body's paragraphs (split on blank lines) and mark an unedited body changed."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class ArticleForm(forms.ModelForm):
    url = WebURLField(required=False, max_length=1000, assume_scheme="https", label="URL")
    curated_fields = forms.MultipleChoiceField(
        choices=[(name, name) for name in curation.CURATABLE_FIELDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Curated fields",
        help_text="Re-extraction leaves ticked fields alone. Editing a field ticks it; "
        "untick a field to let re-extraction update it again.",
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "standfirst",
            "outlet",
            "published",
            "status",
            "body",
            "byline",
            "url",
            "curated_fields",
        ]
        field_classes = {"body": PlainLinesField, "standfirst": PlainLinesField}


class QuoteInline(admin.TabularInline):
    """One compact row a quote: its words, speaker (search-as-you-type) and place."""

    model = Quote
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}
    autocomplete_fields = ["speaker"]
    fields = ["text", "speaker", "speaker_label", "paragraph", "position", "is_fragment"]


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "count"]


@admin.register(Article)
class ArticleAdmin(HistoryMixin, admin.ModelAdmin):
    inlines_curate = True  # an edit of a story's quotes or people marks them curated
    form = ArticleForm
    # Fits 1,280 px: the headline gets the room; what a story lacks is one column of short
    # labels; the import batch is a filter, not a column repeated on every row.
    list_display = ["title", "status", "outlet", "published", "attention", "duplicate"]
    list_display_links = ["title"]
    list_filter = ["status", AttentionFilter, BatchFilter]
    list_select_related = ["outlet", "batch"]
    list_per_page = 50
    search_fields = ["title", "standfirst", "body", "source"]
    search_help_text = "Any words or a quoted phrase from the headline, standfirst or text."
    date_hierarchy = "published"
    autocomplete_fields = ["outlet"]
    # The review queue: new stories first, newest import first.
    ordering = [
        Case(When(status=Article.Status.NEW, then=Value(0)), default=Value(1)).asc(),
        "-created",
        "-id",
    ]
    readonly_fields = [
        "raw_and_clean",
        "source",
        "batch_link",
        "cluster",
        "created",
        "updated",
        "word_count",
    ]
    fieldsets = [
        (None, {"fields": ["title", "standfirst", ("outlet", "published", "status")]}),
        # the body beside the input it was cleaned from (one column on a narrow screen)
        (
            "Text, raw input and removed lines",
            {"classes": ["body-and-raw"], "fields": ["body", "raw_and_clean"]},
        ),
        ("Curation", {"fields": ["curated_fields"]}),
        (
            "Source",
            {
                "classes": ["collapse"],
                "fields": [
                    "byline",
                    "url",
                    "source",
                    "batch_link",
                    "cluster",
                    "created",
                    "updated",
                    "word_count",
                ],
            },
        ),
    ]
    inlines = [QuoteInline, MentionInline]
    actions = [
        "publish",
        "hide",
        "set_outlet",
        "set_date",
        "reextract",
        "forget_curation",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_people=count_subquery(Mention.objects.all(), "article"),
                n_unattributed=count_subquery(
                    Quote.objects.filter(speaker__isnull=True), "article"
                ),
                has_twin=Case(
                    When(cluster__isnull=True, then=Value(False)),
                    default=_has_twin(),
                ),
                # the copy published first in the story's cluster (this one included), and
                # the first of the others: a duplicate links to its original
                original_id=Subquery(_cluster_first(exclude_self=False)),
                twin_id=Subquery(_cluster_first(exclude_self=True)),
            )
        )

    # columns

    @admin.display(description="people", ordering="n_people")
    def people(self, obj):
        return obj.n_people

    @admin.display(description="quotes without speaker", ordering="n_unattributed")
    def unattributed(self, obj):
        return obj.n_unattributed

    @admin.display(description="needs attention", empty_value="")
    def attention(self, obj):
        """What the story lacks, as short labels; empty when nothing is missing."""
        labels = []
        if not obj.outlet_id:
            labels.append("no outlet")
        if not obj.published:
            labels.append("no date")
        if not obj.n_people:
            labels.append("no people")
        if obj.n_unattributed:
            labels.append(f"{obj.n_unattributed} unattributed")  # quotes without a speaker
        held = clean.not_an_article(obj.paragraphs, extracted=obj.raw_format in ("html", "warc"))
        if held:  # why the importer held the story back for review
            labels.append(held)
        return html("flags.html", labels=labels)

    @admin.display(description="duplicate", empty_value="")
    def duplicate(self, obj):
        """Only on a story with another copy in the archive: a link to the original (the
        copy published first) or, on the original, to its copy."""
        if not getattr(obj, "has_twin", False) or not obj.twin_id:
            return ""
        if obj.original_id == obj.pk:
            url = reverse("admin:archive_article_change", args=[obj.twin_id])
            return html("link.html", url=url, text=f"has copy #{obj.twin_id}")
        url = reverse("admin:archive_article_change", args=[obj.original_id])
        return html("link.html", url=url, text=f"copy of #{obj.original_id}")

    @admin.display(description="import batch", ordering="batch")
    def batch_link(self, obj):
        if not obj.batch_id:
            return "—"
        url = reverse("admin:archive_article_changelist") + f"?batch={obj.batch_id}"
        return html("link.html", url=url, text=obj.batch)

    @admin.display(description="curated")
    def curated(self, obj):
        return ", ".join(obj.curated_fields or []) or "—"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # Without the right to change the story, the raw input is shown without buttons.
        return [
            (name, {**options, "fields": [_view_only(f) for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "raw_and_clean_view"]

    @admin.display(description="Raw input and clean text")
    def raw_and_clean_view(self, obj):
        return self.raw_and_clean(obj, buttons=False)

    @admin.display(description="Raw input and clean text")
    def raw_and_clean(self, obj, buttons=True):
        """The input as its reader read it (removed lines struck through, with a restore
        button; a JSON Lines record field by field) beside the clean text."""
        if not obj or not obj.pk:
            return "—"
        read = curation.read_input(obj)
        removed = {r.get("index"): r for r in (obj.removed or [])}
        rows = [
            {
                "number": index + 1,
                "index": index,
                "text": line,
                "reason": removed[index].get("reason", "") if index in removed else None,
            }
            for index, line in enumerate(read.lines)
        ]
        context = {
            "article": obj,
            "read": read,
            "rows": rows,
            "text_rows": rows[read.text_start :],
            "removed_count": len(removed),
            "buttons": buttons,
        }
        return render_to_string("admin/archive/article/_raw_and_clean.html", context)

    def add_view(self, request, form_url="", extra_context=None):
        # Stories come in through the importer (raw input, hash, extraction), never by hand.
        return HttpResponseRedirect(reverse("admin:archive_importbatch_upload"))

    # saving: curated marking, history, index

    def save_model(self, request, obj, form, change):
        edited = [name for name in form.changed_data if name in Article.EXTRACTED_FIELDS]
        chosen = form.cleaned_data.get("curated_fields", obj.curated_fields or [])
        obj.curated_fields = curation.curated_after_edit(list(chosen), edited)
        super().save_model(request, obj, form, change)

    def extra_history_fields(self, form):
        return ["curated_fields"]

    def save_formset_rows(self, request, form, formset, change):
        """The rows as Django saves them, new quotes numbered after the story's last."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        if formset.model is Quote:
            last = max((q.position for q in form.instance.quotes.all()), default=-1)
            for obj in formset.new_objects:
                last += 1
                obj.position = last
        for obj in instances:
            obj.save()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        send_after_commit([form.instance.pk])

    def response_change(self, request, obj):
        if "_restore_line" in request.POST:
            try:
                index = int(request.POST["_restore_line"])
                result = curation.restore_removed_line(obj, index, user=request.user)
            except (ValueError, curation.CurationError) as exc:
                message = str(exc) if isinstance(exc, curation.CurationError) else None
                self.message_user(
                    request, message or "Not a removed line of this story.", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    f"Restored “{result.text}” as paragraph {result.position + 1}.",
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # search: the full-text index when there is one, the database otherwise

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        database = self._database_search(term)
        ids = self._index_search(term)
        if ids is None:
            return queryset.filter(database), False
        # The index may hold only published stories: the queue's others come from the database.
        unpublished = ~Q(status=Article.Status.PUBLISHED) & database
        return queryset.filter(Q(pk__in=ids) | unpublished), False

    def _database_search(self, term):
        condition = Q()
        for bit in smart_split(term):
            if bit[:1] in {'"', "'"} and bit[-1:] == bit[:1] and len(bit) > 1:
                bit = unescape_string_literal(bit)
            if not bit.strip():
                continue
            any_field = Q()
            for name in self.search_fields:
                any_field |= Q(**{f"{name}__icontains": bit})
            condition &= any_field
        return condition

    def _index_search(self, term):
        """Article ids from the full-text index, or None when there is no usable index."""
        if not search_api.ready():
            return None
        try:
            return list(search_article_ids(term, SEARCH_LIMIT))
        except Exception:
            log.warning("index search failed for %r; searching the database", term, exc_info=True)
            return None

    # actions

    @admin.action(description="Publish selected stories", permissions=["change"])
    def publish(self, request, queryset):
        result = curation.set_articles(queryset, user=request.user, status=Article.Status.PUBLISHED)
        self.message_user(
            request, undo_message(f"Published {result.changed} stories.", result), messages.SUCCESS
        )

    @admin.action(description="Hide selected stories", permissions=["change"])
    def hide(self, request, queryset):
        result = curation.set_articles(queryset, user=request.user, status=Article.Status.HIDDEN)
        self.message_user(
            request, undo_message(f"Hid {result.changed} stories.", result), messages.SUCCESS
        )

    @admin.action(description="Set the outlet of selected stories…", permissions=["change"])
    def set_outlet(self, request, queryset):
        return self._set_field(
            request, queryset, SetOutletForm, "outlet", "outlet", "Set the outlet", "set_outlet"
        )

    @admin.action(description="Set the date of selected stories…", permissions=["change"])
    def set_date(self, request, queryset):
        return self._set_field(
            request,
            queryset,
            SetDateForm,
            "published",
            "date",
            "Set the publication date",
            "set_date",
        )

    def _set_field(self, request, queryset, form_class, field, noun, title, action):
        """One value of ``field`` for the selected stories: the form page until it is
        valid, then the change through the curation service and its undo message."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if not (form.is_bound and form.is_valid()):
            return action_form_page(self, request, queryset, form, title=title, action=action)
        value = form.cleaned_data[field]
        result = curation.set_articles(queryset, user=request.user, **{field: value})
        self.message_user(
            request,
            undo_message(
                f"Set the {noun} of {result.changed} stories to {value or 'none'}.", result
            ),
            messages.SUCCESS,
        )
        return None

    @admin.action(
        description="Re-extract from raw input (curated fields are kept)", permissions=["change"]
    )
    def reextract(self, request, queryset):
        result = curation.reextract(queryset, user=request.user)
        self.message_user(request, result.summary(), messages.SUCCESS)

    @admin.action(description="Forget curation (let re-extraction update all fields)")
    def forget_curation(self, request, queryset):
        changed = curation.forget_curation(
            queryset.select_related(None).only("id", "title", "curated_fields"), user=request.user
        )
        self.message_user(request, f"Forgot the curation of {changed} stories.", messages.SUCCESS)

    forget_curation.allowed_permissions = ["change"]


admin.site.register(StoryCluster)
