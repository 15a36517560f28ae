"""Uploads and import batches: the upload form (files queued for ``manage.py
import_worker``), a batch's progress and its report a page at a time."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..ingest.readers import PathProblem
from ..jobs import queue_upload
from ..models import ImportBatch, UploadJob
from .base import html


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
        return html("link.html", url=url, text="Review the stories of this batch")

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
