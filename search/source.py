"""The archive as search reads it: the one module of ``search`` that touches ``archive``.

Every query search makes of the archive's tables is here (whatever the backend), and the
models are looked up through Django's app registry rather than imported, so that no module
of ``search`` imports ``archive.models`` and ``archive`` may import ``search.api`` at the
top of any module. ``name_key`` (how a person's name is compared) is plain Python from
``archive.ingest``, and ``parse_date`` the project's one date parser (``archive.dates``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db import connection
from django.db.models import Count, F, Max, Q

from archive.dates import days_in_month, parse_date
from archive.ingest.people import name_key

__all__ = ["days_in_month", "name_key", "parse_date"]


def model(name: str):
    """The archive's model ``name`` (``Article``, ``Mention``, ``Quote``, ``Outlet``,
    ``Person``, ``Alias``), for the signal receivers that follow its saves."""
    return apps.get_model("archive", name)


def articles_changed_signal():
    """The signal the archive sends after commit with the ids of changed articles."""
    from archive.signals import articles_changed

    return articles_changed


# --- Articles ------------------------------------------------------------------------------


def published_count() -> int:
    return model("Article").objects.published().count()


def published_ids() -> list[int]:
    """Every published article's id, in id order."""
    return list(model("Article").objects.published().order_by("id").values_list("id", flat=True))


def changed_since(moment) -> set[int]:
    """Ids of the articles saved at or after ``moment``."""
    return set(model("Article").objects.filter(updated__gte=moment).values_list("id", flat=True))


def latest_published(limit: int):
    """The latest published articles (the search page with nothing asked)."""
    return (
        model("Article")
        .objects.published()
        .select_related("outlet")
        .order_by(F("published").desc(nulls_last=True), "-id")[:limit]
    )


ROW_FIELDS = (
    "id", "title", "published", "updated", "outlet__name", "outlet__slug", "cluster_id", "authors"
)  # fmt: skip


def published_rows(ids: list[int], *, text: bool):
    """The rows (dicts of ``ROW_FIELDS``, and the text with ``text``) of the published
    articles among ``ids``, by id.

    The rows are read by primary key and the state checked here: with ``status`` in the
    query, SQLite walks the whole status index instead (every published story, for each
    chunk of ids)."""
    article = model("Article")
    fields_ = ROW_FIELDS + (("standfirst", "body") if text else ())
    rows = article.objects.filter(id__in=ids).order_by("id").values("status", *fields_)
    published = article.Status.PUBLISHED
    for row in rows:
        if row.pop("status") == published:
            yield row


def related(ids: list[int]):
    """Mentions and quotes of ``ids``, grouped by article id: ``(people, quotes)``.

    People are indexed under their canonical names; their aliases are applied to the
    query (``search.names``), so a new alias never means rewriting the person's stories.
    """
    people = defaultdict(list)
    for m in (
        model("Mention")
        .objects.filter(article_id__in=ids)
        .order_by("article_id", "-count", "person__name")
        .values("article_id", "person_id", "person__name", "person__slug")
    ):
        people[m["article_id"]].append(
            {"id": m["person_id"], "name": m["person__name"], "slug": m["person__slug"]}
        )
    quotes = defaultdict(list)
    for q in (
        model("Quote")
        .objects.filter(article_id__in=ids)
        .order_by("article_id", "position", "id")
        .values("id", "article_id", "text", "speaker_label", "speaker__slug", "speaker__name")
    ):
        quotes[q["article_id"]].append(q)
    return people, quotes


def with_copies(ids: Iterable[int]) -> set[int]:
    """``ids`` and the other articles of their story clusters (one query)."""
    article = model("Article")
    ids = {int(i) for i in ids}
    if not ids:
        return ids
    clusters = article.objects.filter(id__in=ids, cluster__isnull=False).values("cluster_id")
    return ids | set(article.objects.filter(cluster_id__in=clusters).values_list("id", flat=True))


def bodies(ids: Iterable[int]) -> list[str]:
    """The body text of the articles ``ids``."""
    return list(model("Article").objects.filter(pk__in=ids).values_list("body", flat=True))


def article_text(article_id: int) -> str | None:
    """An article's headline, standfirst and body, one a line (None: no such article)."""
    row = (
        model("Article").objects.filter(pk=article_id).values("title", "standfirst", "body").first()
    )
    if row is None:
        return None
    return "\n".join([row["title"], row["standfirst"], row["body"]])


def page_articles(ids: list[int], cluster_ids: set[int]) -> list:
    """The published articles ``ids`` and the published copies of the clusters
    ``cluster_ids``, with their outlets, each cluster's first copy first (one query).

    Published ones are picked here: with the status in the WHERE clause, SQLite walks the
    status index (every published article) instead of looking the ids up."""
    article = model("Article")
    wanted = Q(id__in=ids) | Q(cluster_id__in=cluster_ids) if cluster_ids else Q(id__in=ids)
    return [
        a
        for a in article.objects.filter(wanted).select_related("outlet").first_copy_first()
        if a.status == article.Status.PUBLISHED
    ]


def page_quotes(ids: list[int]) -> dict:
    """{id: Quote} of the quotes ``ids`` of published articles, with their articles,
    outlets and speakers (one query)."""
    return (
        model("Quote")
        .objects.filter(id__in=ids, article__status="published")
        .select_related("article", "article__outlet", "speaker")
        .in_bulk(ids)
    )


def articles_of_person(person_id: int):
    """Ids of the articles mentioning the person (a query, evaluated by the caller)."""
    return model("Mention").objects.filter(person_id=person_id).values_list("article_id", flat=True)


def articles_of_outlet(outlet):
    """Ids of the outlet's articles (a query, evaluated by the caller)."""
    return outlet.articles.values_list("id", flat=True)


# --- Outlets and people ----------------------------------------------------------------------


def outlets_named(names: list[str], slugify) -> list:
    """Outlets whose slug or name (any case) is one of ``names``, by name (one query)."""
    cond = Q()
    for name in names:
        cond |= Q(slug=slugify(name)) | Q(name__iexact=name)
    return list(model("Outlet").objects.filter(cond).order_by("name"))


def people_named(names: list[str], slugify) -> list:
    """People whose slug, or one of whose aliases, is one of ``names``, by name (one
    query)."""
    cond = Q()
    for name in names:
        cond |= Q(slug=slugify(name)) | Q(aliases__key=name_key(name))
    return list(model("Person").objects.filter(cond).distinct().order_by("name"))


def outlet_names(slugs: list[str]) -> dict[str, str]:
    """{slug: name} of the outlets ``slugs`` (no query when there are none)."""
    if not slugs:
        return {}
    return dict(model("Outlet").objects.filter(slug__in=slugs).values_list("slug", "name"))


def person_names(slugs: list[str]) -> dict[str, str]:
    """{slug: name} of the people ``slugs`` (no query when there are none)."""
    if not slugs:
        return {}
    return dict(model("Person").objects.filter(slug__in=slugs).values_list("slug", "name"))


def alias_version() -> tuple:
    """What changes when an alias is added or removed: (how many, the latest id)."""
    v = model("Alias").objects.aggregate(n=Count("id"), last=Max("id"))
    return (v["n"], v["last"])


def alias_pairs():
    """(alias, person's name) of every alias."""
    return model("Alias").objects.values_list("name", "person__name")


# --- The index's owed writes -------------------------------------------------------------------


def row_inserter(model_class, columns, **options):
    """The archive's plain-row inserter (``archive.bulk.RowInserter``) for ``model_class``."""
    from archive.bulk import RowInserter

    return RowInserter(model_class, columns, **options)


def signature(row, people, quotes) -> str:
    """What a backend's check compares with what it stored: a change to any value a search
    document is made from changes it. The body is represented by ``updated`` (saving an
    article bumps it) to keep the check cheap; everything else is included as is."""
    data = [
        row["updated"].isoformat() if row["updated"] else "",
        row["title"],
        row["outlet__name"] or "",
        row["published"].isoformat() if row["published"] else "",
        row["cluster_id"],
        row.get("authors") or [],
        [(p["slug"], p["name"]) for p in people],
        [(q["id"], q["speaker__slug"] or "", q["speaker_label"], q["text"]) for q in quotes],
    ]
    return hashlib.sha1(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def signatures(ids: Iterable[int] | None = None, chunk: int = 2000) -> dict[int, str]:
    """{article id: ``signature``} of published articles (all of them when ``ids`` is None),
    read ``chunk`` at a time."""
    if ids is None:
        ids = published_ids()
    ids = sorted(set(ids))
    result = {}
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        people, quotes = related(part)
        for row in published_rows(part, text=False):
            result[row["id"]] = signature(row, people[row["id"]], quotes[row["id"]])
    return result


# --- Table names (the PostgreSQL backend's SQL joins the archive's tables) ---------------------


def table(name: str) -> str:
    """The database table of the archive's model ``name``, quoted for SQL."""
    return connection.ops.quote_name(model(name)._meta.db_table)
