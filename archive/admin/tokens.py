"""API tokens: made by curators, the key shown once, then only its first characters."""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse

from ..models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "key_start", "owner", "created", "last_used", "active"]
    list_filter = ["active"]
    search_fields = ["name", "key_start", "owner__username"]
    fields = ["name", "active", "key_start", "owner", "created", "last_used"]
    readonly_fields = ["key_start", "owner", "created", "last_used"]

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else self.fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.owner = request.user
            # The key exists only in this request: its hash is stored, the key is shown once.
            request.new_api_key = ApiToken.new_key()
            obj.set_key(request.new_api_key)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The new key, shown on this page only (never stored, nor put in a message)."""
        context = {
            **self.admin_site.each_context(request),
            "title": "API token created",
            "token": obj,
            "key": request.new_api_key,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/archive/apitoken/created.html", context)
