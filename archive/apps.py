from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "News archive"

    def ready(self):
        from . import pagecache  # noqa: F401  (connects the page cache to model changes)
