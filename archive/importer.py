"""Story -> database. Idempotent: the same story imported twice is stored once.

``import_paths`` (files, folders, globs) and ``import_uploads`` (name and bytes pairs)
read, extract and save stories and return an ``ImportResult``; the management command
and the admin upload only call them and print the report.

One module: the chunk's transaction, the per-story save, the look-ups made ahead and the
rows written at the chunk's end share the ``Importer``'s state and the retry loop; the
reading and extraction ahead are in ``ingest.pool``, the people in ``people``, the copies
in ``clusters``.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, Max

from . import clusters
from .bulk import RowInserter, indexes_deferred, restore_indexes
from .ingest import dedupe, pipeline
from .ingest.pool import ExtractionPool, Prepared, hash_prefixes
from .ingest.readers import NotAStory, RawStory, ReadError, expand_paths
from .ingest.urls import web_url
from .models import (
    Alias,
    Article,
    ImportBatch,
    Mention,
    Outlet,
    Person,
    Quote,
    UnresolvedName,
)
from .people import ALIAS_ROWS, PersonResolver
from .signals import send_after_commit
from .stats import OutletFigures, add_mention_counts

log = logging.getLogger(__name__)

CREATED, UNCHANGED, FAILED = "created", "unchanged", "failed"
SKIPPED = "skipped"  # a file that is not a story (README, licence, index): no failure
# Stories per transaction at most, and seconds: each commit writes every database page
# the chunk touched (the near-duplicate keys land all over their index), so a larger
# chunk writes fewer pages per story; the time bound keeps another writer's wait (the
# admin's, a second import's) short. A crash loses at most one chunk.
CHUNK = 1000
CHUNK_SECONDS = 5.0
LOOK_AHEAD = 20  # stories whose archive look-ups are made together, inside a chunk
POOL_MIN = 400  # inputs from which reading and extraction go to worker processes
GC_YOUNG = 50_000  # objects allocated between two collections of the youngest generation
# A chunk that meets a deadlock, a serialisation failure, a lock timeout (an admin edit
# beside the import) or fails at commit is rolled back and saved again, this many times
# in all, waiting a little longer each time; then its stories are reported failed.
CHUNK_ATTEMPTS = 4
# A story whose INSERTs meet a unique name taken meanwhile (a person's slug changed in
# place) is saved again once, with the people read again; then it is reported failed.
STORY_ATTEMPTS = 2
RETRY_WAIT = 0.5  # seconds before the second attempt, doubled for each next one
# Key of the PostgreSQL advisory lock an import's chunk holds until it commits: chunks of
# imports running at once are saved one after the other (SQLite's one writer does the
# same), so each sees the people and outlets the other created and none waits for rows
# another holds (which deadlocked on people's slugs).
CHUNK_LOCK = 0x61726368  # "arch"


@dataclass
class Outcome:
    """What happened to one story (or one file that yielded none)."""

    source: str
    status: str
    reason: str = ""
    article_id: int | None = None
    title: str = ""

    def as_dict(self):
        return {
            "source": self.source,
            "status": self.status,
            "reason": self.reason,
            "article_id": self.article_id,
            "title": self.title,
        }


@dataclass
class ImportResult:
    """The report of one import run."""

    outcomes: list[Outcome] = field(default_factory=list)
    batch: ImportBatch | None = None

    def _count(self, status):
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def created(self):
        return self._count(CREATED)

    @property
    def unchanged(self):
        return self._count(UNCHANGED)

    @property
    def failed(self):
        return self._count(FAILED)

    @property
    def failures(self):
        return [o for o in self.outcomes if o.status == FAILED]

    @property
    def ok(self):
        return self.failed == 0

    @property
    def skipped(self):
        return self._count(SKIPPED)

    def summary_line(self):
        line = f"{self.created} created, {self.unchanged} unchanged, {self.failed} failed"
        return f"{line}, {self.skipped} skipped" if self.skipped else line

    def report_lines(self):
        """The summary line, then one line per failed and per skipped file with its reason."""
        skipped = [o for o in self.outcomes if o.status == SKIPPED]
        return [
            self.summary_line(),
            *(f"FAILED {o.source}: {o.reason}" for o in self.failures),
            *(f"SKIPPED {o.source}: {o.reason}" for o in skipped),
        ]


def _outlet_for(name: str | None, cache: dict) -> Outlet | None:
    """The outlet named ``name``, created when the archive has none. Another process
    creating it meanwhile fails the INSERT (in a savepoint of its own): it is read again.
    ``cache`` holds outlets of the current transaction only (``Importer.forget``)."""
    if not name:
        return None
    name = name.strip()
    key = name.lower()
    if key not in cache:
        outlet = Outlet.objects.filter(name__iexact=name).first()
        if outlet is None:
            try:
                with transaction.atomic():
                    outlet = Outlet.objects.create(name=name)
            except IntegrityError:
                outlet = Outlet.objects.filter(name__iexact=name).first()
                if outlet is None:
                    raise
        cache[key] = outlet
    return cache[key]


def _lock_chunk() -> None:
    """Wait for the chunks of other imports to commit (see ``CHUNK_LOCK``). SQLite needs
    nothing: its transactions begin IMMEDIATE (settings), taking the one write lock."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHUNK_LOCK])


def _names_state() -> tuple:
    """What changes when anyone adds, merges or deletes people, aliases or outlets."""
    return tuple(
        tuple(model.objects.aggregate(n=Count("id"), top=Max("id")).values())
        for model in (Person, Alias, Outlet)
    )


@dataclass
class Rows:
    """Aliases, mentions and quotes as plain tuples, saved together by ``save()``."""

    aliases: list[tuple] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)
    quotes: list[tuple] = field(default_factory=list)
    unresolved: list[tuple] = field(default_factory=list)

    def extend(self, other: Rows) -> None:
        self.aliases += other.aliases
        self.mentions += other.mentions
        self.quotes += other.quotes
        self.unresolved += other.unresolved

    def save(self) -> None:
        """One INSERT per model and per 500 rows; then empty."""
        ALIAS_ROWS.insert(self.aliases)
        MENTION_ROWS.insert(self.mentions)
        QUOTE_ROWS.insert(self.quotes)
        UNRESOLVED_ROWS.insert(self.unresolved)
        self.aliases, self.mentions, self.quotes, self.unresolved = [], [], [], []


ARTICLE_ROW = RowInserter(Article)
# Mentions and quotes carry copies of their story's date, state (and outlet): see
# ``stats.sync_story_fields``.
MENTION_ROWS = RowInserter(
    Mention,
    ("article_id", "person_id", "count", "name", "published", "is_published", "outlet_id"),
)
# names linked to nobody, for the curators' queue (``UnresolvedName``)
# (one kept across re-extraction, with its person, until a curator deals with it)
UNRESOLVED_ROWS = RowInserter(
    UnresolvedName, ("article_id", "name", "count", "person_id"), ignore_conflicts=True
)
QUOTE_ROWS = RowInserter(
    Quote,
    (
        "article_id",
        "speaker_id",
        "speaker_label",
        "text",
        "paragraph",
        "position",
        "is_fragment",
        "published",
        "is_published",
    ),
)


def save_people_and_quotes(
    article: Article,
    story: pipeline.Story,
    resolver: PersonResolver,
    *,
    fresh: bool = False,
    rows: Rows | None = None,
):
    """Replace the article's mentions and quotes with those of ``story`` (``fresh``: the
    article was just created and has none to replace).

    With ``rows``, the new aliases, mentions and quotes are added to it instead of saved,
    for the caller to save a whole chunk's in a few queries (``Rows.save``).
    """
    if not fresh:
        article.mentions.all().delete()
        article.quotes.all().delete()
        article.unresolved_names.filter(person__isnull=True).delete()
    persons = {}
    counts: dict[int, int] = {}  # person id -> mentions, in order of first mention
    names: dict[int, str] = {}  # person id -> the name this story gives them
    unresolved: dict[str, tuple] = {}  # names for the curators -> (mentions, person id)
    new = Rows()
    for mention in story.people:
        person = resolver.resolve(mention, new.aliases)
        if person is None:  # named by a surname only: not linked to anybody
            name = mention.name[:200]
            unresolved[name] = (unresolved.get(name, (0, None))[0] + max(mention.count, 1), None)
            continue
        if resolver.last_near:  # linked by a close spelling only: for a curator to confirm
            unresolved[mention.name[:200]] = (max(mention.count, 1), person.pk)
        persons[mention.name] = person
        for alias in mention.aliases:
            persons.setdefault(alias, person)
        if person.pk in counts:
            counts[person.pk] += mention.count
        else:
            counts[person.pk] = max(mention.count, 1)
            names[person.pk] = mention.name[:200]
    new.unresolved = [(article.pk, name, n, pk) for name, (n, pk) in unresolved.items()]
    if not fresh:  # a close spelling kept from before: only while it is still the link
        article.unresolved_names.filter(person__isnull=False).exclude(
            person_id__in=list(counts)
        ).delete()
    published, shown = article.published, article.is_published
    new.mentions = [
        (article.pk, person_id, n, names[person_id], published, shown, article.outlet_id)
        for person_id, n in counts.items()
    ]
    new.quotes = [
        (
            article.pk,
            persons[q.speaker].pk if q.speaker in persons else None,
            q.speaker_label[:300],
            q.text,
            q.paragraph,
            position,
            q.is_fragment,
            published,
            shown,
        )
        for position, q in enumerate(story.quotes)
    ]
    if rows is not None:
        rows.extend(new)
    else:
        new.save()


class Importer:
    """Saves extracted stories; one instance per import run."""

    def __init__(self, *, outlet=None, review=False, batch=None):
        self.outlet_hint = outlet
        self.status = Article.Status.NEW if review else Article.Status.PUBLISHED
        self.batch = batch
        # On SQLite a chunk's transaction holds the database's one write lock from its start
        # (IMMEDIATE), and the people held in memory are read again when anyone changed
        # them (``begin_chunk``): a new person's slug is free unless one was changed in
        # place meanwhile, and then the story's savepoint fails and ``run_import`` saves it
        # once more with the people read again. So no savepoint per new person there.
        sqlite = transaction.get_connection().vendor == "sqlite"
        self.resolver = PersonResolver(savepoints=not sqlite)
        self.outlets: dict[str, Outlet] = {}
        # content hash -> id of the article holding it, or None: not in the archive
        self.seen: dict[str, int | None] = {}
        # aliases, mentions and quotes of the stories saved, written by ``save_rows()``
        self.rows = Rows()
        # band keys of the chunk's stories (see ``clusters.Bands``), saved with the rows
        self.bands = clusters.Bands()
        self.moved: list[int] = []
        # people, aliases and outlets as they were when this run's last chunk committed
        # (or before the people were first read): None, unknown
        self.names_state: tuple | None = None
        # what the chunk's published stories add to their outlets' figures
        self.outlet_figures = OutletFigures()
        # stories extracted here, and those extracted ahead whose people were found again
        self.extracted = self.refreshed = 0

    def begin_chunk(self) -> None:
        """A new transaction: its band keys are looked up and saved with it. The people and
        outlets held in memory are read again when another process (a second import, a
        curator) changed them since this run's last chunk."""
        self.bands = clusters.Bands()
        self.moved = []  # older articles the chunk's stories put in another cluster
        self.rows = Rows()
        self.outlet_figures = OutletFigures()
        if self.names_state is None or _names_state() != self.names_state:
            self.drop_caches()

    def end_chunk(self) -> None:
        """Before the chunk commits: save its rows; remember the names' state."""
        self.save_rows()
        self.names_state = _names_state()

    def drop_caches(self) -> None:
        """Drop the people and outlets held in memory: the next use reads them again."""
        self.resolver.forget()
        self.outlets.clear()

    def rolled_back(self, digests: Iterable[str]) -> None:
        """The chunk's transaction was rolled back: forget what it saved (the stories of
        ``digests`` are looked up again, the people and outlets read again)."""
        for digest in digests:
            self.seen.pop(digest, None)
        self.drop_caches()
        self.names_state = None

    def look_ahead(self, entries: list) -> None:
        """Look up what the next stories (source, raw, prepared) of the chunk need from
        the archive, in a few queries: which it holds already, and the copies' band keys."""
        self.look_up([raw for _source, raw, _p in entries if isinstance(raw, RawStory)])
        self.bands.look_up(p.signature for _s, _r, p in entries if p and p.signature)

    def look_up(self, raws: list[RawStory]) -> None:
        """Learn which of ``raws`` the archive already holds, in one query for a chunk."""
        seen = self.seen  # a dict of every story of the run: not ``- seen.keys()``
        digests = {raw.content_hash for raw in raws if raw.content_hash not in seen}
        if digests:
            self.seen.update(dict.fromkeys(digests))
            self.seen.update(
                Article.objects.filter(content_hash__in=digests).values_list("content_hash", "id")
            )

    def save_rows(self) -> None:
        """Save the aliases, mentions, quotes and band keys of the stories saved since the
        last call, and add their published stories to their people's and outlets'
        figures (inside the chunk's transaction, before it commits)."""
        person, shown = (MENTION_ROWS.fields.index(f) for f in ("person_id", "is_published"))
        added = Counter(m[person] for m in self.rows.mentions if m[shown])
        self.rows.save()
        self.bands.save()
        add_mention_counts(added)
        self.outlet_figures.save()

    def forget(self) -> None:
        """After a story failed: save the earlier stories' rows, then drop the people and
        outlets held in memory (some may have been rolled back) so they are read again."""
        self.save_rows()
        self.drop_caches()

    def save(self, raw: RawStory, prepared: Prepared | None = None) -> Outcome:
        """Extract and save one story inside the caller's transaction. ``prepared``: its
        extraction done ahead by a worker, used when it still holds."""
        digest = raw.content_hash
        if digest not in self.seen:
            self.look_up([raw])
        if self.seen[digest] is not None:
            return Outcome(raw.source, UNCHANGED, "already in the archive", self.seen[digest])
        known = self.resolver.known_names()
        sig = None
        if prepared is None:
            self.extracted += 1
            story = pipeline.extract(raw, outlet_hint=self.outlet_hint, known=known)
        elif prepared.story is None:
            raise pipeline.ExtractionError(prepared.error)
        else:
            story, sig = prepared.story, prepared.signature
            if not prepared.holds(known):
                # names the worker did not have yet: its people (and quotes) may differ
                self.refreshed += 1
                pipeline.refresh_people(story, known)
        if sig is None:
            sig = dedupe.signature(f"{story.standfirst}\n{story.body}")  # clusters.article_text
        article = Article(
            title=story.title[:500],
            standfirst=story.standfirst,
            body=story.body,
            outlet=_outlet_for(story.outlet, self.outlets),
            published=story.published,
            byline=story.byline[:300],
            authors=story.authors,
            wire=story.wire[:60],
            url=web_url(story.url)[:1000],  # http(s) only: other schemes stay in raw
            source=raw.source[:1000],
            raw=raw.stored_raw,
            raw_format=raw.format,
            encoding=raw.encoding,
            content_hash=digest,
            # a body that is no article (a stub, a notice) waits for a curator
            status=Article.Status.NEW if story.review_reason else self.status,
            removed=story.removed,
            batch=self.batch,
        )
        article.set_derived_fields()
        ARTICLE_ROW.save_new(article)  # Article.save without its signals: one INSERT
        rows = Rows()
        save_people_and_quotes(article, story, self.resolver, fresh=True, rows=rows)
        # near-duplicates: join the cluster of its copies
        clusters.file_article(article, sig, self.bands, self.moved)
        # Kept for the chunk's few INSERTs only once the story is saved: a story that fails
        # (its savepoint rolled back) leaves none behind.
        self.rows.extend(rows)
        self.bands.keep(article.pk, sig)
        self.outlet_figures.add(article)
        self.seen[digest] = article.pk
        return Outcome(raw.source, CREATED, "", article.pk, article.title)


@contextmanager
def fewer_collections(young: int = GC_YOUNG):
    """Run the cyclic garbage collector less often meanwhile. An import allocates many
    objects and keeps a share of them (its report, the names and hashes it has seen):
    with Python's default threshold (700) the collector scanned the whole heap every
    few hundred stories, 17% of the importing process's time at 10,000 stories.
    Reference counting frees everything else as before."""
    before = gc.get_threshold()
    gc.set_threshold(max(young, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def pool_workers(stories: int) -> int:
    """Worker processes reading and extracting ahead for an import of ``stories`` inputs:
    ``ARCHIVE_IMPORT_WORKERS`` (default: one per core), none for a small import, where
    starting them costs more than they save (``ARCHIVE_IMPORT_POOL_MIN``)."""
    setting = getattr(settings, "ARCHIVE_IMPORT_WORKERS", None) or os.cpu_count() or 1
    least = getattr(settings, "ARCHIVE_IMPORT_POOL_MIN", POOL_MIN)
    return int(setting) if stories >= int(least) else 0


def run_import(
    items: Iterable,
    *,
    outlet: str | None = None,
    review: bool = False,
    origin: str = "command",
    user=None,
    label: str = "",
    max_bytes: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
    batch: ImportBatch | None = None,
) -> ImportResult:
    """Import ``items`` (paths, ``PathProblem``s or (name, bytes) pairs) as one batch
    (``batch``, when one was made beforehand, as for a queued upload)."""
    from search import api

    items = list(items)
    api.expect_import(len(items))  # a large run indexes in bulk (inside ``writing_beside``)
    if not transaction.get_connection().in_atomic_block:
        restore_indexes()  # left out by an earlier bulk run that was stopped
    max_bytes = settings.ARCHIVE_MAX_FILE_BYTES if max_bytes is None else max_bytes
    chunk = int(getattr(settings, "ARCHIVE_IMPORT_CHUNK", CHUNK))
    chunk_seconds = float(getattr(settings, "ARCHIVE_IMPORT_CHUNK_SECONDS", CHUNK_SECONDS))
    if batch is None:
        batch = ImportBatch.objects.create(origin=origin, user=user, label=label[:300])
    importer = Importer(outlet=outlet, review=review, batch=batch)
    # Read before the people are (for the extraction ahead, outside a chunk): the first
    # chunk reads them again if another import added some meanwhile.
    importer.names_state = _names_state()
    result = ImportResult(batch=batch)
    workers = pool_workers(len(items))
    # Stories the archive already has need no extraction ahead (a re-run reads, hashes and
    # skips them); the importer checks every story itself either way.
    skip = (
        hash_prefixes(Article.objects.values_list("content_hash", flat=True).iterator(2000))
        if workers
        else frozenset()
    )
    pool = ExtractionPool(
        items,
        workers=workers,
        max_bytes=max_bytes,
        outlet_hint=outlet,
        known=importer.resolver.known_names,
        skip=skip,
    )
    del skip

    def save(source, raw, prepared) -> Outcome:
        if isinstance(raw, NotAStory):
            return Outcome(source, SKIPPED, str(raw))
        if isinstance(raw, Exception):
            return Outcome(source, FAILED, str(raw))
        for attempt in range(1, STORY_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    return importer.save(raw, prepared)
            except (pipeline.ExtractionError, ReadError) as exc:
                return Outcome(source, FAILED, str(exc))
            except OperationalError:
                raise  # a deadlock, a lock timeout: the whole chunk is saved again
            except IntegrityError as exc:
                importer.forget()  # it may hold people or an outlet rolled back
                held = Article.objects.filter(content_hash=raw.content_hash).values_list("id")
                held = held.first()
                if held is not None:  # saved by another import meanwhile
                    importer.seen[raw.content_hash] = held[0]
                    return Outcome(source, UNCHANGED, "already in the archive", held[0])
                if attempt == STORY_ATTEMPTS:
                    return Outcome(source, FAILED, f"could not be saved: {exc}")
                # a name taken that the people held in memory did not know: once more,
                # with them read again
            except Exception as exc:
                log.exception("import failed on %s", source)
                importer.forget()
                return Outcome(source, FAILED, f"{type(exc).__name__}: {exc}")

    reported = 0  # stories passed to ``progress`` (a chunk saved again reports none twice)

    def save_chunk(groups: Iterable[list], changed: list, outcomes: list) -> None:
        """Save the stories of ``groups`` in one transaction (the caller's retry loop)."""
        nonlocal reported
        with transaction.atomic():
            _lock_chunk()
            importer.begin_chunk()
            # (both lists are filled below, and read when the chunk commits)
            send_after_commit(changed, created=True, copies=importer.moved)
            for group in groups:
                importer.look_ahead(group)
                for source, raw, prepared in group:
                    outcome = save(source, raw, prepared)
                    if outcome.status == CREATED:
                        changed.append(outcome.article_id)
                    outcomes.append(outcome)
                    if progress and len(result.outcomes) + len(outcomes) > reported:
                        reported += 1
                        progress(outcome)
                    pool.feed()  # the workers go on with the next files meanwhile
            importer.end_chunk()
            # kept until the index has them: a process killed after the commit leaves
            # them for the next index write (see ``search.api.record``)
            api.record(changed, importer.moved)

    # A bulk run (a large import into a smaller archive) writes its rows without the
    # indexes it does not read, and builds them once at the end.
    with indexes_deferred(api.bulk_import()), pool, fewer_collections():
        entries = iter(pool)
        while group := list(islice(entries, min(LOOK_AHEAD, chunk))):
            # One transaction per chunk. Its stories are saved as the workers deliver
            # them, a few at a time, so that neither side waits for a whole chunk.
            taken = [group]  # the chunk's groups, to save again after a rollback
            deadline = time.monotonic() + chunk_seconds

            def delivered(group=group, taken=taken, deadline=deadline):
                yield group
                saved = len(group)
                while time.monotonic() < deadline:
                    group = list(islice(entries, min(LOOK_AHEAD, chunk - saved)))
                    if not group:
                        return
                    taken.append(group)
                    saved += len(group)
                    yield group

            groups = delivered()
            for attempt in range(1, CHUNK_ATTEMPTS + 1):
                changed: list[int] = []
                outcomes: list[Outcome] = []
                try:
                    save_chunk(groups, changed, outcomes)
                    break
                except (OperationalError, IntegrityError) as exc:
                    digests = [
                        r.content_hash
                        for g in taken
                        for _s, r, _p in g
                        if hasattr(r, "content_hash")
                    ]
                    importer.rolled_back(digests)
                    if attempt == CHUNK_ATTEMPTS:
                        log.error("import chunk failed %d times, last: %s", attempt, exc)
                        outcomes = [
                            Outcome(source, FAILED, f"could not be saved: {exc}")
                            for g in taken
                            for source, _raw, _p in g
                        ]
                        for outcome in outcomes[reported - len(result.outcomes) :]:
                            if progress:
                                progress(outcome)
                        reported = len(result.outcomes) + len(outcomes)
                        break
                    log.warning("import chunk rolled back (%s); saving it again", exc)
                    time.sleep(RETRY_WAIT * 2 ** (attempt - 1))
                    groups = list(taken)  # (a generator stopped by the error ends there)
            result.outcomes.extend(outcomes)
    log.debug(
        "%d workers; %d stories extracted here, %d people found again",
        workers,
        importer.extracted,
        importer.refreshed,
    )
    batch.created_count = result.created
    batch.unchanged_count = result.unchanged
    batch.failed_count = result.failed
    batch.report = [o.as_dict() for o in result.outcomes]
    batch.save()
    return result


def import_paths(paths: Iterable[str], **options) -> ImportResult:
    """Import files, folders (recursively) and glob patterns. See ``run_import``."""
    return run_import(expand_paths(paths), **options)


def import_uploads(files: Iterable[tuple[str, bytes]], **options) -> ImportResult:
    """Import uploaded files given as (file name, bytes) pairs. See ``run_import``."""
    return run_import(files, origin=options.pop("origin", "upload"), **options)
