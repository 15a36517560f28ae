"""What a search backend does, and which one the archive uses.

``settings.ARCHIVE_SEARCH_BACKEND`` names it: ``"whoosh"`` (the default: an index of files
on the server's disk, ``search.engine``) or ``"postgres"`` (PostgreSQL's full-text search
in the archive's own database, ``search.pg``, for archives served by several machines).
``search.api`` hands every call to the backend; nothing else in the project knows which.
"""

from __future__ import annotations

import importlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .results import DayCounts, Matches, SearchResult


@dataclass
class RebuildReport:
    """What ``rebuild`` did: articles indexed, in how long, where, how large."""

    articles: int
    seconds: float
    path: Path | None  # the index built (None: a backend without files of its own)
    size_bytes: int
    caught_up: int = 0

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


@dataclass
class CheckReport:
    """Differences between the index and the database."""

    missing: set[int] = field(default_factory=set)  # published, not in the index
    stale: set[int] = field(default_factory=set)  # indexed from an older version
    extra: set[int] = field(default_factory=set)  # in the index, not published
    pending: set[int] = field(default_factory=set)  # failed writes waiting for a retry
    indexed: int = 0
    published: int = 0
    index_missing: bool = False
    damaged: str = ""  # what is broken (a segment file missing or cut short)
    repaired: bool = False
    outdated: str = ""  # why the index must be rebuilt (built with another schema)

    @property
    def ok(self) -> bool:
        return not (
            self.missing
            or self.stale
            or self.extra
            or self.pending
            or self.outdated
            or self.damaged
        )

    def to_fix(self) -> set[int]:
        return self.missing | self.stale | self.extra | self.pending


BACKENDS = {
    "whoosh": "search.engine.backend.WhooshBackend",
    "postgres": "search.pg.backend.PostgresBackend",
}
DEFAULT = "whoosh"


class ImportSession:
    """What a backend does around an import run (``SearchBackend.import_session``).

    This one does nothing ahead: each committed chunk reaches the backend through
    ``changed`` (a backend whose index is kept in the database's own transactions needs
    no more)."""

    #: Whether the run writes no index per chunk and rebuilds the index when it ends (so
    #: the importer may defer its own database indexes too).
    bulk = False

    def expect(self, stories: int) -> None:
        """The run announces (a lower bound of) the stories it is about to import."""

    def heal(self) -> int:
        """Write what earlier runs left owed to the index; returns the articles written."""
        return 0

    def work_left(self) -> str:
        """What is left for the index once the run has saved its stories: "rebuild",
        "batches" or "" (nothing)."""
        return ""

    def unwritten(self, ids) -> dict[int, str]:
        """{id: why} for those of ``ids`` that the index could not take."""
        return {}


class SearchBackend(ABC):
    """The operations every backend provides (``search.api`` documents each)."""

    name = ""

    @abstractmethod
    def search(
        self,
        text: str,
        *,
        page: int = 1,
        sort: str = "relevance",
        scope: str = "articles",
        outlet_slugs=(),
        person_slugs=(),
        date_from=None,
        date_to=None,
        more: str = "",
    ) -> SearchResult: ...

    @abstractmethod
    def article_ids(self, text: str, limit: int) -> list[int]: ...

    @abstractmethod
    def matches(
        self,
        text: str,
        *,
        scope: str = "articles",
        outlet_slugs=(),
        person_slugs=(),
        date_from=None,
        date_to=None,
        limit: int | None = None,
    ) -> Matches: ...

    @abstractmethod
    def day_counts(
        self,
        text: str,
        *,
        scope: str = "articles",
        outlet_slugs=(),
        person_slugs=(),
        date_from=None,
        date_to=None,
    ) -> DayCounts: ...

    @abstractmethod
    def more_like_this(self, article_id: int, limit: int, text: str | None = None) -> list[int]: ...

    @abstractmethod
    def record(self, ids: Iterable[int], copies: Iterable[int] = ()) -> None:
        """Inside the transaction that changed the stories ``ids`` (and their ``copies``)."""

    @abstractmethod
    def changed(self, ids: Iterable[int]) -> None:
        """After the commit that changed the stories ``ids`` (their copies included)."""

    @abstractmethod
    def deleted(self, ids: Iterable[int]) -> None:
        """After the commit that deleted (or unpublished) the stories ``ids``."""

    @abstractmethod
    def rebuild(self, progress=True, **options) -> RebuildReport: ...

    @abstractmethod
    def check(self, repair: bool = False) -> CheckReport: ...

    @abstractmethod
    def warm_up(self) -> None: ...

    # Optional: a backend with more to do around an import, or writes that can fail
    # after the database committed, overrides these.

    def ready(self) -> bool:
        """Whether the backend has an index to answer from (a new archive's files-based
        index may not be built yet; callers then search the database instead)."""
        return True

    @contextmanager
    def import_session(self):
        yield ImportSession()

    def current_session(self) -> ImportSession | None:
        """The import session under way in this process, if any."""
        return None

    def take_failures(self) -> list[str]:
        """Why this thread's index writes failed since it last asked (the admin's
        warning after a save)."""
        return []


_lock = threading.Lock()
_backends: dict[str, SearchBackend] = {}


def backend_name() -> str:
    return getattr(settings, "ARCHIVE_SEARCH_BACKEND", DEFAULT) or DEFAULT


def get_backend(name: str | None = None) -> SearchBackend:
    """The backend ``name`` (the configured one by default), made once per process."""
    name = name or backend_name()
    found = _backends.get(name)
    if found is not None:
        return found
    if name not in BACKENDS:
        raise ImproperlyConfigured(
            f"ARCHIVE_SEARCH_BACKEND is {name!r}: it must be one of {', '.join(BACKENDS)}."
        )
    module_name, class_name = BACKENDS[name].rsplit(".", 1)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module_name.startswith(exc.name):
            raise
        raise ImproperlyConfigured(
            f"The {name!r} search backend ({module_name}) is not part of this installation."
        ) from exc
    with _lock:
        found = _backends.get(name)
        if found is None:
            found = _backends[name] = getattr(module, class_name)()
    return found
