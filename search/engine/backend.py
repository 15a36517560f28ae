"""The Whoosh backend: ``search.api``'s calls on the index in ``ARCHIVE_INDEX_DIR``."""

from __future__ import annotations

from contextlib import contextmanager

from ..backends import ImportSession, SearchBackend
from . import background, index, run, searchers, similar


class WhooshImportSession(ImportSession):
    """An import run's index writes in a second process, or a rebuild at its end
    (``background.writing_beside``)."""

    @property
    def bulk(self) -> bool:
        return background.bulk()

    def expect(self, stories: int) -> None:
        background.expect(stories)

    def heal(self) -> int:
        return background.heal()

    def work_left(self) -> str:
        return background.work_left()

    def unwritten(self, ids) -> dict[int, str]:
        return background.unwritten(ids)


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def search(self, text, **options):
        return run.run_search(text, **options)

    def article_ids(self, text, limit):
        return run.search_article_ids(text, limit)

    def matches(self, text, **options):
        return run.run_matches(text, **options)

    def day_counts(self, text, **options):
        return run.run_day_counts(text, **options)

    def more_like_this(self, article_id, limit, text=None):
        return similar.more_like_this(article_id, limit, text=text)

    def record(self, ids, copies=()):
        background.record(ids, copies)

    def changed(self, ids):
        ids = set(ids)
        if not ids:
            return
        if background.active():  # an import run: its worker process writes, or its rebuild
            background.submit(ids)
        else:
            index.update_articles(ids)

    def deleted(self, ids):
        # One write path: the documents of articles no longer published are removed.
        self.changed(ids)

    def rebuild(self, progress=True, **options):
        return index.rebuild(progress=progress if callable(progress) else None, **options)

    def check(self, repair=False):
        return index.check(repair=repair)

    def warm_up(self):
        searchers.warm_up()

    def ready(self):
        return index.live_dir() is not None

    @contextmanager
    def import_session(self):
        with background.writing_beside():
            yield WhooshImportSession()

    def current_session(self):
        return WhooshImportSession() if background.active() else None

    def take_failures(self):
        return index.take_failures()
