"""What the admin's pages share: history recorded through the curation services, the
search index's warnings, action confirmation pages, the merge action, small HTML pieces."""

from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.models import ContentType
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe

from search import api as search_api

from .. import curation
from ..models import ChangeRecord


def count_subquery(queryset, field):
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
    search_api.take_failures()  # (left by an earlier request of this thread)
    yield
    failures = search_api.take_failures()
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
            fields += self.extra_history_fields(form)
            curation.record_edit(old, obj, fields, user=request.user)
        elif not change:
            curation.record_added(obj, fields, user=request.user)

    def extra_history_fields(self, form):
        return []

    def save_formset(self, request, form, formset, change):
        """Save the inline rows (``save_formset_rows``), then record what they changed on
        the edited object's history (``curation.record_inline_changes``)."""
        self.save_formset_rows(request, form, formset, change)
        deleted = [str(o) for o in formset.deleted_objects]
        changed = [(str(o), fields) for o, fields in formset.changed_objects]
        added = [str(o) for o in formset.new_objects]
        if deleted or changed or added:
            curation.record_inline_changes(
                form.instance,
                str(formset.model._meta.verbose_name_plural),
                deleted=deleted,
                changed=changed,
                added=added,
                user=request.user,
                curated=self.inlines_curate,
            )

    # Whether an inline change marks the edited object's inline kind curated (stories'
    # people and quotes: re-extraction then leaves them alone).
    inlines_curate = False

    def save_formset_rows(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        curation.record_deleted(obj, user=request.user, message=f"Deleted {obj}")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        curation.record_deleted_many(queryset, user=request.user, message="Deleted")
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


def undo_url(operation):
    return reverse("admin:archive_changerecord_undo", args=[operation])


def undo_message(text, result):
    """A bulk action's message, with a link to undo it when anything changed."""
    if not result.operation:
        return text
    return html("undo_message.html", text=text, url=undo_url(result.operation))


def html(template, **context):
    """A small piece of the admin's HTML, from ``templates/admin/archive/includes/``
    (values escaped as in any template), without the file's final line break."""
    rendered = render_to_string(f"admin/archive/includes/{template}", context)
    return mark_safe(rendered.removesuffix("\n"))
