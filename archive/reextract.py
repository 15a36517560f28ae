"""Re-running extraction on stored stories: the way extractor improvements reach old ones.

``reextract_articles`` rebuilds each article's extracted fields from its stored raw
input, leaving alone every field a curator has edited (``Article.curated_fields``:
names from ``Article.EXTRACTED_FIELDS``, plus "mentions" and "quotes").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from .importer import _outlet_for, save_people_and_quotes
from .ingest import pipeline
from .ingest.readers import RawStory
from .ingest.urls import web_url
from .models import Article, Mention, Quote, UnresolvedName
from .people import PersonResolver
from .signals import send_after_commit

log = logging.getLogger(__name__)

UPDATED, UNCHANGED, FAILED = "updated", "unchanged", "failed"


@dataclass
class ReextractResult:
    """Counts and, per article, what happened: {article id: (status, reason)}."""

    outcomes: dict[int, tuple[str, str]] = field(default_factory=dict)

    def _count(self, status):
        return sum(1 for s, _ in self.outcomes.values() if s == status)

    @property
    def updated(self):
        return self._count(UPDATED)

    @property
    def unchanged(self):
        return self._count(UNCHANGED)

    @property
    def failed(self):
        return self._count(FAILED)

    def summary_line(self):
        return f"{self.updated} updated, {self.unchanged} unchanged, {self.failed} failed"


def _people_and_quotes(article: Article):
    mentions = sorted(article.mentions.values_list("person_id", "count"))
    quotes = list(
        article.quotes.order_by("position").values_list(
            "speaker_id", "speaker_label", "text", "paragraph", "is_fragment"
        )
    )
    return mentions, quotes


def reextract_article(article: Article, resolver: PersonResolver) -> tuple[str, str]:
    """Re-extract one article inside the caller's transaction; returns (status, reason)."""
    raw = RawStory(
        source=article.source, text=article.raw, format=article.raw_format, url=article.url
    )
    story = pipeline.extract(raw, known=resolver.known_names())
    curated = set(article.curated_fields or [])
    values = {
        "title": story.title[:500],
        "standfirst": story.standfirst,
        "outlet": _outlet_for(story.outlet, {}) if story.outlet else None,
        "published": story.published,
        "byline": story.byline[:300],
        "authors": story.authors,
        "wire": story.wire[:60],
        "url": (web_url(story.url) or web_url(article.url))[:1000],
        "body": story.body,
    }
    changed = []
    for name, value in values.items():
        if name in curated:
            continue
        current = article.outlet if name == "outlet" else getattr(article, name)
        if current != value:
            setattr(article, name, value)
            changed.append(name)
    if article.removed != story.removed and "body" not in curated:
        article.removed = story.removed
        changed.append("removed")
    before = _people_and_quotes(article)
    keep_mentions = "mentions" in curated
    keep_quotes = "quotes" in curated
    if not (keep_mentions and keep_quotes):
        saved_mentions = (
            list(article.mentions.values("person_id", "count", "name")) if keep_mentions else None
        )
        # a curator's people keep the names the curator has not linked yet
        saved_unresolved = (
            list(article.unresolved_names.values("name", "count", "person_id"))
            if keep_mentions
            else None
        )
        saved_quotes = (
            list(
                article.quotes.values(
                    "speaker_id", "speaker_label", "text", "paragraph", "position", "is_fragment"
                )
            )
            if keep_quotes
            else None
        )
        for person_id, name in article.mentions.values_list("person_id", "name"):
            resolver.uncount(person_id, name)  # replaced below: counted once, not twice
        save_people_and_quotes(article, story, resolver)
        if saved_mentions is not None:
            article.mentions.all().delete()
            Mention.objects.bulk_create(Mention(article=article, **m) for m in saved_mentions)
            article.unresolved_names.all().delete()
            UnresolvedName.objects.bulk_create(
                UnresolvedName(article=article, **u) for u in saved_unresolved
            )
        if saved_quotes is not None:
            article.quotes.all().delete()
            Quote.objects.bulk_create(Quote(article=article, **q) for q in saved_quotes)
    if _people_and_quotes(article) != before:
        changed.append("people and quotes")
    if changed:
        article.save()
        return UPDATED, "changed: " + ", ".join(changed)
    return UNCHANGED, ""


def reextract_articles(
    articles: Iterable[Article], *, progress: Callable[[int, str, str], None] | None = None
) -> ReextractResult:
    """Re-run ``pipeline.extract`` on each article's stored raw input.

    Fields in ``curated_fields`` are kept; an article that fails is reported with the
    reason and the others go on. ``archive.signals.articles_changed`` is sent after
    commit for the articles that changed.
    """
    result = ReextractResult()
    resolver = PersonResolver()
    changed_ids = []
    with transaction.atomic():
        for article in articles:
            try:
                with transaction.atomic():
                    status, reason = reextract_article(article, resolver)
            except pipeline.ExtractionError as exc:
                status, reason = FAILED, str(exc)
            except Exception as exc:  # one bad story must not stop the run
                log.exception("re-extraction failed on article %s", article.pk)
                status, reason = FAILED, f"{type(exc).__name__}: {exc}"
            result.outcomes[article.pk] = (status, reason)
            if status == UPDATED:
                changed_ids.append(article.pk)
            if progress:
                progress(article.pk, status, reason)
        send_after_commit(changed_ids)
    return result
