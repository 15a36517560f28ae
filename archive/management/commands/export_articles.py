from django.core.management.base import BaseCommand

from archive.export import export_queryset, write_jsonl
from archive.models import Article


class Command(BaseCommand):
    help = "Export articles as JSON Lines (one article a line; format in the README)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument(
            "--status",
            choices=[s for s, _ in Article.Status.choices],
            help="only articles with this status",
        )

    def handle(self, *args, **options):
        queryset = Article.objects.all()
        if options["status"]:
            queryset = queryset.filter(status=options["status"])
        queryset = export_queryset(queryset)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fp:
                n = write_jsonl(fp, queryset)
            self.stderr.write(f"{n} articles written to {options['output']}")
        else:
            self.stdout.ending = ""
            write_jsonl(self.stdout, queryset)
