"""Whoosh's private internals are used in search/engine/fastpaths.py only, for the pinned
Whoosh; with the fast paths off, the public API gives the same answers."""

import logging
import re
import tomllib

import numpy as np
import pytest

from search import api
from search.engine import fastpaths, index, postings, rank, searchers
from tests.conftest import ROOT
from tests.search_helpers import article, person

QUERIES = [
    ("macron", {}),
    ("putin talks", {}),
    ('"security guarantees"', {}),
    ("macron OR putin -ukraine", {}),
    ("negotiat*", {}),
    ("macrn", {}),
    ("talks", {"sort": "newest"}),
    ("talks", {"sort": "oldest", "page": 2}),
    ("ukraine", {"scope": "quotes"}),
    ("harvest", {}),
    ("grain harvest", {"more": "person"}),
    ("", {"outlet_slugs": ["farm-news"]}),
    ("harvest", {"person_slugs": ["anna-berg"], "date_from": None}),
]


@pytest.fixture
def archive(seeded, django_capture_on_commit_callbacks):
    """The seeds and a few stories of a second subject, over several index segments."""
    with django_capture_on_commit_callbacks(execute=True):
        anna = person("Anna Berg", "Berg")
        for n in range(25):
            article(
                f"Harvest report {n}",
                "The grain harvest was early this year. " * (1 + n % 4)
                + ("Anna Berg said the yield was good. " if n % 3 == 0 else ""),
                outlet="Farm News" if n % 2 else "Field Daily",
                published=f"2021-{1 + n % 12:02d}-{1 + n % 27:02d}",
                people=[anna] if n % 3 == 0 else (),
            )
    return seeded


def _fresh_searchers():
    """Forget the process's searchers: the next search opens and loads one afresh."""
    with searchers._entries_lock:
        searchers._entries.clear()
        searchers._provisional.clear()


def _page(result):
    return (
        result.total,
        result.pages,
        [(h.article_id, h.headline, h.snippet, h.people) for h in result.hits],
        {
            name: [(f.value, f.label, f.count) for f in facets]
            for name, facets in result.facets.items()
        },
        result.facet_more,
        result.suggestion,
        result.notices,
    )


def _answers():
    _fresh_searchers()
    return {f"{text} {o}": _page(api.search(text, **o)) for text, o in QUERIES}


def test_the_pinned_whoosh_is_the_one_pyproject_pins():
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (pin,) = [p for p in pins if p.lower().startswith("whoosh==")]
    assert tuple(int(n) for n in pin.split("==")[1].split(".")) == fastpaths.PINNED_WHOOSH
    assert fastpaths.ENABLED  # the installed Whoosh is the pinned one


def test_another_whoosh_turns_the_fast_paths_off_with_one_warning(monkeypatch, caplog):
    import whoosh

    monkeypatch.setattr(whoosh, "__version__", (2, 7, 5))
    with caplog.at_level(logging.WARNING, logger="search.engine.fastpaths"):
        assert fastpaths._supported() is False
    assert [r.getMessage() for r in caplog.records] == [
        "Whoosh 2.7.5 is installed, not 2.7.4: searching and indexing use Whoosh's public "
        "API only (slower; the results are the same)"
    ]


def test_searches_answer_the_same_with_the_fast_paths_off(archive, monkeypatch):
    fast = _answers()
    assert fast["macron {}"][0] >= 3  # the seeds are about Macron
    assert fast["harvest {}"][0] == 25
    assert any("<mark>" in hit[2] for hit in fast["harvest {}"][2])
    monkeypatch.setattr(fastpaths, "ENABLED", False)
    assert _answers() == fast


def test_an_index_built_with_the_fast_paths_off_answers_the_same(archive, monkeypatch):
    index.rebuild()
    fast = _answers()
    monkeypatch.setattr(fastpaths, "ENABLED", False)
    index.rebuild()  # Whoosh's own writer
    assert index.check().ok
    slow = _answers()
    monkeypatch.setattr(fastpaths, "ENABLED", True)
    assert _answers() == slow == fast


def _all_terms(searcher, fieldname):
    return [searcher.schema[fieldname].from_bytes(t) for t in searcher.lexicon(fieldname)]


def test_posting_lists_read_in_blocks_are_whooshs(archive, monkeypatch):
    searcher = index.open_index().searcher()
    assert len(searcher.subsearchers or [searcher]) >= 2  # the seeds' segment and the rest
    read = {}
    for mode in (True, False):
        monkeypatch.setattr(fastpaths, "ENABLED", mode)
        read[mode] = {
            (fieldname, term): (
                postings.term_postings(searcher, fieldname, term, values=True),
                postings.term_docs(searcher, fieldname, term),
            )
            for fieldname in ("body", "headline", "people", "kind")
            for term in _all_terms(searcher, fieldname)
        }
    assert len(read[True]) > 500
    assert read[True] == read[False]
    ids, weights, _values = read[True][("body", "harvest")][0]
    assert len(ids) == 25 and all(w >= 1 for w in weights)


def test_field_lengths_and_scores_match_within_rounding(archive, monkeypatch):
    scored = {}
    for mode in (True, False):
        monkeypatch.setattr(fastpaths, "ENABLED", mode)
        _fresh_searchers()
        entry = searchers.get_entry()
        lengths = {f: list(entry.field_lengths(f)) for f in ("body", "headline", "quote")}
        with entry.lock:
            scores = {w: rank.term_scores(entry, "body", w) for w in ("harvest", "grain", "macron")}
        scored[mode] = (lengths, scores)
    assert scored[True][0] == scored[False][0]
    for word, (ids, values) in scored[True][1].items():
        slow_ids, slow_values = scored[False][1][word]
        assert ids.tolist() == slow_ids.tolist(), word
        assert np.allclose(values, slow_values, rtol=1e-12, atol=0), word
    assert len(scored[True][1]["harvest"][0]) == 25


def test_a_segments_term_documents_are_found_both_ways(archive, monkeypatch):
    ix = index.open_index()
    with ix.searcher() as searcher:
        leaves = searcher.reader().leaf_readers()
        wanted = [str(i) for i in api.article_ids("harvest OR macron", 100)]
        assert len(wanted) >= 28
        found = {}
        for mode in (True, False):
            monkeypatch.setattr(fastpaths, "ENABLED", mode)
            found[mode] = [
                sorted(
                    d for d in index._term_documents(leaf, "article", aid) if not leaf.is_deleted(d)
                )
                for aid in wanted
                for leaf, _base in leaves
            ]
    assert found[True] == found[False]
    assert sum(map(len, found[True])) > len(wanted)  # an article's document and its quotes'


def test_the_check_reads_a_damaged_segment_both_ways(archive, monkeypatch):
    path = index.live_dir()
    postings_file = max(path.glob("*.pst"), key=lambda p: p.stat().st_size)
    with postings_file.open("r+b") as f:
        f.truncate(postings_file.stat().st_size // 2)
    reports = {}
    for mode in (True, False):
        monkeypatch.setattr(fastpaths, "ENABLED", mode)
        reports[mode] = index.damage()
    assert re.search(r"\.pst is cut short", reports[True])
    assert reports[False]  # found too, read through the public API
