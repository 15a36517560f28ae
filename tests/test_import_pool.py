"""Reading and extraction in worker processes: the same archive as without them."""

import os

import pytest

from archive.importer import import_paths, pool_workers
from archive.ingest import pipeline, pool
from archive.ingest.people import KnownNames
from archive.ingest.readers import RawStory
from archive.models import Alias, Article, Mention, Person, Quote, StoryBand, StoryCluster
from tests.bench.corpus import build_corpus

from .test_dedupe import NEW_FOOTER, NEW_HEADER, rehost, seed_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories_dir(tmp_path, seeds_dir):
    """The seeds, two copies of a seed, 60 generated stories and two bad files."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i, (name, text) in enumerate(build_corpus(60, seed=3)):
        (folder / f"{i:03d}_{name}").write_text(text, encoding="utf-8")
    for seed in sorted(seeds_dir.iterdir()):
        (folder / f"s_{seed.name}").write_bytes(seed.read_bytes())
    copy = rehost(seed_text(3), NEW_HEADER, NEW_FOOTER, drop_head=4, drop_tail=1)
    (folder / "t_copy.txt").write_text(copy, encoding="utf-8")
    (folder / "u_copy.txt").write_text(copy.replace("Biden", "Biden himself", 1), encoding="utf-8")
    (folder / "v_empty.txt").write_bytes(b"")
    (folder / "w_binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    return folder


def archive_state():
    """Everything the import wrote, by source and name (not by id)."""
    source = dict(Article.objects.values_list("id", "source"))
    names = dict(Person.objects.values_list("id", "name"))
    clusters = {}
    for article_id, cluster_id in Article.objects.values_list("id", "cluster_id"):
        if cluster_id:
            clusters.setdefault(cluster_id, set()).add(source[article_id])
    return {
        "articles": sorted(
            Article.objects.values_list(
                "source", "title", "standfirst", "body", "published", "outlet__name"
            )
        ),
        "people": sorted(Person.objects.values_list("name", "slug")),
        "aliases": sorted(
            (names[p], n, k) for p, n, k in Alias.objects.values_list("person", "name", "key")
        ),
        "mentions": sorted(
            (source[a], names[p], c)
            for a, p, c in Mention.objects.values_list("article", "person", "count")
        ),
        "quotes": sorted(
            (source[a], pos, text, names.get(speaker), label)
            for a, pos, text, speaker, label in Quote.objects.values_list(
                "article", "position", "text", "speaker", "speaker_label"
            )
        ),
        "bands": sorted((source[a], k) for a, k in StoryBand.objects.values_list("article", "key")),
        "clusters": sorted(sorted(c) for c in clusters.values()),
    }


def clear_archive():
    for model in (StoryBand, Quote, Mention, Alias, Article, StoryCluster, Person):
        model.objects.all().delete()


def _import(folder, settings, workers):
    settings.ARCHIVE_IMPORT_WORKERS = workers
    settings.ARCHIVE_IMPORT_POOL_MIN = 0
    return import_paths([str(folder)])


def test_the_pool_gives_the_same_archive(stories_dir, settings, monkeypatch):
    # tasks of two files: the workers lag behind the names the import learns, so some
    # stories have their people found again and others keep the workers' result
    monkeypatch.setattr(pool, "TASK_ITEMS", 2)
    without = _import(stories_dir, settings, 0)
    state = archive_state()
    assert len(state["articles"]) == 67 and state["clusters"] and state["mentions"]
    clear_archive()
    refreshed = []
    original = pipeline.refresh_people
    monkeypatch.setattr(
        pipeline, "refresh_people", lambda *a: refreshed.append(original(*a)) or refreshed[-1]
    )
    with_pool = _import(stories_dir, settings, 2)
    assert archive_state() == state
    assert [(o.source, o.status, o.reason) for o in with_pool.outcomes] == [
        (o.source, o.status, o.reason) for o in without.outcomes
    ]
    assert with_pool.summary_line() == "67 created, 0 unchanged, 2 failed"
    failed = {o.source.rsplit("/", 1)[1] for o in with_pool.failures}
    assert failed == {"v_empty.txt", "w_binary.txt"}
    # a story's people never depend on the names the archive has learnt, so the workers'
    # result always holds: no story has its people found again
    assert refreshed == []


def test_a_rerun_through_the_pool_creates_nothing(stories_dir, settings):
    _import(stories_dir, settings, 2)
    before = archive_state()
    again = _import(stories_dir, settings, 2)
    assert again.summary_line() == "0 created, 67 unchanged, 2 failed"
    assert archive_state() == before


def test_a_worker_that_dies_loses_nothing(stories_dir, settings, monkeypatch):
    expected = _import(stories_dir, settings, 0)
    state = archive_state()
    clear_archive()
    done = []

    def dying(tasks, results, *args):  # sends part of its first task, then dies
        task = tasks.get()
        entries = list(pool.read_items(task[2], task[3]))[:1]
        results.put(("part", [(source, raw, None) for source, raw in entries]))
        os._exit(1)

    monkeypatch.setattr(pool, "_work", dying)
    monkeypatch.setattr(pool, "POLL", 0.05)
    result = _import(stories_dir, settings, 2)
    done.append(result)
    assert archive_state() == state
    assert result.summary_line() == expected.summary_line()


def test_small_imports_skip_the_pool(settings):
    settings.ARCHIVE_IMPORT_WORKERS = 2
    settings.ARCHIVE_IMPORT_POOL_MIN = 400
    assert pool_workers(399) == 0
    assert pool_workers(400) == 2


def test_known_names_tell_which_lookups_changed():
    known = KnownNames.from_names(["Emmanuel Macron"])
    version = known.version
    assert not known.changed_since(version, {"emmanuel macron", "vladimir putin"}, {"macron"})
    known.add("Vladimir Putin")
    assert known.changed_since(version, {"vladimir putin"}, ())
    assert known.changed_since(version, (), {"putin"})
    assert not known.changed_since(version, {"emmanuel macron"}, {"macron"})
    known.add("Brigitte Macron")  # "macron" alone no longer names one person
    assert known.changed_since(version, (), {"macron"})
    # a copy made from the list of names is the same
    copy = KnownNames.from_names(known.names)
    assert (copy.full, copy.surnames) == (known.full, known.surnames)


def test_people_found_again_match_a_fresh_extraction():
    text = seed_text(1)
    raw = RawStory(source="a.txt", text=text)
    known = KnownNames()
    ahead = pipeline.extract(raw, known=known.recording())
    for person in pipeline.extract(raw).people:
        known.add(person.name)
    known.add("Dmitry Peskov")
    pipeline.refresh_people(ahead, known)
    fresh = pipeline.extract(raw, known=known)
    assert (ahead.people, ahead.quotes) == (fresh.people, fresh.quotes)


def test_an_article_without_a_copy_costs_two_queries(seeded, django_assert_num_queries):
    from archive import clusters
    from archive.ingest import dedupe

    body = seed_text(2).replace("Macron", "Scholz")
    sig = dedupe.signature(f"\n{body}")
    StoryBand.objects.filter(article__source__endswith="002_2bc22f07f8fd66ef.txt").delete()
    article = Article.objects.create(title="Unrelated", body=body, raw="x", content_hash="u1")
    with django_assert_num_queries(2):  # candidates by band key, then the bands
        assert clusters.file_article(article, sig) is None
    article.refresh_from_db()
    assert article.cluster_id is None
    assert article.bands.count() == 20


def test_the_pool_yields_in_input_order_and_skips_stories_already_archived(stories_dir):
    files = sorted(str(p) for p in stories_dir.iterdir())
    known = KnownNames()
    priorities = []

    def entries(workers, skip=frozenset()):
        options = {"max_bytes": 10**7, "outlet_hint": None, "known": lambda: known}
        with pool.ExtractionPool(files, workers=workers, skip=skip, **options) as extraction:
            found = list(extraction)
            priorities.extend(os.getpriority(os.PRIO_PROCESS, p.pid) for p in extraction.procs)
            return found

    here = entries(0)
    assert all(prepared is None for _, _, prepared in here)
    digests = [raw.content_hash for _, raw, _ in here if isinstance(raw, RawStory)]
    ahead = entries(2, pool.hash_prefixes(["not-a-hash", *digests[:10]]))
    assert [(s, str(r) if isinstance(r, Exception) else r) for s, r, _ in ahead] == [
        (s, str(r) if isinstance(r, Exception) else r) for s, r, _ in here
    ]
    prepared = [p for _, raw, p in ahead if isinstance(raw, RawStory)]
    assert [p is None for p in prepared] == [True] * 10 + [False] * (len(digests) - 10)
    assert all(p.holds(known) for p in prepared[10:])
    # the workers run below the importing process's priority
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert priorities == [min(19, mine + pool.WORKER_NICE)] * 2 and priorities[0] > mine
    known.add("Emmanuel Macron")
    # a story's people never depend on the archive's names: a name learnt changes nothing
    assert all(p.holds(known) for p in prepared[10:])


def test_workers_stop_when_the_importing_process_is_killed(stories_dir):
    import subprocess
    import sys
    import time
    from pathlib import Path

    files = sorted(str(p) for p in stories_dir.iterdir())
    code = f"""
import os, signal, sys
sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
from archive.ingest import pool
from archive.ingest.people import KnownNames
known = KnownNames()
extraction = pool.ExtractionPool(
    {files!r}, workers=2, max_bytes=10**7, outlet_hint=None, known=lambda: known
)
next(iter(extraction))
print(" ".join(str(proc.pid) for proc in extraction.procs), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    pids = [int(pid) for pid in run.stdout.split()]
    assert len(pids) == 2, run.stderr

    def running(pid):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    deadline = time.monotonic() + 30
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(running(pid) for pid in pids)
