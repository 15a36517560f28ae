import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import source
from search.api import rebuild


class Command(BaseCommand):
    help = (
        "Build the search index from the database into a fresh directory and swap it in "
        "atomically (searches keep working meanwhile)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--memory-mb",
            type=int,
            default=None,
            help=(
                "Whoosh: postings held in memory per process, in MB, before they are "
                "written to sorted runs on disk (default 128)"
            ),
        )
        parser.add_argument(
            "--procs",
            type=int,
            default=None,
            help=(
                "Whoosh: processes indexing side by side into one index segment (default "
                "ARCHIVE_INDEX_REBUILD_PROCS, 2; one for a small archive)"
            ),
        )

    def handle(self, *args, **options):
        total = source.published_count()
        bar = tqdm(
            total=total,
            unit="article",
            disable=options["no_progress"] or None,
            file=sys.stderr,
            desc="Indexing",
        )
        # The backend's own options, those given (another backend has none of Whoosh's).
        given = {"limitmb": options["memory_mb"], "procs": options["procs"]}
        with bar:
            report = rebuild(
                progress=bar.update, **{k: v for k, v in given.items() if v is not None}
            )
        self.stdout.write(
            f"Indexed {report.articles} articles in {report.seconds:.1f}s "
            f"({report.rate:.0f} articles/s, {report.size_bytes / 1e6:.1f} MB)"
            + (f"; caught up {report.caught_up} changed meanwhile" if report.caught_up else "")
        )
