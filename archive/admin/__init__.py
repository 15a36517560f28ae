"""The curators' admin, one module per kind of record: ``articles`` (the review queue and
story editing), ``people``, ``outlets``, ``quotes``, ``names`` (names to resolve),
``uploads`` (upload and import batches), ``changes`` (history and undo); ``base`` holds
what they share.

The admin only presents: every correction and every change record goes through a service
in ``archive.curation`` (one transaction, recorded in ``ChangeRecord``), and uploads
through the importer. Its HTML is in ``templates/admin/archive/``.
"""

from django.contrib import admin

from ..admin_site import ThrottledAuthenticationForm
from . import articles, changes, names, outlets, people, quotes, tokens, uploads  # noqa: F401

admin.site.login_form = ThrottledAuthenticationForm
admin.site.site_header = "News archive curation"
admin.site.site_title = "News archive admin"
