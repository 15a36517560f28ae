from django.core.management.base import BaseCommand

from archive import pagecache
from archive.stats import (
    forget_page_stats,
    refresh_outlet_counts,
    refresh_person_counts,
    sync_story_fields,
)


class Command(BaseCommand):
    help = (
        "Recompute the outlet and person counters and the copies of story fields on mentions and quotes (after changes made "
        "with SQL or QuerySet.update(), which the archive is not told about)."
    )

    def handle(self, *args, **options):
        sync_story_fields()
        outlets = refresh_outlet_counts()
        people = refresh_person_counts()
        forget_page_stats()
        pagecache.bump()  # readers' pages too: the change was made behind the archive's back
        self.stdout.write(f"{outlets} outlets and {people} people had stale counts; now fixed.")
