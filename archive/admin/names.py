"""The queue of names to resolve: names stories use that the importer linked to nobody (or
only by a close spelling), each shown in its sentence with the people it may be."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import curation
from ..models import Person, UnresolvedName

QUEUE_PAGE = 25  # names per page of the queue


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
                    "context": curation.name_parts(
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
