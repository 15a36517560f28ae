"""What the search index still owes the database."""

from django.db import models


class PendingWrite(models.Model):
    """An article whose index documents may not match the database yet.

    The importer records its chunk's articles in the chunk's transaction, before it
    commits, and the index write that follows the commit removes them: a process killed
    in between leaves them for the next write. A write that fails (the index locked too
    long, its directory unwritable) records its articles with the reason. Every index
    write takes a share of them along; ``check_index --repair`` takes the rest.
    """

    article_id = models.BigIntegerField()
    reason = models.CharField(max_length=300, blank=True)  # empty: not written yet

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["article_id"], name="pendingwrite_article_unique")
        ]

    def __str__(self):
        return f"article {self.article_id}" + (f": {self.reason}" if self.reason else "")
