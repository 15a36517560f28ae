"""What every curation service shares: the error they raise, the fields a curator can
mark curated, and the Curators group's permissions."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .. import history
from ..models import (
    Article,
)

CURATABLE_FIELDS = (*Article.EXTRACTED_FIELDS, "mentions", "quotes")

# The permissions of the "Curators" group: everything curation needs, nothing about users.
CURATORS_GROUP = "Curators"
CURATOR_PERMISSIONS = (
    *(
        f"archive.{action}_{model}"
        for model in ("article", "quote", "mention", "person", "alias", "outlet")
        for action in ("view", "add", "change", "delete")
    ),
    "archive.view_importbatch",
    "archive.add_importbatch",
    "archive.view_changerecord",
    "archive.view_unresolvedname",
    "archive.change_unresolvedname",
    "archive.delete_unresolvedname",
    *(f"archive.{action}_apitoken" for action in ("view", "add", "change", "delete")),
)


class CurationError(Exception):
    """A correction that cannot be made as asked; the message says why."""


def curated_after_edit(current: list[str], changed: list[str]) -> list[str]:
    """``current`` plus the curatable fields in ``changed``, in a stable order."""
    wanted = set(current) | {name for name in changed if name in CURATABLE_FIELDS}
    return [name for name in CURATABLE_FIELDS if name in wanted]


@transaction.atomic
def mark_curated(article: Article, fields, *, user=None) -> list[str]:
    """Mark ``fields`` of ``article`` as curated; returns the fields newly marked."""
    unknown = sorted(set(fields) - set(CURATABLE_FIELDS))
    if unknown:
        raise CurationError(f"Not a curatable field: {', '.join(unknown)}")
    before = list(article.curated_fields or [])
    after = curated_after_edit(before, fields)
    added = [name for name in after if name not in before]
    if added:
        article.curated_fields = after
        Article.objects.filter(pk=article.pk).update(curated_fields=after)
        history.record(
            article, user=user, action="curate", changes={"curated_fields": [before, after]}
        )
    return added


@transaction.atomic
def forget_curation(articles, *, user=None, fields=None) -> int:
    """Un-mark ``fields`` (all when None) as curated on ``articles``; returns how many changed."""
    entries = []
    changed = []
    for article in articles:
        before = list(article.curated_fields or [])
        after = [] if fields is None else [name for name in before if name not in set(fields)]
        if after != before:
            article.curated_fields = after
            changed.append(article)
            entries.append((article, {"curated_fields": [before, after]}))
    Article.objects.bulk_update(changed, ["curated_fields"], batch_size=500)
    history.record_many(entries, user=user, action="uncurate")
    return len(changed)


def ensure_curators_group():
    """The "Curators" group with exactly ``CURATOR_PERMISSIONS`` (created or repaired)."""
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    wanted = [name.split(".", 1) for name in CURATOR_PERMISSIONS]
    perms = Permission.objects.filter(
        content_type__app_label="archive", codename__in=[codename for _, codename in wanted]
    )
    group.permissions.set(perms)
    return group
