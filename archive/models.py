"""The archive's data model: outlets, articles, people, their aliases, mentions and quotes."""

import hashlib
import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from .querysets import (
    ArticleQuerySet,
    MentionQuerySet,
    OutletQuerySet,
    PersonQuerySet,
    QuoteQuerySet,
)


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

    objects = OutletQuerySet.as_manager()

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

    objects = PersonQuerySet.as_manager()

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

    objects = MentionQuerySet.as_manager()

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

    objects = QuoteQuerySet.as_manager()

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


class ApiToken(models.Model):
    """A key to the JSON API (``/api/``) for higher request limits, made by a curator in
    the admin. Only a hash of the key is stored: the key itself is shown once, when the
    token is made; a lost key is replaced by a new token. Sent as
    ``Authorization: Bearer <key>``."""

    KEY_PREFIX = "na_"

    name = models.CharField(max_length=200, help_text="Who or what uses it (a project, a tool).")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, shown in the admin to tell tokens apart.
    key_start = models.CharField(max_length=12, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(default=True, help_text="Untick to refuse the key at once.")

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    def get_absolute_url(self):
        return reverse("admin:archive_apitoken_change", args=[self.pk])

    @staticmethod
    def hash_key(key: str) -> str:
        """The stored form of ``key``: its SHA-256. The keys are random and long (256
        bits), so a fast hash is enough (nothing to guess from it)."""
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.KEY_PREFIX + secrets.token_urlsafe(32)

    def set_key(self, key: str) -> None:
        self.key_hash = self.hash_key(key)
        self.key_start = key[: len(self.KEY_PREFIX) + 5]
