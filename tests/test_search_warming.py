"""Warmed searchers: a large index is loaded before use and replaced in the background."""

import threading

import pytest

from search import api
from search.engine import postings, rank, run, searchers
from tests.search_helpers import article, person

# Every test runs on each search backend but the Whoosh engine's own (whoosh_only).
pytestmark = pytest.mark.usefixtures("search_backend")

SEARCHES = [
    "grain",
    "grain deal",
    '"grain deal"',
    "talks -grain",
    "gra*",
    "macron",
    "grian",
    "person:emmanuel-macron talks",
]


@pytest.fixture
def stories(db, django_capture_on_commit_callbacks):
    macron = person("Emmanuel Macron", "Macron")
    texts = [
        ("Grain deal signed", "the grain deal holds, said Macron", "2022-03-01", [macron]),
        ("Talks resume", "talks on the grain corridor resume", "2022-03-02", []),
        ("Talks stall", "talks stall again in Geneva", "2022-04-09", [macron]),
        ("Deal in doubt", "a deal on grain is in doubt after talks", "2021-11-20", []),
        ("Undated note", "grain prices rise", None, []),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for title, body, published, people in texts:
            article(title, body, outlet="Le Monde", published=published, people=people)


def _view(result):
    return (
        result.total,
        [h.headline for h in result.hits],
        {name: [(f.value, f.count) for f in facets] for name, facets in result.facets.items()},
        result.suggestion,
    )


def _run_all():
    out = {}
    for text in SEARCHES:
        out[text] = _view(api.search(text))
        out[text, "newest"] = _view(api.search(text, sort="newest"))
        out[text, "quotes"] = _view(api.search(text, scope="quotes"))
    return out


@pytest.mark.whoosh_only
def test_a_warmed_searcher_answers_as_a_cold_one(stories, settings):
    cold = _run_all()
    assert cold["grain"][0] == 4 and cold["grain", "newest"][1][0] == "Talks resume"
    searchers._entries.clear()
    settings.ARCHIVE_SEARCH_WARM_DOCS = 1  # every index counts as large
    entry = searchers.get_entry()
    # Loaded before the first search: columns, lengths, orders, all-document counts.
    assert len(entry.lengths["body"]) == len(entry.column("day"))
    for key in ("day", "person_col", "order-newest", "codes-person_col"):
        assert key in entry.columns, key
    assert entry.kinds["article"]
    assert _run_all() == cold


def _publish_while_warming_is_held(settings, monkeypatch, capture):
    """Publish a story into a large index whose next searcher's warming is held back."""
    settings.ARCHIVE_SEARCH_WARM_DOCS = 1
    settings.ARCHIVE_SEARCH_REFRESH_SECONDS = 0
    searchers._entries.clear()
    assert api.search("harvest").total == 0
    first = searchers.get_entry()
    gate = threading.Event()
    warm = searchers.Entry.warm

    def held(self, searches=()):
        gate.wait(10)
        warm(self, searches)

    monkeypatch.setattr(searchers.Entry, "warm", held)
    with capture(execute=True):
        article("Harvest is in", "the harvest is in early this year")
    return first, gate


@pytest.mark.whoosh_only
def test_a_changed_large_index_is_searched_by_the_old_searcher_until_the_new_is_warm(
    stories, settings, monkeypatch, django_capture_on_commit_callbacks
):
    first, gate = _publish_while_warming_is_held(
        settings, monkeypatch, django_capture_on_commit_callbacks
    )
    assert searchers.get_entry() is first  # the next searcher is being warmed
    assert api.search("harvest").total == 0  # answered at once, from the old one
    assert len(searchers._warming) == 1
    gate.set()
    searchers.wait_for_warming(10)
    assert not searchers._warming
    fresh = searchers.get_entry()
    assert fresh is not first
    # The latest searches were run on it while it warmed: their counts are ready.
    assert any("harvest" in repr(key) for key in fresh.facet_cache)
    assert "grain" not in repr(list(fresh.facet_cache))
    assert [h.headline for h in api.search("harvest").hits] == ["Harvest is in"]


@pytest.mark.whoosh_only
def test_a_large_index_is_not_reloaded_more_often_than_the_refresh_interval(
    stories, settings, monkeypatch, django_capture_on_commit_callbacks
):
    first, gate = _publish_while_warming_is_held(
        settings, monkeypatch, django_capture_on_commit_callbacks
    )
    assert searchers.get_entry() is first  # starts warming the next searcher
    gate.set()
    searchers.wait_for_warming(10)
    fresh = searchers.get_entry()
    assert fresh is not first
    settings.ARCHIVE_SEARCH_REFRESH_SECONDS = 3600
    with django_capture_on_commit_callbacks(execute=True):
        article("Harvest ends", "the harvest ends")
    assert searchers.get_entry() is fresh
    assert not searchers._warming  # no warming started: the searcher is not old enough
    assert api.search("harvest").total == 1
    settings.ARCHIVE_SEARCH_REFRESH_SECONDS = 0
    searchers.get_entry()
    searchers.wait_for_warming(10)
    assert api.search("harvest").total == 2


@pytest.mark.whoosh_only
def test_a_small_index_is_refreshed_at_once(stories, django_capture_on_commit_callbacks):
    first = searchers.get_entry()
    assert not first.large and not first.columns  # nothing loaded ahead of use
    with django_capture_on_commit_callbacks(execute=True):
        article("Harvest is in", "the harvest is in early this year")
    assert api.search("harvest").total == 1
    assert not searchers._warming


@pytest.mark.whoosh_only
def test_a_starting_worker_compiles_the_templates_and_warms_the_search(stories, settings):
    from django.template import engines

    from archive.warmup import compile_templates, warm_up

    settings.ARCHIVE_SEARCH_WARM_DOCS = 1
    searchers._entries.clear()
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    assert compile_templates() >= 20
    assert "search/search.html" in str(list(loader.get_template_cache))
    warm_up()
    assert "order-newest" in searchers.get_entry().columns


@pytest.mark.whoosh_only
def test_warming_scores_the_most_common_words_first(stories, monkeypatch):
    monkeypatch.setattr(rank, "SCORES_CACHE_MIN", 2)
    entry = searchers.get_entry()
    # The outlet's words are in all five stories, "grain" in four bodies, "talk" in three:
    # room for fourteen postings.
    assert entry.warm_terms(14) == 3
    assert set(entry.scores) == {("outlet", "le"), ("outlet", "mond"), ("body", "grain")}
    ids, scores = entry.scores["body", "grain"]
    assert len(ids) == 4 and all(score > 0 for score in scores)
    before = _view(api.search("grain"))
    entry.scores.clear()
    entry.facet_cache.clear()
    assert _view(api.search("grain")) == before


def test_name_spellings_changed_elsewhere_are_loaded_in_the_background(
    transactional_db, monkeypatch
):
    from archive.ingest.people import name_key
    from archive.models import Alias
    from search import names

    zelensky = person("Volodymyr Zelensky")
    names.forget()
    assert names.current().expand("Zelenskyy") == []
    # Another process adds an alias (no signal reaches this one).
    Alias.objects.bulk_create(
        [Alias(person=zelensky, name="Volodymyr Zelenskyy", key=name_key("Volodymyr Zelenskyy"))]
    )
    assert names.current().expand("Zelenskyy") == []  # not looked for before REFRESH_SECONDS
    monkeypatch.setattr(names, "REFRESH_SECONDS", 0)
    assert names.current().expand("Zelenskyy") == []  # the table in hand answers at once
    names.wait_for_reload()
    monkeypatch.setattr(names, "REFRESH_SECONDS", 30.0)  # no second reload to outlive the test
    assert names.current().expand("Zelenskyy") == ["Zelensky"]
    names.forget()


@pytest.mark.whoosh_only
def test_a_starting_worker_answers_searches_while_its_searcher_loads(
    stories, settings, monkeypatch
):
    from archive.models import Article

    settings.ARCHIVE_SEARCH_WARM_DOCS = 1
    settings.ARCHIVE_SEARCH_WARM_WAIT_SECONDS = 3
    searchers._entries.clear()
    gate = threading.Event()
    load = searchers.Entry.load

    def held(self):
        gate.wait(10)
        load(self)

    monkeypatch.setattr(searchers.Entry, "load", held)
    from archive.warmup import warm_up

    warm_up()
    try:
        assert len(searchers._warming) == 1
        first = searchers.get_entry()  # opened, not loaded: answers cold
        assert first is not None and not first.columns
        assert searchers.get_entry(wait=False) is first
        assert [h.headline for h in api.search('"grain deal"').hits] == ["Grain deal signed"]
        grain = Article.objects.get(title="Grain deal signed")
        assert "Deal in doubt" in {
            a.title for a in Article.objects.filter(pk__in=api.more_like_this(grain.pk, limit=4))
        }
        assert len(searchers._warming) == 1  # still loading
    finally:
        gate.set()
    searchers.wait_for_warming(10)
    assert searchers.get_entry() is first and "order-newest" in first.columns
    assert not searchers._provisional


@pytest.mark.whoosh_only
def test_the_first_searcher_loads_piece_by_piece_between_searches(stories, settings):
    settings.ARCHIVE_SEARCH_WARM_DOCS = 1
    searchers._entries.clear()
    entry = searchers.get_entry()
    entry.reset()
    answered = []

    class Between:
        """The searcher's lock, a search run by another thread after its first release."""

        def __init__(self, lock):
            self.lock = lock

        def acquire(self, *args, **kwargs):
            return self.lock.acquire(*args, **kwargs)

        def release(self):
            self.lock.release()
            if not answered and threading.current_thread() is main:
                answered.append(None)
                thread = threading.Thread(target=lambda: answered.append(search()))
                thread.start()
                thread.join(5)

        def __enter__(self):
            self.acquire()

        def __exit__(self, *exc):
            self.release()

    def search():
        # what a search does with the searcher (the rest of it reads the database)
        if not entry.lock.acquire(timeout=run.SEARCH_WAIT_SECONDS):
            return None
        try:
            return len(postings.term_docs(entry.searcher, "body", "grain"))
        finally:
            entry.lock.release()

    main = threading.current_thread()
    entry.lock = Between(entry.lock)
    entry.load()
    assert answered == [None, 4]  # answered after the first piece, not after the last
    assert "order-newest" in entry.columns
