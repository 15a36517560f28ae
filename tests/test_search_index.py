"""The index follows the database: after commit, batched, one writer at a time."""

import subprocess
import sys
import textwrap

import pytest
from django.core.management import call_command
from django.db import transaction

from archive.models import Article
from search import api
from search.engine import documents, index, pending
from tests.search_helpers import article, person

# Every test runs on each search backend but the Whoosh engine's own (whoosh_only).
pytestmark = pytest.mark.usefixtures("search_backend")

pytestmark = pytest.mark.django_db


def indexed_ids():
    ix = index.open_index()
    if ix is None:
        return set()
    with ix.searcher() as s:
        return {f["article_id"] for f in s.all_stored_fields() if f["key"].startswith("a")}


def test_a_new_article_reaches_the_index_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        a = article("Harbour reopens after storm", "The harbour reopened on Tuesday.")
        assert indexed_ids() == set()
    assert indexed_ids() == set()
    for callback in callbacks:
        callback()
    assert indexed_ids() == {a.pk}
    assert api.article_ids("harbour") == [a.pk]


@pytest.mark.whoosh_only
def test_a_rolled_back_save_writes_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        article("Never saved", "Gone with the rollback.")
        raise RuntimeError("rollback")
    assert callbacks == []
    assert index.open_index() is None


def test_publish_hide_edit_and_delete_follow_the_database(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = article(
            "Lighthouse keeper retires", "After forty years the keeper retires.", status="new"
        )
    assert api.article_ids("lighthouse") == []  # not published yet

    with django_capture_on_commit_callbacks(execute=True):
        a.status = Article.Status.PUBLISHED
        a.save()
    assert api.article_ids("lighthouse") == [a.pk]

    with django_capture_on_commit_callbacks(execute=True):
        a.title = "Beacon keeper retires"
        a.save()
    assert api.article_ids("lighthouse") == []
    assert api.article_ids("beacon") == [a.pk]

    with django_capture_on_commit_callbacks(execute=True):
        a.status = Article.Status.HIDDEN
        a.save()
    assert api.article_ids("beacon") == []

    with django_capture_on_commit_callbacks(execute=True):
        a.status = Article.Status.PUBLISHED
        a.save()
    assert api.article_ids("beacon") == [a.pk]
    with django_capture_on_commit_callbacks(execute=True):
        a.delete()
    assert api.article_ids("beacon") == []
    assert indexed_ids() == set()


def test_people_with_aliases_and_quotes_are_indexed_and_follow_edits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        zelensky = person("Volodymyr Zelensky", "Zelenskyy")
        a = article(
            "Talks in Kyiv",
            "The president met envoys.",
            people=[zelensky],
            quotes=[(zelensky, "We will not give up an inch")],
        )
    assert api.article_ids("zelenskyy") == [a.pk]
    assert api.article_ids("inch") == [a.pk]  # quotes are part of the article's text
    assert api.search("inch", scope="quotes").total == 1

    with django_capture_on_commit_callbacks(execute=True):
        quote = a.quotes.get()
        quote.text = "We will hold every street"
        quote.save()
    assert api.article_ids("inch") == []
    assert api.article_ids("street") == [a.pk]

    with django_capture_on_commit_callbacks(execute=True):
        zelensky.aliases.create(name="Zelenskiy", key="zelenskiy")
    assert api.article_ids("zelenskiy") == [a.pk]


@pytest.mark.whoosh_only
def test_an_import_writes_the_index_once_per_chunk(
    monkeypatch, settings, django_capture_on_commit_callbacks, seeds_dir
):
    from archive import importer

    calls = []
    real = index.update_articles
    monkeypatch.setattr(
        index, "update_articles", lambda ids: calls.append(sorted(ids)) or real(ids)
    )
    settings.ARCHIVE_IMPORT_CHUNK = 2
    with django_capture_on_commit_callbacks(execute=True):
        result = importer.import_paths([str(seeds_dir)])
    ids = sorted(o.article_id for o in result.outcomes)
    # One write per chunk: its new stories, with the earlier stories of people the chunk
    # renamed (a surname alone completed to a full name). Never one write per story.
    assert len(calls) == 3
    for call, chunk in zip(calls, (ids[0:2], ids[2:4], ids[4:]), strict=True):
        assert set(chunk) <= set(call)
    assert indexed_ids() == set(ids)


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from whoosh import index
    ix = index.open_dir(sys.argv[1])
    writer = ix.writer()
    writer.add_document(key="a999999", kind="article", article="999999", article_id=999999,
                        headline="Written by the other process")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    writer.commit()
    """
)


def _hold_lock(seconds):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(index.live_dir()), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.whoosh_only
def test_two_writers_at_once_lose_nothing(settings, seeded):
    settings.ARCHIVE_INDEX_LOCK_TIMEOUT = 10
    ids = set(Article.objects.values_list("id", flat=True))
    proc = _hold_lock(0.5)  # another process (a gunicorn worker) is writing
    try:
        a = Article.objects.order_by("id").first()
        Article.objects.filter(pk=a.pk).update(title="Renamed while another writer held the lock")
        assert index.update_articles([a.pk]) == 1  # waits for the lock, then writes
    finally:
        assert proc.wait(timeout=20) == 0
    assert indexed_ids() == ids | {999999}
    assert api.article_ids('"another writer held"') == [a.pk]


@pytest.mark.whoosh_only
def test_a_write_that_times_out_is_logged_kept_and_repaired(settings, seeded, caplog):
    settings.ARCHIVE_INDEX_LOCK_TIMEOUT = 0.2
    settings.ARCHIVE_INDEX_LOCK_ATTEMPTS = 2
    a = Article.objects.order_by("id").first()
    Article.objects.filter(pk=a.pk).update(title="Edited during a long lock")
    proc = _hold_lock(3)
    try:
        assert index.update_articles([a.pk]) == 0
    finally:
        proc.wait(timeout=20)
    assert "SEARCH INDEX WRITE FAILED for 1 article(s)" in caplog.text
    assert pending.pending_ids() == {a.pk}
    assert api.article_ids('"long lock"') == []

    report = index.check(repair=True)
    assert report.damaged == ""
    assert report.pending == {a.pk}
    assert report.extra == {999999}
    assert pending.pending_ids() == set()
    assert api.article_ids('"long lock"') == [a.pk]
    assert index.check().ok


@pytest.mark.whoosh_only
def test_rebuild_builds_aside_and_swaps(seeded, capsys):
    before = index.live_dir()
    ids = set(Article.objects.values_list("id", flat=True))
    call_command("rebuild_index", "--no-progress")
    out = capsys.readouterr().out
    assert out.startswith("Indexed 5 articles in ")
    after = index.live_dir()
    assert after != before and after.parent == before.parent
    assert indexed_ids() == ids
    # The previous generation is kept for searchers still reading it; older ones go.
    call_command("rebuild_index", "--no-progress")
    generations = sorted(p.name for p in after.parent.glob("gen-*"))
    assert generations == sorted([after.name, index.live_dir().name])


@pytest.mark.whoosh_only
def test_search_keeps_working_while_a_rebuild_swaps(seeded):
    assert api.search("putin").total == 5  # a searcher is open on the old generation
    index.rebuild()
    assert api.search("putin").total == 5  # and is replaced by one on the new one


@pytest.mark.whoosh_only
def test_check_index_reports_and_repairs_a_drifted_index(seeded, capsys):
    articles = list(Article.objects.order_by("id"))
    missing, stale, extra = articles[0], articles[1], articles[2]
    index.delete_articles([missing.pk])  # a lost write
    Article.objects.filter(pk=stale.pk).update(title="Quietly retitled")
    Article.objects.filter(pk=stale.pk).update(updated=stale.updated.replace(year=2030))
    Article.objects.filter(pk=extra.pk).update(status="hidden")  # update() sends no signal

    with pytest.raises(Exception) as excinfo:
        call_command("check_index")
    assert "run with --repair" in str(excinfo.value)
    out = capsys.readouterr().out
    assert "5 indexed" not in out
    assert "4 published, 4 indexed: 1 missing, 1 stale, 1 extra, 0 pending" in out
    assert f"  missing: {missing.pk}\n" in out
    assert f"  stale: {stale.pk}\n" in out
    assert f"  extra: {extra.pk}\n" in out

    call_command("check_index", "--repair")
    assert "Repaired 3 article(s)." in capsys.readouterr().out
    call_command("check_index")
    assert capsys.readouterr().out.endswith("The index matches the database.\n")
    assert api.article_ids('"quietly retitled"') == [stale.pk]
    assert extra.pk not in indexed_ids()


def test_check_index_without_an_index(db, capsys):
    call_command("check_index")
    assert capsys.readouterr().out == (
        "No search index yet.\n0 published, 0 indexed: 0 missing, 0 stale, 0 extra, 0 pending\n"
        "The index matches the database.\n"
    )


@pytest.mark.whoosh_only
def test_an_alias_added_later_finds_old_stories_without_rewriting_them(
    monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        blinken = person("Antony Blinken")
        a = article("Envoy in Kyiv", "Antony Blinken met the president.", people=[blinken])
        article("Other news", "Anthony Hopkins and Sarah Blinken were at the premiere.")
    assert api.article_ids('"Anthony Blinken"') == []
    writes = []
    monkeypatch.setattr(index, "update_articles", lambda ids: writes.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        blinken.aliases.create(name="Anthony Blinken", key="anthony blinken")
    assert writes == []  # the stories' documents stay as they are
    assert api.article_ids('"Anthony Blinken"') == [a.pk]
    # unquoted, the two words still find the name (and whatever has both words)
    assert a.pk in api.article_ids("Anthony Blinken")


@pytest.mark.whoosh_only
def test_rewriting_articles_replaces_their_documents(django_capture_on_commit_callbacks):
    """A write deletes every document of the articles (the article and its quotes) before
    adding them again: the count stays the same, the new text is found, the old is not."""
    with django_capture_on_commit_callbacks(execute=True):
        first = article(
            "Talks in Moscow", "The envoys met at dawn.", quotes=[("an aide", "No deal yet")]
        )
        other = article("Grain deal", "Ships left Odesa.", quotes=[("a minister", "Ships sail")])
    ix = index.open_index()
    with ix.searcher() as s:
        assert s.doc_count() == 4  # two articles, two quotes
    Article.objects.filter(pk=first.pk).update(body="The envoys met at midnight.")
    first.quotes.update(text="Still no agreement")
    assert index.update_articles([first.pk, other.pk]) == 2
    with index.open_index().searcher() as s:
        assert s.doc_count() == 4
        assert sorted(s.document_numbers(article=str(first.pk))) != []
    assert api.article_ids("midnight") == [first.pk]
    assert api.article_ids("dawn") == []
    assert api.article_ids("agreement") == [first.pk]
    assert api.article_ids("odesa") == [other.pk]
    assert indexed_ids() == {first.pk, other.pk}


@pytest.mark.whoosh_only
def test_a_write_deletes_old_documents_without_reading_new_articles_postings(
    django_capture_on_commit_callbacks, monkeypatch
):
    """Deleting before adding looks each article up in the term table first: a new
    article's (never indexed) postings are not read. An indexed one's documents go, in
    every segment, and documents deleted earlier are not counted again."""
    with django_capture_on_commit_callbacks(execute=True):
        old = article("Talks in Moscow", "The envoys met at dawn.", quotes=[("an aide", "No")])
    with django_capture_on_commit_callbacks(execute=True):
        other = article("Grain deal", "Ships left Odesa.")
    new = article("Port reopens", "Cranes moved again.")  # not indexed yet (no commit hook)
    read = []
    term_documents = index._term_documents

    def spy(leaf, fieldname, text):
        found = list(term_documents(leaf, fieldname, text))
        read.append((text, len(found)))
        return found

    monkeypatch.setattr(index, "_term_documents", spy)
    ix = index.open_index()
    assert len(ix._segments()) == 2  # one segment per commit above
    writer = index._writer()
    assert index._delete_documents(writer, [new.pk]) == 0
    assert read == [(str(new.pk), 0)] * 2  # looked up in both segments, nothing read
    read.clear()
    assert index._delete_documents(writer, [old.pk, other.pk]) == 3  # two articles, a quote
    assert sorted(read) == sorted(
        [(str(old.pk), 2), (str(old.pk), 0), (str(other.pk), 0), (str(other.pk), 1)]
    )
    writer.cancel()
    Article.objects.filter(pk=old.pk).update(body="The envoys met at midnight.")
    assert index.update_articles([old.pk, new.pk]) == 2
    writer = index._writer()
    # its two new documents; the two it had first are deleted already, not counted again
    assert index._delete_documents(writer, [old.pk]) == 2
    writer.cancel()
    with index.open_index().searcher() as s:
        assert s.doc_count() == 4  # three articles, one quote: nothing twice
    assert api.article_ids("dawn") == [] and api.article_ids("midnight") == [old.pk]
    assert api.article_ids("cranes") == [new.pk] and api.article_ids("odesa") == [other.pk]


def _whoosh_and_fast_indexes(docs, **fast_options):
    """The same documents written by Whoosh's own writer and by ``FastSegmentWriter``."""
    from whoosh import index as whoosh_index

    from search.engine.build import FastSegmentWriter

    built = []
    for fast in (False, True):
        ix = whoosh_index.open_dir(str(index.create_generation()))
        if fast:
            writer = FastSegmentWriter(ix, **fast_options)
        else:
            writer = ix.writer(procs=1, limitmb=64, compound=False)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit() if fast else writer.commit(merge=False)
        built.append(ix)
    return built


def _segment_files(ix):
    """{file kind: bytes} of the index's one segment (names differ by segment id)."""
    (segment,) = ix._segments()
    prefix = f"{segment.segment_id()}."
    return {
        name[len(prefix) :]: (index.Path(ix.storage.folder) / name).read_bytes()
        for name in segment.list_files(ix.storage)
    }


def _all_postings(ix):
    with ix.reader() as reader:
        out = {}
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            out[fieldname, text] = (
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                info.min_id(),
                info.max_id(),
                postings,
            )
        return out


@pytest.mark.whoosh_only
def test_the_fast_writer_writes_what_whoosh_writes(seeded):
    article(
        "Zelenskyy and Zelensky in Kyiv",
        "Café talks: the café, the Café and the cafe. " * 40,
        standfirst="Of the people, by the people",
        quotes=[("the Kremlin", "We will not give up the café"), ("a source", "Never")],
    )
    ids = list(Article.objects.published().values_list("id", flat=True))
    docs = [doc for _aid, article_docs in documents.iter_documents(ids) for doc in article_docs]
    assert len(docs) > len(ids)  # articles and their quotes

    whoosh_ix, fast_ix = _whoosh_and_fast_indexes(docs)
    expected = _segment_files(whoosh_ix)
    assert "pst" in expected and "trm" in expected and "_stored.col" in expected
    written = _segment_files(fast_ix)
    assert written.keys() == expected.keys()
    # The postings, the terms and the stored fields are written in other bytes (newer
    # pickles, smaller deflate windows): what a reader reads back is compared below.
    for kind in expected.keys() - {"pst", "trm", "_stored.col"}:
        assert written[kind] == expected[kind], kind  # byte for byte
    with whoosh_ix.searcher() as ours, fast_ix.searcher() as fast:
        stored = list(ours.reader().all_stored_fields())
        assert list(fast.reader().all_stored_fields()) == stored
        assert len(stored) == len(docs) and stored[0]["key"] == docs[0]["key"]
    postings = _all_postings(whoosh_ix)
    fast_postings = _all_postings(fast_ix)
    assert fast_postings.keys() == postings.keys()
    for key, entry in postings.items():
        if key[0].startswith("spell_"):
            # One posting weighing the documents that have the word
            weight, df, *_stats, found = fast_postings[key]
            assert (weight, df, len(found)) == (entry[1], 1, 1), key
            assert found[0][0] == 0 and found[0][1] == entry[1]
        else:
            assert fast_postings[key] == entry, key
    spelled = {key: entry[1] for key, entry in postings.items() if key[0].startswith("spell_")}
    assert ("spell_headline", b"zelenskyy") in spelled and max(spelled.values()) > 1

    # Spilled to sorted runs every few hundred postings and merged at the end: the same
    # terms, statistics and postings (Whoosh's own pool gives the same when it spills).
    whoosh_ix, spilled_ix = _whoosh_and_fast_indexes(docs, max_postings=300)
    postings = _all_postings(whoosh_ix)
    assert ("body", b"cafe") in postings and ("spell_headline", b"zelenskyy") in postings
    assert _all_postings(spilled_ix) == fast_postings
    with whoosh_ix.searcher() as a, spilled_ix.searcher() as b:
        assert list(a.all_stored_fields()) == list(b.all_stored_fields())


@pytest.mark.whoosh_only
def test_rebuild_in_two_processes_finds_what_one_process_finds(seeded, monkeypatch):
    from search.engine import build

    queries = ["putin", "macron", '"russian president"', "kremlin OR ukraine", "pu*", "putn"]

    def results():
        from whoosh.qparser import MultifieldParser

        out = {}
        for q in queries:
            result = api.search(q)
            out[q] = (result.total, [(h.article_id, h.headline, h.people) for h in result.hits])
        with index.open_index().searcher() as searcher:
            for q in queries:
                parser = MultifieldParser(["body", "quote"], searcher.schema)
                hits = searcher.search(parser.parse(q), limit=None)
                out["scored " + q] = [(h["article_id"], round(h.score, 9)) for h in hits]
        return out

    def content():
        ix = index.open_index()
        files = {k: v for k, v in _segment_files(ix).items() if k not in ("pst", "trm")}
        return _all_postings(ix), files

    index.rebuild(procs=1)
    assert len(index.open_index()._segments()) == 1
    one = results()
    written = content()
    assert one["putin"][0] == 5 and len(one["scored putin"]) > 5  # articles and quotes

    monkeypatch.setattr(build, "MIN_PER_PROCESS", 1)
    monkeypatch.setattr(build, "BATCH", 1)
    # Small run batches: the terms are cut into 8 ranges, written in any order by
    # whichever process is free, and joined in term order.
    monkeypatch.setattr(build, "RUN_BATCH", 40)
    cuts = []
    term_ranges = build.term_ranges
    monkeypatch.setattr(build, "term_ranges", lambda *a: cuts.append(term_ranges(*a)) or cuts[-1])
    done = []
    report = index.rebuild(progress=done.append, procs=2)
    assert report.articles == 5 and sum(done) == 5
    bounds = cuts[0][1:-1]
    assert cuts[0][0] is None and cuts[0][-1] is None
    assert len(bounds) == 7 and bounds == sorted(bounds) and len(set(bounds)) == 7
    assert len(index.open_index()._segments()) == 1
    assert content() == written  # the same postings, stored fields and columns
    assert results() == one


@pytest.mark.whoosh_only
def test_term_ranges_cut_the_terms_by_cost():
    from search.engine.build import term_ranges

    costs = [(("body", b"%03d" % n), 10) for n in range(100)]
    assert term_ranges(costs, 4) == [
        None,
        ("body", b"025"),
        ("body", b"050"),
        ("body", b"075"),
        None,
    ]
    # one costly batch: the next range starts after it
    costs[0] = (("body", b"000"), 990)
    assert term_ranges(costs, 2) == [None, ("body", b"001"), None]
    # batches of several runs starting at the same term: no empty range
    twice = [(("body", b"a"), 5), (("body", b"a"), 5), (("body", b"b"), 5)]
    assert term_ranges(twice, 3) == [None, ("body", b"b"), None]
    assert term_ranges([], 4) == [None, None]


@pytest.mark.whoosh_only
def test_blocks_are_deflated_only_when_that_shrinks_them():
    import random
    import zlib

    from search.engine.build import MIN_DEFLATE, deflate, deflated

    short = b"\x01\x05" * 10
    assert deflated(short, 3) == (0, short)  # stored as it is, and marked so
    long = b"positions " * 200
    level, packed = deflated(long, 3)
    assert level == 3 and len(packed) < len(long) // 10
    assert zlib.decompress(packed) == long  # what Whoosh's reader calls
    noise = random.Random(1).randbytes(300)  # deflate would make it longer
    assert len(noise) > MIN_DEFLATE and deflated(noise, 3) == (0, noise)
    assert deflated(long, 0) == (0, long)  # no compression asked
    for size in (1, 511, 512, 513, 40_000):  # windows from the smallest to the largest
        data = bytes(n % 251 for n in range(size)) + b"tail"
        assert zlib.decompress(deflate(data, 3)) == data


@pytest.mark.whoosh_only
def test_a_failed_rebuild_process_leaves_the_live_index_alone(seeded, monkeypatch):
    from search.engine import build

    index.rebuild(procs=1)
    live = index.live_dir()
    generations = sorted(live.parent.glob("gen-*"))
    monkeypatch.setattr(build, "MIN_PER_PROCESS", 1)

    def broken(self, **fields):
        raise OSError("disk full")

    add_document = build.FastSegmentWriter.add_document
    monkeypatch.setattr(build.FastSegmentWriter, "add_document", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        index.rebuild(procs=2)
    assert index.live_dir() == live
    assert sorted(live.parent.glob("gen-*")) == generations  # the new one is gone
    assert api.search("putin").total == 5

    # The same when writing a range of terms fails, after the analysis
    monkeypatch.setattr(build.FastSegmentWriter, "add_document", add_document)
    monkeypatch.setattr(build, "write_terms", lambda *a: broken(None))
    with pytest.raises(RuntimeError, match="disk full"):
        index.rebuild(procs=2)
    assert index.live_dir() == live
    assert sorted(live.parent.glob("gen-*")) == generations
    assert api.search("putin").total == 5


@pytest.mark.whoosh_only
def test_incremental_writes_add_segments_that_merge_and_search_like_a_rebuild(seeded):
    queries = ["putin", "macron", '"russian president"', "kremlin OR ukraine", "pu*", "putn"]

    def results():
        out = {}
        for q in queries:
            for scope in ("articles", "quotes"):
                result = api.search(q, scope=scope)
                hits = [(h.article_id, h.headline, h.people) for h in result.hits]
                out[q, scope] = (result.total, sorted(hits), result.suggestion)
        return out

    index.rebuild(procs=1)
    expected = results()
    assert expected["putin", "articles"][0] == 5 and expected["putn", "articles"][1] == []
    assert expected["putn", "articles"][2] is not None  # "did you mean"
    with index.open_index().searcher() as s:
        documents = s.doc_count()
    ids = sorted(Article.objects.published().values_list("id", flat=True))
    # Each article written again in a commit of its own: a new segment each time, and
    # segments of one size merged together (``merge_tiers``, four at a time).
    counts = []
    for aid in [*ids, *[ids[0]] * 5]:
        assert index.update_articles([aid]) == 1
        counts.append(len(index.open_index()._segments()))
    assert counts[:5] == [2, 3, 4, 5, 6]
    assert counts[-1] < max(counts)  # the first article's four segments were merged
    with index.open_index().searcher() as s:
        assert s.doc_count() == documents
    assert results() == expected
    assert index.check().ok
