from django.core.management.base import BaseCommand, CommandError

from search.api import check


def _ids(ids, limit=10):
    shown = ", ".join(str(i) for i in sorted(ids)[:limit])
    return shown + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")


class Command(BaseCommand):
    help = (
        "Compare the search index with the database: published articles missing from the "
        "index, indexed from an older version (stale), or indexed but not published (extra)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="fix what differs")

    def handle(self, *args, **options):
        report = check(repair=options["repair"])
        if report.damaged:
            self.stdout.write(f"The index is damaged: {report.damaged}.")
            if report.repaired:
                self.stdout.write(f"Rebuilt the index ({report.published} published articles).")
                return
            raise CommandError("The index is damaged; run check_index --repair to rebuild it.")
        if report.index_missing:
            self.stdout.write("No search index yet.")
        if report.outdated:
            self.stdout.write(report.outdated)
            if report.repaired:
                self.stdout.write("Rebuilt the index with the current schema.")
                return
            raise CommandError(
                "The index is outdated; run rebuild_index (or check_index --repair)."
            )
        self.stdout.write(
            f"{report.published} published, {report.indexed} indexed: "
            f"{len(report.missing)} missing, {len(report.stale)} stale, "
            f"{len(report.extra)} extra, {len(report.pending)} pending"
        )
        for label, ids in (
            ("missing", report.missing),
            ("stale", report.stale),
            ("extra", report.extra),
            ("pending", report.pending),
        ):
            if ids:
                self.stdout.write(f"  {label}: {_ids(ids)}")
        if report.ok:
            self.stdout.write("The index matches the database.")
        elif report.repaired:
            self.stdout.write(f"Repaired {len(report.to_fix())} article(s).")
        else:
            raise CommandError("The index differs from the database; run with --repair to fix it.")
