"""The curators' history: every change record, undoing a bulk change or a merge made
today, and the old addresses of renamed or merged people and outlets."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from .. import curation
from ..models import ChangeRecord, SlugRedirect
from .base import html, undo_url


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
        return html("link.html", url=undo_url(obj.operation), text="Undo")

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


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["kind", "old_slug", "new_slug"]
    list_filter = ["kind"]
    search_fields = ["old_slug", "new_slug"]
