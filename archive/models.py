"""The archive's data model: outlets, articles, people, their aliases, mentions and quotes."""

import threading
import unicodedata
from collections import Counter, defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.functions import Coalesce, Greatest, Least
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.text import slugify

from .signals import articles_changed


def free_slug(text, taken, *, max_length=80):
    """The slug for ``text`` not in ``taken`` (``-2``, ``-3`` ... appended on clashes)."""
    base = (slugify(text) or "item")[: max_length - 6].strip("-") or "item"
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def unique_slug(model, text, *, max_length=80, exclude_pk=None):
    """A slug for ``text`` not yet used by ``model`` (``-2``, ``-3`` ... appended on clashes)."""
    base = (slugify(text) or "item")[: max_length - 6].strip("-") or "item"
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    return free_slug(text, taken, max_length=max_length)


class Outlet(models.Model):
    """A publication: a newspaper, broadcaster, site or aggregator."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    homepage = models.URLField(blank=True)
    # Kept by ``refresh_counts`` (after every change to articles, and ``manage.py recount``):
    # the outlet list and the home page read them instead of counting the archive.
    article_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Published stories."
    )
    first_published = models.DateField(null=True, blank=True, editable=False)
    last_published = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["-article_count", "name"], name="outlet_count_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Outlet, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("archive:outlet_detail", kwargs={"slug": self.slug})


class ImportBatch(models.Model):
    """One run of the importer (a command, an upload): what came in and how it went."""

    created = models.DateTimeField(auto_now_add=True)
    origin = models.CharField(max_length=20, default="command")  # command | upload | api
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    label = models.CharField(max_length=300, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=list, blank=True
    )  # [{"source": ..., "status": ..., "reason": ...}]

    class Meta:
        ordering = ["-created"]
        verbose_name_plural = "import batches"

    def __str__(self):
        when = self.created.strftime("%Y-%m-%d %H:%M") if self.created else "unsaved"
        return f"Import {self.pk or ''} ({when}, {self.origin})".replace("  ", " ")


class UploadJob(models.Model):
    """The import of one upload, done by ``manage.py import_worker`` outside the web request.

    Its files are kept in ``UploadFile`` rows (in the database, so that a worker on another
    machine reads them); its report is its batch's. A worker claims a queued job, marks it
    running with a heartbeat, and leaves it done or failed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    batch = models.OneToOneField(ImportBatch, on_delete=models.CASCADE, related_name="job")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    outlet = models.CharField(max_length=200, blank=True)
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)  # host:pid:token of its worker
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    announced = models.BooleanField(default=False)  # its report was shown to its uploader

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["status", "created"], name="uploadjob_status_idx")]

    def __str__(self):
        return f"Upload job {self.pk} ({self.status})"

    def get_absolute_url(self):
        return reverse("admin:archive_importbatch_change", args=[self.batch_id])


class UploadFile(models.Model):
    """One file of an upload, as received; ``refused`` says why it was not read at all."""

    job = models.ForeignKey(UploadJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    data = models.BinaryField(blank=True, default=b"")
    refused = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="uploadfile_job_position")
        ]

    def __str__(self):
        return self.name


class StoryCluster(models.Model):
    """Copies of the same story published by several outlets."""

    created = models.DateTimeField(auto_now_add=True)
    first = models.ForeignKey(
        "Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Story cluster {self.pk}"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def needs_review(self):
        return self.filter(status=Article.Status.NEW)

    def dated(self):
        """Stories with a known publication date."""
        return self.filter(published__isnull=False)

    def undated(self):
        """Stories whose publication date is not known."""
        return self.filter(published__isnull=True)

    def newest_first(self):
        """Newest first, undated stories last (the same on SQLite and PostgreSQL)."""
        return self.order_by(models.F("published").desc(nulls_last=True), "-id")

    def adjacent(self, article, *, newer):
        """The story next to ``article`` in (published, id) order: newer or older.

        Undated stories sort after (older than) every dated one, ordered by id.
        """
        return self.neighbours(article)[1 if newer else 0]

    def neighbours(self, article):
        """``(older, newer)``: the stories either side of ``article`` in newest-first order
        (published date, then id; undated stories after the dated ones), in one query.

        Each candidate is the first row of an index range (same date and a lower or higher
        id, an earlier or later date, the undated ones), picked by a scalar subquery; the
        few candidates are then compared here. The cost does not grow with the number of
        stories.
        """
        pub, pk = article.published, article.pk
        base = self.order_by()
        if pub is None:
            candidates = [
                base.filter(published__isnull=True, id__lt=pk).order_by("-id"),
                base.filter(published__isnull=True, id__gt=pk).order_by("id"),
                base.filter(published__isnull=False).order_by("published", "id"),
            ]
        else:
            candidates = [
                base.filter(published=pub, id__lt=pk).order_by("-id"),
                base.filter(published__lt=pub).order_by("-published", "-id"),
                base.filter(published__isnull=True).order_by("-id"),
                base.filter(published=pub, id__gt=pk).order_by("id"),
                base.filter(published__gt=pub).order_by("published", "id"),
            ]
        match = models.Q()
        for candidate in candidates:
            match |= models.Q(pk=models.Subquery(candidate.values("pk")[:1]))
        rows = list(self.filter(match))

        def position(a):  # ascending = newest first
            return (a.published is None, -a.published.toordinal() if a.published else 0, -a.pk)

        here = position(article)
        older = min((a for a in rows if position(a) > here), key=position, default=None)
        newer = max((a for a in rows if position(a) < here), key=position, default=None)
        return older, newer

    def first_copy_first(self):
        """Ordered as a story cluster counts its copies: published date (undated last),
        then import time."""
        return self.order_by(models.F("published").asc(nulls_last=True), "created", "id")

    def later_copies(self):
        """Articles that republish a story the archive already had from an earlier copy."""
        return self.filter(cluster__isnull=False).exclude(cluster__first_id=models.F("id"))


class Article(models.Model):
    """One story as received (``raw``) and as extracted (the other fields)."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        PUBLISHED = "published", "Published"
        HIDDEN = "hidden", "Hidden"

    # Fields a curator can correct; re-extraction leaves the ones in ``curated_fields`` alone.
    EXTRACTED_FIELDS = ("title", "standfirst", "outlet", "published", "byline", "url", "body")

    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=80, blank=True)
    standfirst = models.TextField(blank=True)
    body = models.TextField(
        blank=True, help_text="Clean body text: one paragraph per block, blank lines between."
    )
    published = models.DateField(null=True, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    authors = models.JSONField(
        default=list, blank=True, help_text="The people in the byline, in order: [name, ...]."
    )
    wire = models.CharField(
        max_length=60, blank=True, help_text='The agency the story is credited to ("Reuters").'
    )
    url = models.URLField(max_length=1000, blank=True)
    source = models.CharField(
        max_length=1000, blank=True, help_text="File name or URL the story came from."
    )
    raw = models.TextField(help_text="The input exactly as received (decoded to text).")
    raw_format = models.CharField(max_length=20, default="text")
    encoding = models.CharField(max_length=40, blank=True)
    content_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    word_count = models.PositiveIntegerField(default=0)
    removed = models.JSONField(
        default=list,
        blank=True,
        help_text="Lines the cleaner removed: [{index, text, reason}], index in the raw lines.",
    )
    curated_fields = models.JSONField(
        default=list, blank=True, help_text="Fields a curator has edited; re-extraction keeps them."
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    cluster = models.ForeignKey(
        StoryCluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    fingerprint = models.CharField(
        max_length=32, blank=True, help_text="Near-duplicate signature of the body."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        indexes = [
            models.Index(fields=["status", "-published", "-id"], name="article_status_pub_idx"),
            # An outlet's stories newest first, its by-month counts and the older/newer
            # story of an article page are all read from this index.
            models.Index(
                fields=["outlet", "status", "-published", "-id"], name="article_outlet_pub_idx"
            ),
            models.Index(fields=["published"], name="article_published_idx"),
            models.Index(fields=["fingerprint"], name="article_fingerprint_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "archive:article_detail", kwargs={"pk": self.pk, "slug": self.slug or "story"}
        )

    def set_derived_fields(self):
        """The slug (when empty) and the word count, from the title and the body."""
        if not self.slug:
            self.slug = (slugify(self.title) or "story")[:80].strip("-") or "story"
        self.word_count = len(self.body.split()) if self.body else 0

    @property
    def paragraphs(self):
        """The body as a list of paragraphs."""
        return [p for p in self.body.split("\n\n") if p.strip()]

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def copies(self):
        """The other copies of the same story (same ``cluster``), first copy first."""
        if not self.cluster_id:
            return Article.objects.none()
        return (
            Article.objects.filter(cluster_id=self.cluster_id)
            .exclude(pk=self.pk)
            .select_related("outlet")
            .first_copy_first()
        )


class StoryShingles(models.Model):
    """An article's shingle hashes (``archive/ingest/dedupe.py``), packed four bytes
    each, as computed when it was filed with its band keys: a later story whose band
    keys point at the article is compared with these instead of shingling the
    article's text again. Articles filed before this table existed have none and are
    shingled from their text."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="shingles"
    )
    data = models.BinaryField()

    def __str__(self):
        return f"shingles of article {self.article_id}"


class StoryBand(models.Model):
    """One locality-sensitive hashing key of an article's text: articles sharing a key are
    candidate copies of each other (see ``archive/ingest/dedupe.py``)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField()

    class Meta:
        ordering = ["article", "key"]
        indexes = [models.Index(fields=["key"], name="storyband_key_idx")]

    def __str__(self):
        return f"band {self.key} of article {self.article_id}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()


# letters that carry no combining accent to fold away (NFKD leaves them whole)
_SORT_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
)


def sort_key(name: str) -> str:
    """The key a name sorts by: lower case, accents folded ("Émile" with the Es)."""
    folded = name.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
        folded = folded.translate(_SORT_LETTERS)
    return folded


class Person(models.Model):
    """A real person, one record however the stories spell their name."""

    name = models.CharField(max_length=200)
    # ``sort_key(name)``, set by ``save`` (and by every bulk write of a name): the
    # database cannot fold accents itself (SQLite), and lists of people sort by it.
    sort_name = models.CharField(max_length=200, default="", editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    # Published stories mentioning the person, kept by ``refresh_counts``.
    mention_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Published stories mentioning them."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["name"], name="person_name_idx"),
            models.Index(fields=["-mention_count", "name"], name="person_count_idx"),
            # /people/: only people in published stories, in order (at 100,000 people a
            # page deep in the list took 178 ms with a full index, 5 ms with this one)
            models.Index(
                fields=["sort_name", "name"],
                name="person_sort_idx",
                condition=models.Q(mention_count__gt=0),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Person, self.name, exclude_pk=self.pk)
        self.sort_name = sort_key(self.name)
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields and "sort_name" not in fields:
            kwargs["update_fields"] = [*fields, "sort_name"]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("archive:person_detail", kwargs={"slug": self.slug})


class Alias(models.Model):
    """Another way of writing a person's name: a variant spelling, a typo, a surname alone."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    key = models.CharField(
        max_length=200, help_text="Normalised form used for matching (lower case, no accents)."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="alias_unique_per_person")
        ]
        indexes = [models.Index(fields=["key"], name="alias_key_idx")]

    def __str__(self):
        return f"{self.name} → {self.person.name}"

    def get_absolute_url(self):
        return self.person.get_absolute_url()


class SlugRedirect(models.Model):
    """An old person or outlet slug (after a merge or rename) and where it lives now."""

    kind = models.CharField(max_length=10)  # person | outlet
    old_slug = models.SlugField(max_length=80)
    new_slug = models.SlugField(max_length=80)

    class Meta:
        ordering = ["kind", "old_slug"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_slug"], name="slugredirect_unique")
        ]

    def __str__(self):
        return f"{self.kind}: {self.old_slug} → {self.new_slug}"


class Mention(models.Model):
    """A person mentioned in an article, with how often."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    # No index of its own: ``mention_person_idx`` (person, article) serves lookups by
    # person. With a second index on the person alone, SQLite counted a person's
    # published mentions through it and a read of every row, 7 times slower than through
    # ``mention_person_pub_idx`` (the importer recounts the people of every chunk).
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="mentions", db_index=False
    )
    count = models.PositiveIntegerField(default=1)
    # The person's full name as this story gives it ("" when unknown): the name a person
    # is shown under is the most common of these (see ``people.PersonResolver``).
    name = models.CharField(max_length=200, blank=True, default="")
    # Copies of the article's date, published state and outlet, kept by ``sync_story_fields``:
    # a person's page then reads their stories newest first from one index on the mentions,
    # however large the archive, instead of joining every published story.
    published = models.DateField(null=True, blank=True, editable=False)
    is_published = models.BooleanField(default=False, editable=False)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-count", "person__name"]
        constraints = [models.UniqueConstraint(fields=["article", "person"], name="mention_unique")]
        indexes = [
            models.Index(fields=["person", "article"], name="mention_person_idx"),
            # Partial indexes: a bare boolean in WHERE matches them on SQLite too.
            models.Index(
                fields=["person", "-published", "-article"],
                name="mention_person_pub_idx",
                condition=models.Q(is_published=True),
            ),
        ]

    def __str__(self):
        return f"{self.person} in {self.article} ({self.count})"

    def get_absolute_url(self):
        return self.article.get_absolute_url()


class UnresolvedName(models.Model):
    """A name the curators should look at: one a story uses for somebody that the importer
    linked to nobody (a surname alone, "Mr. Trump" in a story that gives no full name), or,
    with ``person``, a full name linked to that person only by a close spelling of theirs
    (Anthony / Antony Blinken): the curators' queue."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="unresolved_names")
    name = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=1)
    person = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The person the name was linked to by a close spelling (low confidence).",
    )

    class Meta:
        ordering = ["-count", "name", "article_id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "name"], name="unresolved_unique")
        ]
        indexes = [models.Index(fields=["name"], name="unresolved_name_idx")]

    def __str__(self):
        return f"{self.name} in {self.article} ({self.count})"

    def get_absolute_url(self):
        return self.article.get_absolute_url()


class Quote(models.Model):
    """A direct quotation in an article, with who said it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    speaker = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    speaker_label = models.CharField(
        max_length=300, blank=True, help_text='The words used for the speaker ("the Kremlin").'
    )
    text = models.TextField()
    paragraph = models.PositiveIntegerField(default=0, help_text="Index of the body paragraph.")
    position = models.PositiveIntegerField(default=0, help_text="Order within the article.")
    is_fragment = models.BooleanField(default=False)
    # Copies of the article's date and published state (``sync_story_fields``): the latest
    # quotes, of everyone or of one speaker, are read in index order.
    published = models.DateField(null=True, blank=True, editable=False)
    is_published = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["article", "position"]
        indexes = [
            models.Index(fields=["speaker", "article"], name="quote_speaker_idx"),
            models.Index(
                fields=["-published", "-article", "position"],
                name="quote_latest_idx",
                condition=models.Q(is_published=True),
            ),
            models.Index(
                fields=["speaker", "-published", "-article", "position"],
                name="quote_speaker_latest_idx",
                condition=models.Q(is_published=True),
            ),
        ]

    def __str__(self):
        who = self.speaker.name if self.speaker_id else (self.speaker_label or "unknown")
        text = self.text if len(self.text) <= 60 else self.text[:57] + "…"
        return f"{who}: “{text}”"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#quote-{self.pk}"


class ChangeRecord(models.Model):
    """One curator change: who changed which object, when, and the values before and after."""

    created = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    action = models.CharField(max_length=20)  # change | add | bulk | merge | split | restore ...
    changes = models.JSONField(default=dict, blank=True)  # {field: [before, after]}
    message = models.CharField(max_length=500, blank=True)
    # The records of one curator operation (a bulk action, a merge) share a token, so that
    # the operation can be undone as a whole; an undo's records carry "undo:<token>".
    operation = models.CharField(max_length=40, blank=True, default="")
    # What undoing the operation needs beyond ``changes`` (the rows a merge moved or removed).
    undo = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-created"], name="changerecord_object_idx"
            ),
            models.Index(fields=["operation"], name="changerecord_operation_idx"),
        ]

    def __str__(self):
        return f"{self.action} {self.object_repr}"

    def get_absolute_url(self):
        return reverse(
            f"admin:{self.content_type.app_label}_{self.content_type.model}_history",
            args=[self.object_id],
        )


# -- Counters ---------------------------------------------------------------------------------


def _chunks(ids, size=500):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def refresh_outlet_counts(outlet_ids=None):
    """Recompute ``article_count``, ``first_published`` and ``last_published`` of the outlets
    ``outlet_ids`` (all outlets when None) from their published stories.

    One aggregate query over the published stories (indexed), then one update per outlet
    whose figures changed. Returns the number of outlets updated.
    """
    outlets = Outlet.objects.only("id", "article_count", "first_published", "last_published")
    published = Article.objects.published().filter(outlet__isnull=False)
    if outlet_ids is not None:
        outlet_ids = list(outlet_ids)
        outlets = outlets.filter(pk__in=outlet_ids)
        published = published.filter(outlet_id__in=outlet_ids)
    rows = (
        published.order_by()
        .values_list("outlet_id")
        .annotate(models.Count("id"), models.Min("published"), models.Max("published"))
    )
    figures = {outlet_id: rest for outlet_id, *rest in rows}
    changed = []
    for outlet in outlets:
        new = tuple(figures.get(outlet.pk, (0, None, None)))
        if (outlet.article_count, outlet.first_published, outlet.last_published) != new:
            outlet.article_count, outlet.first_published, outlet.last_published = new
            changed.append(outlet)
    Outlet.objects.bulk_update(
        changed, ["article_count", "first_published", "last_published"], batch_size=500
    )
    return len(changed)


def sync_story_fields(article_ids=None):
    """Copy the date, published state (and outlet) of ``article_ids`` (every article when
    None) onto their mentions and quotes. Two UPDATEs per 500 articles."""
    article = Article.objects.filter(pk=models.OuterRef("article_id"))
    values = {
        "published": models.Subquery(article.values("published")[:1]),
        "is_published": models.Exists(article.filter(status=Article.Status.PUBLISHED)),
    }
    mention_values = {**values, "outlet": models.Subquery(article.values("outlet")[:1])}
    if article_ids is None:
        Mention.objects.update(**mention_values)
        Quote.objects.update(**values)
        return
    for chunk in _chunks(set(article_ids)):
        Mention.objects.filter(article_id__in=chunk).update(**mention_values)
        Quote.objects.filter(article_id__in=chunk).update(**values)


def refresh_person_counts(person_ids=None):
    """Recompute ``Person.mention_count`` (published stories mentioning them) for
    ``person_ids`` (everyone when None) from the mentions (``sync_story_fields`` first).
    Returns the number of people updated."""
    chunks = [None] if person_ids is None else list(_chunks(set(person_ids)))
    updated = 0
    for chunk in chunks:
        people = Person.objects.order_by().values_list("id", "mention_count")
        mentions = Mention.objects.filter(is_published=True)
        if chunk is not None:
            people = people.filter(pk__in=chunk)
            mentions = mentions.filter(person_id__in=chunk)
        counts = dict(
            mentions.order_by().values_list("person_id").annotate(models.Count("article_id"))
        )
        # One UPDATE per new value (most people have a handful of stories), cheaper than
        # bulk_update's CASE over every changed row.
        changed = defaultdict(list)
        for pk, stored in people:
            n = counts.get(pk, 0)
            if stored != n:
                changed[n].append(pk)
        for n, pks in changed.items():
            for part in _chunks(pks):
                Person.objects.filter(pk__in=part).update(mention_count=n)
            updated += len(pks)
    return updated


def add_mention_counts(added: dict[int, int]) -> None:
    """Raise people's ``mention_count`` by the published stories just added that mention
    them (``{person id: stories}``), inside the transaction that adds them: one UPDATE
    per 500 people, so rows are locked in one statement rather than one per figure."""
    for chunk in _chunks(sorted(added)):
        by_count = defaultdict(list)
        for pk in chunk:
            by_count[added[pk]].append(pk)
        raise_by = models.Case(
            *(models.When(pk__in=pks, then=models.Value(n)) for n, pks in by_count.items()),
            default=models.Value(0),
            output_field=models.PositiveIntegerField(),
        )
        Person.objects.filter(pk__in=chunk).update(
            mention_count=models.F("mention_count") + raise_by
        )


class OutletFigures:
    """What new stories add to their outlets' ``article_count`` and first and last
    published dates, gathered story by story (``add``) and written with ``save``."""

    def __init__(self):
        self.counts: Counter = Counter()
        self.dates: dict[int, list] = {}  # outlet id -> [earliest, latest] new date

    def add(self, article) -> None:
        """Count ``article``, a new story, if it is published under an outlet."""
        if article.outlet_id is None or article.status != Article.Status.PUBLISHED:
            return
        self.counts[article.outlet_id] += 1
        day = article.published
        if day is not None:
            span = self.dates.setdefault(article.outlet_id, [day, day])
            span[0], span[1] = min(span[0], day), max(span[1], day)

    def save(self) -> None:
        """One UPDATE per outlet, relative to the stored figures (another import adding
        to the same outlet meanwhile is kept), then start again from nothing. Called in
        the transaction that saves the stories."""
        for outlet_id, count in sorted(self.counts.items()):
            values = {"article_count": models.F("article_count") + count}
            if outlet_id in self.dates:
                first, last = self.dates[outlet_id]
                # SQLite's MIN(a, b) is NULL when a is: an outlet without a dated story yet
                values["first_published"] = Coalesce(
                    Least("first_published", models.Value(first)), models.Value(first)
                )
                values["last_published"] = Coalesce(
                    Greatest("last_published", models.Value(last)), models.Value(last)
                )
            Outlet.objects.filter(pk=outlet_id).update(**values)
        self.counts, self.dates = Counter(), {}


def _outlets_add_up() -> bool:
    """Whether the outlets' ``article_count`` add up to the published stories with an
    outlet (two small aggregates). Once the outlets of the changed articles are recounted,
    an outlet left out can only have lost stories (a story joining one is among the
    changed articles), so any outlet still wrong makes the sum too large."""
    stored = Outlet.objects.aggregate(total=models.Sum("article_count"))["total"] or 0
    return stored == Article.objects.published().filter(outlet__isnull=False).count()


def refresh_counts(article_ids=None, *, person_ids=(), created=False):
    """Bring the copies of story fields on mentions and quotes (``sync_story_fields``) and
    the outlet and person counters up to date after ``article_ids`` changed.

    The outlets of those articles are recounted, then every outlet if the counters still
    do not add up (``_outlets_add_up``): an article that left an outlet (moved, deleted)
    shows only its new one. People are recounted when mentioned in those articles or
    listed in ``person_ids`` (e.g. people whose mentions were deleted). With
    ``article_ids=None`` everything is recounted. The importer, the admin, curation and
    re-extraction reach this through the ``articles_changed`` signal.

    ``created``: the articles are new, their mentions and quotes were saved with the
    story's fields, and their people's and outlets' figures raised in the same
    transaction (``add_mention_counts``, ``OutletFigures``): nothing is left to count.
    """
    if created and article_ids is not None:
        return
    if not created:
        sync_story_fields(article_ids)
    if article_ids is None:
        refresh_outlet_counts()
        refresh_person_counts()
        return
    outlets = set()
    for chunk in _chunks(set(article_ids)):
        outlets.update(
            Article.objects.filter(pk__in=chunk, outlet__isnull=False)
            .order_by()
            .values_list("outlet_id", flat=True)
            .distinct()
        )
    if outlets:
        refresh_outlet_counts(outlets)
    if not _outlets_add_up():
        refresh_outlet_counts()
    people = set(person_ids)
    for chunk in _chunks(set(article_ids)):
        people.update(
            Mention.objects.filter(article_id__in=chunk)
            .order_by()
            .values_list("person_id", flat=True)
            .distinct()
        )
    if people:
        refresh_person_counts(people)


# Archive-wide figures the reader pages cache (``archive.views.archive_stats`` and the
# number of quotes on ``/quotes/``), filed under the archive's generation
# (``archive.pagecache``) so that every process stops using them once the archive changes.
STATS_CACHE_KEY = "archive:stats"
QUOTES_CACHE_KEY = "archive:quote-count"


def page_stats_keys():
    """The cache keys of the archive-wide figures for the current generation."""
    from .pagecache import generation

    token = generation()
    return f"{STATS_CACHE_KEY}:{token}", f"{QUOTES_CACHE_KEY}:{token}"


_removed = threading.local()  # people whose mentions were deleted, recounted on the next change


def forget_page_stats():
    """Drop the cached archive-wide figures so the next page view recomputes them."""
    cache.delete_many(page_stats_keys())


@receiver(post_delete, sender=Mention, dispatch_uid="archive.mention_deleted")
def _mention_deleted(sender, instance, **kwargs):
    if not hasattr(_removed, "people"):
        _removed.people = set()
    _removed.people.add(instance.person_id)


@receiver(articles_changed, dispatch_uid="archive.counters")
def _articles_changed(sender, ids, created=False, **kwargs):
    people = getattr(_removed, "people", set())
    _removed.people = set()
    refresh_counts(ids, person_ids=people, created=created and not people)
    forget_page_stats()
