from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .bulk import DEFERRED_INDEXES, restore_indexes


def _restore_indexes(using="default", apps=None, **kwargs):
    """After ``migrate``: the indexes an unfinished bulk import left out are built (those
    the migrated state defines: a migration back to before one was added leaves it out)."""
    defined = None
    if apps is not None:
        defined = set()
        for model_name in DEFERRED_INDEXES:
            try:
                model = apps.get_model("archive", model_name)
            except LookupError:
                return
            defined |= {index.name for index in model._meta.indexes}
    restore_indexes(using, only=defined)


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "News archive"

    def ready(self):
        # connect the page cache and the counters to model changes, and record a redirect
        # when a slug changes; register the system checks
        from . import checks, pagecache, redirects, stats  # noqa: F401

        post_migrate.connect(_restore_indexes, sender=self)
