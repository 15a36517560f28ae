"""``manage.py reextract [--all | IDS]``: re-run extraction from the stored raw input."""

from django.core.management.base import BaseCommand, CommandError

from archive.models import Article
from archive.reextract import reextract_articles


class Command(BaseCommand):
    help = "Re-run extraction on stored articles, keeping the fields curators have edited."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="article ids")
        parser.add_argument("--all", action="store_true", help="every article in the archive")

    def handle(self, *args, **options):
        ids = options["ids"]
        if options["all"] == bool(ids):
            raise CommandError("give article ids or --all (not both)")
        articles = Article.objects.order_by("id")
        if ids:
            articles = articles.filter(pk__in=ids)
            missing = sorted(set(ids) - set(articles.values_list("id", flat=True)))
            if missing:
                raise CommandError("no article with id " + ", ".join(map(str, missing)))
        result = reextract_articles(articles.iterator(chunk_size=200))
        self.stdout.write(result.summary_line())
        for pk, (status, reason) in result.outcomes.items():
            if status == "failed":
                self.stdout.write(f"FAILED {pk}: {reason}")
