"""Ranking from the posting lists (``rank.ranked``) against Whoosh's own BM25F ranking."""

import random

import numpy as np
import pytest

from search import api
from search.engine import compile, postings, rank, searchers
from search.engine.schema import TEXT_FIELDS
from tests.search_helpers import article, person

# Every test runs on each search backend but the Whoosh engine's own (whoosh_only).
pytestmark = pytest.mark.usefixtures("search_backend")

WORDS = [
    "ceasefire",
    "talks",
    "kyiv",
    "moscow",
    "grain",
    "deal",
    "summit",
    "leaders",
    "peace",
    "president",
    "minister",
    "border",
    "troops",
    "sanctions",
    "energy",
    "gas",
    "prices",
    "health",
    "care",
    "court",
    "election",
    "vote",
]

QUERIES = [
    "talks",
    "president",
    "ceasefire talks",
    '"health care"',
    "grain OR gas",
    "sanctions -energy",
    "pres* court",
    "zelenskyy",
    "macron peace",
    "kyiv moscow border troops",
]


@pytest.fixture
def archive(db, django_capture_on_commit_callbacks):
    """Forty stories of varied length and wording, indexed one commit (segment) each."""
    rng = random.Random(7)
    zelensky = person("Volodymyr Zelensky", "Zelenskyy")
    macron = person("Emmanuel Macron", "Macron")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(40):
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 120)))
            article(
                f"{title} {n}",
                body,
                standfirst=" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 12))),
                outlet=rng.choice(["Daily Mirror", "Le Monde", "CNN"]),
                published=f"2022-0{1 + n % 9}-1{n % 10}",
                people=rng.sample([zelensky, macron], rng.randint(0, 2)),
            )
    return rng


def _both(text, collapse, limit=20):
    entry = searchers.get_entry()
    with entry.lock:
        words = compile.text_query(entry.searcher.schema, api.parse(text), tuple(TEXT_FIELDS))
        docs = postings.match_docs(entry.searcher, words) & entry.kind_docs("article")
        clusters = entry.column("cluster") if collapse else None
        try:
            ours = rank.ranked(entry, rank.scoring(words), docs, clusters, limit)
        finally:
            entry.memo = {}
        whoosh = rank.whoosh_ranked(entry.searcher, words, docs, clusters, limit)
    return ours, whoosh, len(docs)


@pytest.mark.whoosh_only
@pytest.mark.parametrize("text", QUERIES)
def test_ranking_is_whooshs_bm25f(archive, text):
    ours, whoosh, matched = _both(text, collapse=False)
    assert matched >= 2  # the query means something on this archive
    assert ours == whoosh
    assert len(ours) == min(20, matched)


@pytest.mark.whoosh_only
def test_ranking_on_the_seeds_is_whooshs(seeded):
    for text in ("putin", "macron putin talks", '"ukraine"', "kremlin OR moscow", "sanc*"):
        ours, whoosh, matched = _both(text, collapse=True)
        assert matched
        assert ours == whoosh, text


@pytest.mark.whoosh_only
def test_only_the_best_copy_of_a_story_is_ranked(monkeypatch):
    # Ties go to the lower document number; a story's copies after its best are skipped.
    scores = {0: 1.0, 1: 5.0, 2: 5.0, 3: 4.0, 4: 3.0, 5: 5.0}
    clusters = ["", "c1", "c1", "", "c1", ""]
    ids = np.array(list(scores))
    values = np.array(list(scores.values()))
    monkeypatch.setattr(rank, "_scores", lambda _entry, _q, _mask: (ids, values))
    assert rank.ranked(None, None, set(scores), clusters, 3) == [1, 5, 3]
    assert rank.ranked(None, None, set(scores), None, 3) == [1, 2, 5]
    assert rank.ranked(None, None, set(scores), clusters, 10) == [1, 5, 3, 0]


def test_phrases_need_their_words_in_order_and_together(
    db, django_capture_on_commit_callbacks, search_backend
):
    with django_capture_on_commit_callbacks(execute=True):
        article("One", "the grain deal was signed at last")
        article("Two", "a deal on grain, and grain deal talks")
        article("Three", "grain talks: a deal")
        article("Four", "grain grain deal signed deal")
        article("Five", "signed deal grain")
    found = {
        text: sorted(h.headline for h in api.search(text).hits)  # every match fits on one page here
        for text in ('"grain deal"', '"grain deal signed"', '"deal grain"', '"grain grain"')
    }
    expected = {
        '"grain deal"': ["Four", "One", "Two"],
        '"grain deal signed"': ["Four"],
        # stop words hold no position: "deal on grain", "grain, and grain"
        '"deal grain"': ["Five", "Two"],
        '"grain grain"': ["Four", "Two"],
    }
    if search_backend == "postgres":
        # PostgreSQL's vectors keep the stop words' positions: "deal on grain" is no
        # "deal grain", "grain, and grain" no "grain grain".
        expected.update({'"deal grain"': ["Five"], '"grain grain"': ["Four"]})
    assert found == expected


@pytest.mark.whoosh_only
def test_kept_phrase_matches_and_scores_follow_the_index(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(postings, "PHRASES_CACHE_MIN", 1)
    monkeypatch.setattr(rank, "SCORES_CACHE_MIN", 1)
    with django_capture_on_commit_callbacks(execute=True):
        article("Grain deal signed", "the grain deal holds")
    assert [h.headline for h in api.search('"grain deal"').hits] == ["Grain deal signed"]
    assert searchers.get_entry().phrases  # kept
    with django_capture_on_commit_callbacks(execute=True):
        article("Another grain deal", "a grain deal again, grain deal after grain deal")
    hits = [h.headline for h in api.search('"grain deal"').hits]
    assert hits == ["Another grain deal", "Grain deal signed"]


@pytest.mark.whoosh_only
def test_positions_decoded_at_once_match_one_at_a_time():
    import random

    from search.engine.schema import FastPositions

    fmt = FastPositions()
    rng = random.Random(3)
    lists = [
        sorted(rng.sample(range(1, 5000 if n % 3 else 200), rng.randint(1, 40))) for n in range(300)
    ]
    values = [fmt.encode(positions) for positions in lists]
    assert {v[4] for v in values} == {1, 4}  # one-byte and four-byte deltas both
    owner, position = postings._positions(values)
    expected = [(n, p) for n, v in enumerate(values) for p in fmt.decode_positions(v)]
    assert list(zip(owner.tolist(), position.tolist(), strict=True)) == expected
    assert postings._positions([])[0].tolist() == []


def test_a_phrase_far_into_a_long_story_is_found(db, django_capture_on_commit_callbacks):
    filler = " ".join(f"word{n}" for n in range(400))
    with django_capture_on_commit_callbacks(execute=True):
        article("Long", f"grain at first. {filler} then the grain deal, {filler} deal")
        article("Apart", f"grain {filler} deal")
    assert [h.headline for h in api.search('"grain deal"').hits] == ["Long"]


@pytest.mark.whoosh_only
def test_phrases_match_the_same_with_whooshs_own_positions():
    from whoosh import fields
    from whoosh.filedb.filestore import RamStorage

    from search.engine.schema import TEXT_ANALYZER, text_field

    schema = fields.Schema(
        fast=text_field(TEXT_ANALYZER), plain=fields.TEXT(analyzer=TEXT_ANALYZER, phrase=True)
    )
    ix = RamStorage().create_index(schema)
    texts = [
        "the grain deal was signed",
        "a deal on grain, and grain deal talks",
        "grain talks: a deal",
        "grain grain deal signed deal",
    ]
    with ix.writer() as writer:
        for text in texts:
            writer.add_document(fast=text, plain=text)
    with ix.searcher() as searcher:
        for words in (["grain", "deal"], ["grain", "grain"], ["deal", "grain"], ["deal", "sign"]):
            fast = postings._phrase_docs(searcher, "fast", words, None)
            assert postings._phrase_docs(searcher, "plain", words, None) == fast, words
        assert postings._phrase_docs(searcher, "fast", ["grain", "deal"], None) == {0, 1, 3}


@pytest.mark.whoosh_only
@pytest.mark.parametrize("text", ["pres* court", "sanc* OR gra*", "ene* -gas"])
def test_a_prefix_expanded_to_its_words_ranks_as_whooshs_prefix(archive, text):
    entry = searchers.get_entry()
    parsed, fields_ = api.parse(text), tuple(TEXT_FIELDS)
    with entry.lock:
        schema = entry.searcher.schema
        prefixes = compile.PrefixWords(entry, parsed, fields_)
        words = compile.text_query(schema, parsed, fields_, prefixes)
        assert "Prefix" not in repr(words) and not prefixes.notices  # nothing narrowed
        docs = postings.match_docs(entry.searcher, words, entry) & entry.kind_docs("article")
        excluded = compile.exclusions(schema, parsed, fields_, prefixes)
        if excluded is not None:
            docs -= postings.match_docs(entry.searcher, excluded)
        try:
            ours = rank.ranked(entry, rank.scoring(words), docs, None, 20)
        finally:
            entry.memo = {}
        whole = compile.text_query(schema, parsed, fields_)  # Whoosh's Prefix queries
        assert docs == postings.match_docs(entry.searcher, whole) & entry.kind_docs("article") - (
            postings.match_docs(entry.searcher, compile.exclusions(schema, parsed, fields_))
            if excluded is not None
            else set()
        )
        whoosh = rank.whoosh_ranked(entry.searcher, whole, docs, None, 20)
    assert len(docs) >= 2 and ours == whoosh
