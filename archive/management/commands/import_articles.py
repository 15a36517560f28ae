import sys

from django.core.management.base import BaseCommand, CommandError

from archive.importer import import_paths
from search import api


class Command(BaseCommand):
    help = (
        "Import stories from files, folders (recursively) and glob patterns. Idempotent: "
        "a story already in the archive is reported unchanged. Exits non-zero when any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files, folders or glob patterns")
        parser.add_argument("--outlet", help="outlet for stories whose text does not name one")
        parser.add_argument(
            "--review",
            action="store_true",
            help="leave imported stories as new for a curator instead of publishing them",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        paths = options["paths"]
        from tqdm import tqdm

        show = not options["no_progress"] and options["verbosity"] > 0
        bar = tqdm(unit=" stories", disable=not show, file=sys.stderr, leave=False)
        try:
            # A long import writes the search index in a second process (second core).
            with api.import_session() as session:
                session.heal()  # what a killed or failed earlier run left out of the index
                result = import_paths(
                    paths,
                    outlet=options["outlet"],
                    review=options["review"],
                    label=" ".join(paths),
                    progress=lambda outcome: bar.update(1),
                )
                left = session.work_left()
                if left:
                    bar.set_description(
                        "building the search index"
                        if left == "rebuild"
                        else "writing the search index"
                    )
        finally:
            bar.close()
        for line in result.report_lines():
            self.stdout.write(line)
        # The stories are saved; those the search index could not take are kept for it.
        created = [o.article_id for o in result.outcomes if o.status == "created"]
        owed = session.unwritten(created)
        if owed:
            reason = next(iter(owed.values()))
            message = (
                f"the search index could not be written ({reason}): {len(owed)} of the "
                f"{len(created)} stories saved are kept to index later; fix the index "
                "directory and run `manage.py check_index --repair`"
            )
            if result.ok:
                raise CommandError(message, returncode=1)
            self.stderr.write(f"Error: {message}")
        if not result.ok:
            raise CommandError(f"{result.failed} file(s) failed", returncode=1)
