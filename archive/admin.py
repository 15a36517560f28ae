"""The curators' admin: the review queue, story editing, merges, upload and history.

The admin only presents; every correction goes through a service in ``archive.curation``
(one transaction, recorded in ``ChangeRecord``), and uploads through the importer.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.validators import URLValidator
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import smart_split, unescape_string_literal

from . import curation, history
from .admin_site import ThrottledAuthenticationForm
from .ingest import clean
from .ingest.people import name_key
from .ingest.readers import PathProblem
from .models import (
    Alias,
    Article,
    ChangeRecord,
    ImportBatch,
    Mention,
    Outlet,
    Person,
    Quote,
    SlugRedirect,
    StoryCluster,
    UnresolvedName,
    UploadJob,
)
from .reextract import reextract_articles
from .signals import send_after_commit

log = logging.getLogger(__name__)

admin.site.login_form = ThrottledAuthenticationForm
admin.site.site_header = "News archive curation"
admin.site.site_title = "News archive admin"

SEARCH_LIMIT = 1000  # full-text hits considered by the admin's story search


def _count_subquery(queryset, field):
    """The number of rows of ``queryset`` whose ``field`` is the outer row, as a subquery."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class WebURLField(forms.URLField):
    """A URL field taking http(s) URLs only: stored URLs are shown as links (Django's own
    URL check also takes ftp)."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {"invalid": "Enter a web address starting with http:// or https://."}


# --- history -------------------------------------------------------------------------------


INDEX_WARNING = (
    "Saved. The search index could not be written ({reason}): search shows the change "
    "once the index is repaired (manage.py check_index --repair)."
)


@contextmanager
def index_warnings(model_admin, request):
    """A change saved whose search index write failed (kept to write later) is said in a
    warning message, not a 500: the database holds the change."""
    from search import api

    api.take_failures()  # (left by an earlier request of this thread)
    yield
    failures = api.take_failures()
    if failures:
        model_admin.message_user(
            request, INDEX_WARNING.format(reason=failures[-1]), messages.WARNING
        )


class HistoryMixin:
    """Records admin edits in ``ChangeRecord`` and shows them on the object's history page."""

    def changeform_view(self, request, *args, **kwargs):
        with index_warnings(self, request):
            return super().changeform_view(request, *args, **kwargs)

    def response_action(self, request, queryset):
        with index_warnings(self, request):
            return super().response_action(request, queryset)

    object_history_template = "admin/archive/object_history.html"
    formfield_overrides = {models.URLField: {"form_class": WebURLField, "assume_scheme": "https"}}

    def history_view(self, request, object_id, extra_context=None):
        records = ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            object_id=str(unquote(object_id)),
        ).select_related("user")[:200]
        return super().history_view(
            request, object_id, extra_context={"change_records": records, **(extra_context or {})}
        )

    def save_model(self, request, obj, form, change):
        old = type(obj).objects.filter(pk=obj.pk).first() if change and obj.pk else None
        super().save_model(request, obj, form, change)
        fields = [name for name in form.changed_data if hasattr(obj, name)]
        if old is not None:
            changes = history.diff(old, obj, [*fields, *self.extra_history_fields(form)])
            if changes:
                history.record(obj, user=request.user, action="change", changes=changes)
        elif not change:
            changes = {name: [None, history.field_value(obj, name)] for name in fields}
            history.record(obj, user=request.user, action="add", changes=changes)

    def extra_history_fields(self, form):
        return []

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        before = [str(o) for o in formset.deleted_objects]
        before += [f"{o} (before)" for o, _ in formset.changed_objects]
        after = [str(o) for o in formset.new_objects]
        after += [f"{o} ({', '.join(fields)})" for o, fields in formset.changed_objects]
        if before or after:
            name = str(formset.model._meta.verbose_name_plural)
            history.record(
                form.instance, user=request.user, action="change", changes={name: [before, after]}
            )

    def delete_model(self, request, obj):
        history.record(obj, user=request.user, action="delete", message=f"Deleted {obj}")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        history.record_many(
            ((obj, {}) for obj in queryset), user=request.user, action="delete", message="Deleted"
        )
        super().delete_queryset(request, queryset)


# --- intermediate pages for actions --------------------------------------------------------


def action_form_page(modeladmin, request, queryset, form, *, title, action, template=None):
    """A confirmation page for an action that needs input; it posts back to the action."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "action": action,
        "objects": queryset[:50],
        "count": queryset.count(),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, template or "admin/archive/action_form.html", context)


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
MERGE_LISTED = 12


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=None, widget=forms.RadioSelect, label="Keep", empty_label=None
    )

    def __init__(self, *args, queryset, label=None, rename=False, search_field=None, **kwargs):
        """``search_field``: a foreign key to the merged model, whose admin search gives a
        search-as-you-type choice when more than ``MERGE_LISTED`` records are selected."""
        super().__init__(*args, **kwargs)
        keep = self.fields["keep"]
        keep.queryset = queryset
        if label is not None:
            keep.label_from_instance = label
        if search_field is not None and queryset.count() > MERGE_LISTED:
            keep.widget = AutocompleteSelect(search_field, admin.site)
            keep.queryset = queryset  # (gives the new widget its choices)
            keep.help_text = "Type part of the name of one of the selected ones."
            keep.error_messages["invalid_choice"] = (
                f"Choose one of the selected {queryset.model._meta.verbose_name_plural}."
            )
        if rename:
            self.fields["name"] = forms.CharField(
                required=False,
                max_length=200,
                label="Final name",
                help_text="The kept person's name after the merge; leave empty to keep "
                "the name of the one chosen above.",
            )


class MergeActionMixin:
    """A "merge" action: pick the record to keep among the selected ones."""

    merge_service = None
    merge_renames = False  # the form asks for the kept record's final name
    merge_search_field = None  # (model, field): a foreign key for the autocomplete choice

    def merge_label(self, obj):
        return str(obj)

    def merge_selected(self, request, queryset):
        queryset = queryset.order_by("pk")
        if queryset.count() < 2:
            self.message_user(
                request,
                f"Choose at least two {self.model._meta.verbose_name_plural} to merge.",
                messages.WARNING,
            )
            return None
        form = MergeForm(
            request.POST if "apply" in request.POST else None,
            queryset=queryset.order_by("pk"),
            label=self.merge_label,
            rename=self.merge_renames,
            search_field=(
                self.merge_search_field[0]._meta.get_field(self.merge_search_field[1])
                if self.merge_search_field
                else None
            ),
        )
        if form.is_bound and form.is_valid():
            keep = form.cleaned_data["keep"]
            extra = {"name": form.cleaned_data["name"]} if self.merge_renames else {}
            try:
                result = self.merge_service(
                    keep, list(queryset.exclude(pk=keep.pk)), user=request.user, **extra
                )
            except curation.CurationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(request, result.summary(), messages.SUCCESS)
            return None
        name = self.model._meta.verbose_name_plural
        return action_form_page(
            self,
            request,
            queryset,
            form,
            title=f"Merge {name}",
            action="merge_selected",
            template="admin/archive/merge.html",
        )


# --- stories -------------------------------------------------------------------------------


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
                n_people=_count_subquery(Mention.objects.all(), "article"),
                n_unattributed=_count_subquery(
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
        return format_html_join(" ", '<span class="flag">{}</span>', ((lab,) for lab in labels))

    @admin.display(description="duplicate", empty_value="")
    def duplicate(self, obj):
        """Only on a story with another copy in the archive: a link to the original (the
        copy published first) or, on the original, to its copy."""
        if not getattr(obj, "has_twin", False) or not obj.twin_id:
            return ""
        if obj.original_id == obj.pk:
            url = reverse("admin:archive_article_change", args=[obj.twin_id])
            return format_html('<a href="{}">has copy #{}</a>', url, obj.twin_id)
        url = reverse("admin:archive_article_change", args=[obj.original_id])
        return format_html('<a href="{}">copy of #{}</a>', url, obj.original_id)

    @admin.display(description="import batch", ordering="batch")
    def batch_link(self, obj):
        if not obj.batch_id:
            return "—"
        url = reverse("admin:archive_article_changelist") + f"?batch={obj.batch_id}"
        return format_html('<a href="{}">{}</a>', url, obj.batch)

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

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        kind = {Quote: "quotes", Mention: "mentions"}.get(formset.model)
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
        if kind and (formset.new_objects or formset.changed_objects or formset.deleted_objects):
            changes = {
                kind: [
                    [str(o) for o in formset.deleted_objects]
                    + [f"{o} (before)" for o, _ in formset.changed_objects],
                    [str(o) for o in formset.new_objects]
                    + [f"{o} ({', '.join(fields)})" for o, fields in formset.changed_objects],
                ]
            }
            history.record(form.instance, user=request.user, action="change", changes=changes)
            curation.mark_curated(form.instance, [kind], user=request.user)

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
        try:
            from search.api import article_ids
        except ImportError:
            return None
        if not Path(settings.ARCHIVE_INDEX_DIR).exists():
            return None
        try:
            return list(article_ids(term, SEARCH_LIMIT))
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
        form = SetOutletForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            outlet = form.cleaned_data["outlet"]
            result = curation.set_articles(queryset, user=request.user, outlet=outlet)
            self.message_user(
                request,
                undo_message(
                    f"Set the outlet of {result.changed} stories to {outlet or 'none'}.", result
                ),
                messages.SUCCESS,
            )
            return None
        return action_form_page(
            self, request, queryset, form, title="Set the outlet", action="set_outlet"
        )

    @admin.action(description="Set the date of selected stories…", permissions=["change"])
    def set_date(self, request, queryset):
        form = SetDateForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            published = form.cleaned_data["published"]
            result = curation.set_articles(queryset, user=request.user, published=published)
            self.message_user(
                request,
                undo_message(
                    f"Set the date of {result.changed} stories to {published or 'none'}.", result
                ),
                messages.SUCCESS,
            )
            return None
        return action_form_page(
            self, request, queryset, form, title="Set the publication date", action="set_date"
        )

    @admin.action(
        description="Re-extract from raw input (curated fields are kept)", permissions=["change"]
    )
    def reextract(self, request, queryset):
        articles = Article.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        count = articles.count()
        result = reextract_articles(articles)
        summary = result.summary_line()
        history.record_many(
            ((article, {}) for article in articles.only("id", "title")),
            user=request.user,
            action="reextract",
            message=f"Re-extracted: {summary}"[:500],
        )
        self.message_user(request, f"Re-extracted {count} stories: {summary}", messages.SUCCESS)

    @admin.action(description="Forget curation (let re-extraction update all fields)")
    def forget_curation(self, request, queryset):
        changed = curation.forget_curation(
            queryset.select_related(None).only("id", "title", "curated_fields"), user=request.user
        )
        self.message_user(request, f"Forgot the curation of {changed} stories.", messages.SUCCESS)

    forget_curation.allowed_permissions = ["change"]


# --- people and outlets --------------------------------------------------------------------


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
        return format_html('<a href="{}">Split out as a separate person…</a>', url)


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
        forms = curation.name_form_counts(obj)
        return format_html(
            '<ul class="name-forms">{}</ul>',
            format_html_join(
                "",
                "<li>{}: {} {}</li>",
                ((name, n, "story" if n == 1 else "stories") for name, n in forms),
            ),
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_mentions=_count_subquery(Mention.objects.all(), "person"),
                n_quotes=_count_subquery(Quote.objects.all(), "speaker"),
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
            .annotate(n_articles=_count_subquery(Article.objects.all(), "outlet"))
        )

    @admin.display(description="stories", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    @admin.action(description="Merge selected outlets into one…", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        return MergeActionMixin.merge_selected(self, request, queryset)


@admin.register(Mention)
class MentionAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["person", "article", "count"]
    list_select_related = ["person", "article"]
    search_fields = ["person__name", "article__title"]
    autocomplete_fields = ["person", "article"]


@admin.register(Quote)
class QuoteAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ["__str__", "speaker", "speaker_label", "article"]
    list_select_related = ["speaker", "article"]
    list_filter = [("speaker", admin.EmptyFieldListFilter)]
    search_fields = ["text", "speaker_label", "speaker__name"]
    autocomplete_fields = ["speaker", "article"]


# --- names left unresolved ----------------------------------------------------------------

QUEUE_PAGE = 25  # names per page of the queue


def _marked(sentence: str, name: str):
    """``sentence`` escaped, with ``name`` in ``<mark>``."""
    pattern = curation._name_pattern(name)
    parts, last = [], 0
    for found in pattern.finditer(sentence):
        parts.append(format_html("{}<mark>{}</mark>", sentence[last : found.start()], found[0]))
        last = found.end()
    parts.append(format_html("{}", sentence[last:]))
    return format_html_join("", "{}", ((part,) for part in parts))


@admin.register(UnresolvedName)
class UnresolvedNameAdmin(admin.ModelAdmin):
    """The queue of names a story uses that the importer linked to nobody: link each one to
    a person of its story or of the archive with that surname, to a new person, or leave it."""

    list_display = ["name", "count", "article"]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/resolve/",
                self.admin_site.admin_view(self.resolve_view),
                name="archive_unresolvedname_resolve",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:archive_unresolvedname_changelist"))

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = UnresolvedName.objects.select_related("article", "person")
        term = request.GET.get("q", "").strip()
        if term:
            queryset = queryset.filter(name__icontains=term)
        page = Paginator(queryset, QUEUE_PAGE).get_page(request.GET.get("p"))
        can_link = self._can_link(request)
        can_create = can_link and request.user.has_perm("archive.add_person")
        rows = []
        for unresolved in page.object_list:
            article = unresolved.article
            rows.append(
                {
                    "item": unresolved,
                    "article_url": reverse("admin:archive_article_change", args=[article.pk]),
                    "context": _marked(
                        curation.context_sentence(article, unresolved.name), unresolved.name
                    ),
                    "candidates": curation.unresolved_candidates(unresolved) if can_link else [],
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Names to resolve",
            "opts": self.model._meta,
            "rows": rows,
            "page": page,
            "term": term,
            "can_link": can_link,
            "can_create": can_create,
            "can_dismiss": self.has_delete_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/archive/unresolvedname/queue.html", context)

    def _can_link(self, request):
        return all(
            request.user.has_perm(f"archive.{codename}")
            for codename in ("change_unresolvedname", "add_mention", "change_quote")
        )

    def resolve_view(self, request, pk):
        """POST only: link the name to ``person``, to a new person named ``new_name``, or
        (``dismiss``) leave it unlinked; then back to the queue with what was done."""
        back = HttpResponseRedirect(
            reverse("admin:archive_unresolvedname_changelist")
            + (f"?{request.GET.urlencode()}" if request.GET else "")
        )
        if request.method != "POST":
            return back
        unresolved = UnresolvedName.objects.filter(pk=pk).first()
        try:
            if unresolved is None:
                raise curation.CurationError("That name has already been dealt with.")
            if "dismiss" in request.POST:
                if not self.has_delete_permission(request):
                    raise PermissionDenied
                name = curation.dismiss_unresolved(unresolved, user=request.user)
                self.message_user(request, f"“{name}” left unlinked.", messages.SUCCESS)
                return back
            if not self._can_link(request):
                raise PermissionDenied
            if "new_name" in request.POST:
                if not request.user.has_perm("archive.add_person"):
                    raise PermissionDenied
                result = curation.new_person_for_unresolved(
                    unresolved, request.POST["new_name"], user=request.user
                )
            else:
                person_id = request.POST.get("person", "")
                person = (
                    Person.objects.filter(pk=person_id).first() if person_id.isdigit() else None
                )
                if person is None:
                    raise curation.CurationError("That person no longer exists.")
                result = curation.link_unresolved(unresolved, person, user=request.user)
        except curation.CurationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return back
        self.message_user(request, result.summary(), messages.SUCCESS)
        return back


# --- upload --------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.Field):
    """Several uploaded files; per-file problems are reported by the importer, not here."""

    widget = MultipleFileInput

    def to_python(self, data):
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError("Choose at least one file.", code="required")


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Story files",
        help_text="Choose one or more files; each becomes one or more stories to review.",
    )
    label = forms.CharField(
        required=False, max_length=300, help_text="A note to find this batch again."
    )
    outlet = forms.CharField(
        required=False,
        max_length=200,
        help_text="Outlet for stories whose text does not name one.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.ARCHIVE_MAX_UPLOAD_FILES
        if len(files) > limit:
            raise forms.ValidationError(
                f"Too many files: {len(files)}. Upload at most {limit} files at a time."
            )
        total = sum(f.size or 0 for f in files)
        if total > settings.ARCHIVE_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The files add up to {filesizeformat(total)}; upload at most "
                f"{filesizeformat(settings.ARCHIVE_MAX_UPLOAD_BYTES)} at a time."
            )
        return files


def safe_upload_name(name: str) -> str | None:
    """The base name of an uploaded file, without control characters; None if none is left."""
    base = (name or "").replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if base in {"", ".", ".."}:
        return None
    return base[:255]


def upload_items(files, max_bytes):
    """(name, bytes) pairs for the importer, and ``PathProblem``s for refused files."""
    for upload in files:
        name = safe_upload_name(upload.name)
        if name is None:
            yield PathProblem(repr(upload.name)[:200], "refused: not a usable file name")
        elif upload.size > max_bytes:
            # Refused before reading, so a huge file never sits in memory.
            yield PathProblem(
                name, f"file too large: {upload.size:,} bytes, the limit is {max_bytes:,} bytes"
            )
        else:
            yield name, upload.read()


REPORT_PAGE = 100  # report lines per page of a batch
REFRESH_SECONDS = 3  # a batch page whose upload is queued or running reloads this often


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "origin",
        "user",
        "label",
        "created_count",
        "unchanged_count",
        "failed_count",
        "upload_status",
        "stories_link",
    ]
    list_select_related = ["user", "job"]
    list_filter = ["origin"]
    search_fields = ["label"]
    fields = [
        "created",
        "origin",
        "user",
        "label",
        "created_count",
        "unchanged_count",
        "failed_count",
        "stories_link",
    ]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # the report (one line per story) is read a page at a time, by ``change_view``
        return super().get_queryset(request).defer("report")

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="archive_importbatch_upload",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:archive_importbatch_upload"))

    @admin.display(description="upload")
    def upload_status(self, obj):
        job = getattr(obj, "job", None)
        if job is None:
            return ""
        if job.status == UploadJob.Status.RUNNING:
            return f"running: {job.files_done} of {job.files_total} files"
        return job.status

    @admin.display(description="stories")
    def stories_link(self, obj):
        url = reverse("admin:archive_article_changelist") + f"?batch={obj.pk}"
        return format_html('<a href="{}">Review the stories of this batch</a>', url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The batch with its upload's progress and its report, a page at a time."""
        batch = (
            ImportBatch.objects.filter(pk=object_id).select_related("job").first()
            if str(object_id).isdigit()
            else None
        )
        context = {}
        if batch is not None:
            job = getattr(batch, "job", None)
            if job is not None:
                context.update(self.job_context(request, batch, job))
            if job is None or job.status in (UploadJob.Status.DONE, UploadJob.Status.FAILED):
                context.update(report_page(request, batch))
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def job_context(self, request, batch, job):
        waiting = job.status in (UploadJob.Status.QUEUED, UploadJob.Status.RUNNING)
        ahead = (
            UploadJob.objects.filter(
                status=UploadJob.Status.QUEUED, created__lt=job.created
            ).count()
            if job.status == UploadJob.Status.QUEUED
            else 0
        )
        if (
            job.status == UploadJob.Status.DONE
            and not job.announced
            and request.user.pk == batch.user_id
            # shown once: the first page seen after the import
            and UploadJob.objects.filter(pk=job.pk, announced=False).update(announced=True)
        ):
            level = messages.SUCCESS if batch.failed_count == 0 else messages.WARNING
            for line in report_lines(batch):
                self.message_user(request, line, level)
        return {
            "job": job,
            "jobs_ahead": ahead,
            "refresh_seconds": REFRESH_SECONDS if waiting else 0,
        }

    def upload_view(self, request):
        """Several story files in: stored and queued for ``manage.py import_worker``; the
        answer is the batch page, which follows the import."""
        if not request.user.has_perm("archive.add_article"):
            raise PermissionDenied
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                from .jobs import queue_upload

                files = form.cleaned_data["files"]
                label = form.cleaned_data["label"] or (
                    f"Upload of {len(files)} file{'s' if len(files) != 1 else ''}"
                )
                job = queue_upload(
                    upload_items(files, settings.ARCHIVE_MAX_FILE_BYTES),
                    user=request.user,
                    label=label,
                    outlet=form.cleaned_data["outlet"].strip(),
                )
                return HttpResponseRedirect(
                    reverse("admin:archive_importbatch_change", args=[job.batch_id])
                )
        else:
            form = UploadForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Upload stories",
            "opts": self.model._meta,
            "form": form,
            "max_files": settings.ARCHIVE_MAX_UPLOAD_FILES,
            "max_file_bytes": settings.ARCHIVE_MAX_FILE_BYTES,
            "max_total_bytes": settings.ARCHIVE_MAX_UPLOAD_BYTES,
            "max_unpacked_bytes": settings.ARCHIVE_MAX_UNPACKED_BYTES,
            "max_records": f"{settings.ARCHIVE_MAX_FILE_RECORDS:,}",
        }
        return TemplateResponse(request, "admin/archive/upload.html", context)


def report_lines(batch):
    """The summary line, then one line per failed file with its reason (as the command)."""
    summary = (
        f"{batch.created_count} created, {batch.unchanged_count} unchanged, "
        f"{batch.failed_count} failed"
    )
    failed = (line for line in batch.report or [] if line.get("status") == "failed")
    return [
        summary,
        *(f"FAILED {line.get('source', '')}: {line.get('reason', '')}" for line in failed),
    ]


def report_page(request, batch):
    """One page of a batch's report (``REPORT_PAGE`` lines) and its pager links, which keep
    the other query parameters."""
    page = Paginator(batch.report or [], REPORT_PAGE).get_page(request.GET.get("page"))
    rows = []
    for line in page.object_list:
        article_id = line.get("article_id")
        rows.append(
            {
                "status": line.get("status", ""),
                "source": line.get("source", ""),
                "reason": line.get("reason", ""),
                "article_id": article_id,
                "title": line.get("title") or f"story {article_id}",
            }
        )
    query = request.GET.copy()
    query.pop("page", None)

    def link(number):
        query["page"] = number
        return "?" + query.urlencode()

    return {
        "report_summary": report_lines(batch)[0],
        "report_rows": rows,
        "report_page": page,
        "report_previous": link(page.previous_page_number()) if page.has_previous() else "",
        "report_next": link(page.next_page_number()) if page.has_next() else "",
    }


# --- the rest ------------------------------------------------------------------------------


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = [
        "created",
        "user",
        "action",
        "content_type",
        "object_repr",
        "message",
        "undo_link",
    ]
    list_select_related = ["user", "content_type"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "message"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # undo of bulk actions and merges (``curation.undo_operation``)

    @admin.display(description="undo", empty_value="")
    def undo_link(self, obj):
        """An Undo link on a bulk change or merge made today (the undo page checks the rest)."""
        if obj.action not in curation.UNDOABLE_ACTIONS or not obj.operation:
            return ""
        if timezone.localdate(obj.created) != timezone.localdate():
            return ""
        return format_html('<a href="{}">Undo</a>', undo_url(obj.operation))

    def get_urls(self):
        undo = self.admin_site.admin_view(self.undo_view)
        return [
            path("undo/<str:operation>/", undo, name="archive_changerecord_undo"),
            *super().get_urls(),
        ]

    def undo_view(self, request, operation):
        """Confirm (GET) and undo (POST) the bulk change or merge ``operation``."""
        records = list(
            ChangeRecord.objects.filter(operation=operation)
            .exclude(operation="")
            .select_related("content_type")
            .order_by("id")
        )
        changelist = reverse("admin:archive_changerecord_changelist")
        if not records:
            self.message_user(request, "There is no such change to undo.", messages.ERROR)
            return HttpResponseRedirect(changelist)
        model = records[0].content_type.model_class()
        if not request.user.has_perm(f"archive.change_{model._meta.model_name}"):
            raise PermissionDenied
        try:
            curation.undo_records(operation)
            if request.method == "POST":
                result = curation.undo_operation(operation, user=request.user)
        except curation.CurationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(changelist)
        if request.method == "POST":
            self.message_user(request, result.summary(), messages.SUCCESS)
            return HttpResponseRedirect(
                reverse(f"admin:archive_{model._meta.model_name}_changelist")
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Undo a change",
            "opts": self.model._meta,
            "records": sorted(records, key=lambda r: (r.object_repr.casefold(), r.pk)),
            "first": records[0],
        }
        return TemplateResponse(request, "admin/archive/changerecord/undo.html", context)


def undo_url(operation):
    return reverse("admin:archive_changerecord_undo", args=[operation])


def undo_message(text, result):
    """A bulk action's message, with a link to undo it when anything changed."""
    if not result.operation:
        return text
    return format_html('{} <a href="{}">Undo</a>', text, undo_url(result.operation))


admin.site.register(StoryCluster)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["kind", "old_slug", "new_slug"]
    list_filter = ["kind"]
    search_fields = ["old_slug", "new_slug"]
