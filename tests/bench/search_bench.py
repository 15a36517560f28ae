"""Search benchmark: Whoosh (the full search page) against SQLite FTS5 on the same corpus.

    python -m tests.bench.search_bench --n 10000 [--repeat 5] [--workdir /tmp/search-bench]
    python -m tests.bench.search_bench --n 10000 --postgres postgres://…/db   (the PostgreSQL
        backend: its rebuild and the same query mix, wall-clock p50/p95 of the page)

1. Loads ``n`` stories from ``tests/bench/corpus.py`` into a scratch SQLite database.
   For speed the loader bulk-creates Article rows directly instead of running the full
   extraction: the people are the capitalised two-word names most repeated in each story
   (with the surname as alias) and the quotes the “…” passages, so facets and the quotes
   tab have realistic data, but extraction quality is not what is measured here.
2. Times ``rebuild_index`` (articles/s, index size).
3. Times the full search view (Django test client: 20 hits with snippets, total, all
   facets, suggestion) over a fixed query mix, each query ``repeat`` times with the
   per-query facet cache and the per-term caches cleared (cold), ``repeat`` times with
   the facet cache only cleared (the query's terms kept from before), and once more
   with everything warm; CPU p50/p95/p99 (the machine may be shared).
4. Runs the same mix on an FTS5 table over the same text (rank, snippet(), count and
   counts by outlet and month as the facet equivalent) and prints the ratio.
5. Measures the Whoosh cliffs the search page avoids: grouped facets on a multi-valued
   field and highlighting every hit of a large result set.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sqlite3
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

QUERIES = [
    ("common word", "president", "president"),
    ("rare word", "hydroponic", "hydroponic"),
    ("phrase", '"health care"', '"health care"'),
    ("boolean", "trade OR tariffs -china", "(trade OR tariffs) NOT china"),
    ("filtered", 'election outlet:"CNN (Web News)" from:2016-01-01', "election"),
    ("misspelt", "presidnet obmaa", "presidnet obmaa"),
    ("prefix", "immigra* border", "immigra* border"),
    ("two words", "supreme court nominee", "supreme court nominee"),
]
NAME_RE = re.compile(r"\b([A-Z][a-z]{2,}) ([A-Z][a-z]{2,})\b")
QUOTE_RE = re.compile(r"[“\"]([^”\"]{30,300})[”\"]")
NOT_NAMES = {
    "The",
    "This",
    "That",
    "But",
    "And",
    "New",
    "White",
    "United",
    "Supreme",
    "House",
    "Senate",
    "North",
    "South",
    "East",
    "West",
    "Democratic",
    "Republican",
    "National",
}


def setup_django(workdir: Path, database_url: str | None = None):
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["ARCHIVE_VAR_DIR"] = str(workdir)
    os.environ.pop("DATABASE_URL", None)
    if database_url:  # the PostgreSQL search backend, in that database
        os.environ["DATABASE_URL"] = database_url
        os.environ["ARCHIVE_SEARCH_BACKEND"] = "postgres"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client then records each response's context

    call_command("migrate", verbosity=0)


def people_of(text: str):
    counts = Counter(
        f"{a} {b}" for a, b in NAME_RE.findall(text) if a not in NOT_NAMES and b not in NOT_NAMES
    )
    return [name for name, n in counts.most_common(4) if n >= 2]


def load(n: int):
    """Bulk-create ``n`` corpus stories with outlets, people, mentions and quotes."""
    from django.db import transaction

    from archive.models import Alias, Article, Mention, Outlet, Person, Quote
    from tests.bench.corpus import build_records

    if Article.objects.count() >= n:
        return
    started = time.perf_counter()
    outlets, persons = {}, {}
    batch = []

    def flush():
        with transaction.atomic():
            Article.objects.bulk_create([a for a, _p, _q in batch])
            mentions, quotes = [], []
            for article, names, texts in batch:
                for name in names:
                    if name not in persons:
                        p = Person.objects.create(name=name)
                        Alias.objects.create(person=p, name=name, key=name.lower())
                        Alias.objects.create(
                            person=p, name=name.split()[-1], key=name.split()[-1].lower()
                        )
                        persons[name] = p
                    mentions.append(Mention(article=article, person=persons[name], count=2))
                for position, text in enumerate(texts):
                    speaker = persons[names[0]] if names and position == 0 else None
                    quotes.append(
                        Quote(article=article, speaker=speaker, text=text, position=position)
                    )
            Mention.objects.bulk_create(mentions)
            Quote.objects.bulk_create(quotes)
        batch.clear()

    for story in build_records(n):
        if story.outlet and story.outlet not in outlets:
            outlets[story.outlet] = Outlet.objects.create(name=story.outlet)
        body = story.body
        digest = hashlib.sha256(f"{story.name}|{story.title}|{body}".encode()).hexdigest()
        article = Article(
            title=story.title[:500],
            standfirst=story.standfirst,
            body=body,
            outlet=outlets.get(story.outlet),
            published=story.published,
            raw=story.title,
            content_hash=digest,
            status="published",
            word_count=len(body.split()),
            slug=re.sub(r"[^a-z0-9]+", "-", story.title.lower())[:80].strip("-") or "story",
        )
        batch.append((article, people_of(body), QUOTE_RE.findall(body)[:3]))
        if len(batch) >= 1000:
            flush()
    flush()
    print(f"loaded {n} articles in {time.perf_counter() - started:.0f}s", flush=True)


def percentiles(values):
    values = sorted(values)

    def pct(p):
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

    return pct(50), pct(95), pct(99)


def forget_terms(entry):
    """Drop what the searcher keeps per term (scores, phrase matches, suggestion words),
    as after an index change: the query then reads its posting lists from the index."""
    entry.scores.clear()
    entry.scores_size = 0
    entry.phrases.clear()
    entry.phrases_size = 0
    entry.spelling.clear()
    entry.frequencies.clear()


def time_whoosh(repeat: int):
    """Page times in ms (wall and CPU) per query: ``cold`` with the facet cache and the
    per-term caches cleared, ``terms`` with only the facet cache cleared (the terms of the
    query searched before), and page 2 with everything warm."""
    from django.test import Client

    from search.engine import searchers

    client = Client()
    # Open the searcher and load its columns once, as a running site has: otherwise the
    # first timed request pays for it.
    client.get("/search/", {"q": "warm up"})
    per_query, cold, terms, warm = {}, [], [], []
    for label, q, _fts in QUERIES:
        times, cpu, terms_cpu = [], [], []
        for n in range(2 * repeat):
            entry = searchers.get_entry()
            entry.facet_cache.clear()
            if n < repeat:
                forget_terms(entry)
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/search/", {"q": q})
            wall, spent = time.perf_counter() - started, time.process_time() - started_cpu
            assert response.status_code == 200, response.status_code
            if n < repeat:
                times.append(wall * 1000)
                cpu.append(spent * 1000)
            else:
                terms_cpu.append(spent * 1000)
        started = time.process_time()
        response = client.get("/search/", {"q": q, "page": 2})
        warm.append((time.process_time() - started) * 1000)
        result = response.context["result"]
        per_query[label] = (
            statistics.median(times),
            statistics.median(cpu),
            statistics.median(terms_cpu),
            result.total,
            len(result.hits),
        )
        cold.extend(cpu)
        terms.extend(terms_cpu)
    return per_query, cold, terms, warm


def build_fts(db_path: Path):
    from django.db import connection

    con = sqlite3.connect(db_path)
    started = time.perf_counter()
    con.executescript(
        """
        DROP TABLE IF EXISTS fts;
        CREATE VIRTUAL TABLE fts USING fts5(
            title, standfirst, body, outlet UNINDEXED, month UNINDEXED,
            tokenize = 'porter unicode61 remove_diacritics 2');
        INSERT INTO fts(rowid, title, standfirst, body, outlet, month)
            SELECT a.id, a.title, a.standfirst, a.body, coalesce(o.name, ''),
                   coalesce(strftime('%Y-%m', a.published), '')
            FROM archive_article a LEFT JOIN archive_outlet o ON o.id = a.outlet_id
            WHERE a.status = 'published';
        """
    )
    con.commit()
    connection.close()
    return con, time.perf_counter() - started


def time_fts(con, repeat: int):
    per_query, all_times = {}, []
    for label, _q, fts in QUERIES:
        times, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            rows = con.execute(
                "SELECT rowid, title, snippet(fts, 2, '<mark>', '</mark>', '…', 24) FROM fts "
                "WHERE fts MATCH ? ORDER BY rank LIMIT 20",
                (fts,),
            ).fetchall()
            (total,) = con.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (fts,)).fetchone()
            con.execute(
                "SELECT outlet, count(*) FROM fts WHERE fts MATCH ? GROUP BY outlet "
                "ORDER BY 2 DESC LIMIT 10",
                (fts,),
            ).fetchall()
            con.execute(
                "SELECT month, count(*) FROM fts WHERE fts MATCH ? GROUP BY month "
                "ORDER BY 1 DESC LIMIT 12",
                (fts,),
            ).fetchall()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        per_query[label] = (statistics.median(times), statistics.median(cpu), total, len(rows))
        all_times.extend(cpu)
    return per_query, all_times


def cliffs():
    """What the page avoids: grouped facets on a multi-valued field, highlighting all hits."""
    from whoosh import highlight, sorting
    from whoosh.query import And, Term

    from search.engine import schema, searchers
    from search.engine.highlight import MarkFormatter

    entry = searchers.get_entry()
    searcher = entry.searcher
    q = And([Term("kind", "article"), Term("body", "presid")])
    out = {}
    started = time.perf_counter()
    searcher.search(q, limit=20, groupedby=sorting.FieldFacet("person", allow_overlap=True))
    out["grouped person facet (overlap, no column)"] = time.perf_counter() - started
    started = time.perf_counter()
    docs = list(searcher.docs_for_query(q))
    counts = Counter()
    col = entry.column("person_col")
    for d in docs:
        counts.update(col[d])
    out["person facet from cached column"] = time.perf_counter() - started
    from archive.models import Article

    ids = [f["article_id"] for f in (searcher.stored_fields(d) for d in docs[:2000])]
    bodies = Article.objects.filter(id__in=ids).values_list("body", flat=True)
    started = time.perf_counter()
    for body in bodies:
        highlight.highlight(
            body,
            {"presid"},
            schema.TEXT_ANALYZER,
            highlight.ContextFragmenter(),
            MarkFormatter(),
        )
    out[f"highlight {len(ids)} whole bodies (vs. 20 windows)"] = time.perf_counter() - started
    return out, len(docs)


def time_postgres(repeat: int):
    """Page times in ms (wall clock: the work is the database server's) per query, each
    query ``repeat`` times, page 1 then page 2; the first run of each query apart (the
    first search of its words: their index pages and rows perhaps not in memory)."""
    from django.test import Client

    client = Client()
    client.get("/search/", {"q": "warm up"})
    per_query, walls, firsts = {}, [], []
    for label, q, _fts in QUERIES:
        times = []
        for _n in range(repeat):
            started = time.perf_counter()
            response = client.get("/search/", {"q": q})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        result = response.context["result"]
        started = time.perf_counter()
        client.get("/search/", {"q": q, "page": 2})
        page2 = (time.perf_counter() - started) * 1000
        total = f"{result.total}+" if result.counted else str(result.total)
        per_query[label] = (times[0], statistics.median(times), page2, total, len(result.hits))
        walls.extend(times)
        firsts.append(times[0])
    return per_query, walls, firsts


def postgres_main(args) -> int:
    """The PostgreSQL backend at ``args.n`` stories: rebuild, then the query mix."""
    from search import api

    if not args.skip_rebuild:
        report = api.rebuild(progress=False)
        print(
            f"rebuild (PostgreSQL): {report.articles} articles in {report.seconds:.1f}s = "
            f"{report.rate:.0f} articles/s, tables {report.size_bytes / 1e6:.0f} MB",
            flush=True,
        )
        if args.rebuild_only:
            return 0
    per_query, walls, firsts = time_postgres(args.repeat)
    print(f"\n{'query':<14}{'first ms':>10}{'page ms':>9}{'page 2 ms':>11}{'total':>8}{'hits':>6}")
    for label, _q, _f in QUERIES:
        first, page1, page2, total, hits = per_query[label]
        print(f"{label:<14}{first:>10.1f}{page1:>9.1f}{page2:>11.1f}{total:>8}{hits:>6}")
    p50, p95, p99 = percentiles(walls)
    print(
        f"\nPostgreSQL full page, wall clock: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms"
    )
    p50, p95, _p99 = percentiles(firsts)
    print(f"first run of each query: p50 {p50:.1f} ms, max {max(firsts):.1f} ms")
    print("(a total with + is a lower bound: more matches than the backend counts)")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Whoosh search page vs SQLite FTS5")
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--procs", type=int, default=None, help="rebuild_index --procs")
    parser.add_argument(
        "--rebuild-only", action="store_true", help="time rebuild_index only, no searches"
    )
    parser.add_argument(
        "--load-only", action="store_true", help="load the stories and stop (no index, no timing)"
    )
    parser.add_argument(
        "--postgres",
        metavar="DATABASE_URL",
        default=None,
        help="time the PostgreSQL search backend in this database instead",
    )
    args = parser.parse_args(argv)
    workdir = Path(args.workdir or f"/tmp/search-bench-{args.n}")
    setup_django(workdir, args.postgres)
    load(args.n)
    if args.load_only:
        return 0
    if args.postgres:
        return postgres_main(args)

    from search.engine import index

    if not args.skip_rebuild or index.live_dir() is None:
        import resource

        def cpu(who):
            usage = resource.getrusage(who)
            return usage.ru_utime + usage.ru_stime

        self_before = cpu(resource.RUSAGE_SELF)
        children_before = cpu(resource.RUSAGE_CHILDREN)
        report = index.rebuild(procs=args.procs)
        cpu_self = cpu(resource.RUSAGE_SELF) - self_before
        cpu_children = cpu(resource.RUSAGE_CHILDREN) - children_before
        cpu_total = cpu_self + cpu_children
        print(
            f"rebuild_index: {report.articles} articles in {report.seconds:.1f}s = "
            f"{report.rate:.0f} articles/s, index {report.size_bytes / 1e6:.0f} MB; "
            f"{cpu_total:.1f} CPU-s ({cpu_self:.1f} + children {cpu_children:.1f}; "
            f"{report.articles / cpu_total:.0f} articles per CPU-s), "
            f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
            f"largest child {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB",
            flush=True,
        )
        if args.rebuild_only:
            return 0
    whoosh_q, cold, terms, warm = time_whoosh(args.repeat)
    con, fts_build = build_fts(workdir / "archive.sqlite3")
    fts_q, fts_times = time_fts(con, args.repeat)
    print(f"\nFTS5 table built in {fts_build:.1f}s")
    print(
        f"\n{'query':<14}{'page ms':>9}{'cpu ms':>8}{'terms kept':>12}{'hits':>8}"
        f"{'fts5 ms':>10}{'cpu ms':>8}{'hits':>8}"
    )
    for label, _q, _f in QUERIES:
        w, f = whoosh_q[label], fts_q[label]
        print(
            f"{label:<14}{w[0]:>9.1f}{w[1]:>8.1f}{w[2]:>12.1f}{w[3]:>8}"
            f"{f[0]:>10.1f}{f[1]:>8.1f}{f[2]:>8}"
        )
    wp, tp = percentiles(cold), percentiles(terms)
    fp = percentiles(fts_times)
    print(
        f"\nWhoosh full page, CPU (facet and term caches cleared): p50 {wp[0]:.1f} ms, "
        f"p95 {wp[1]:.1f} ms, p99 {wp[2]:.1f} ms"
    )
    print(
        f"Whoosh full page, CPU (facet cache cleared, terms kept): p50 {tp[0]:.1f} ms, "
        f"p95 {tp[1]:.1f} ms, p99 {tp[2]:.1f} ms"
    )
    print(f"Whoosh page 2, CPU (all warm):  p50 {statistics.median(warm):.1f} ms")
    print(
        f"FTS5 CPU (20 snippets + count + 2 facets): p50 {fp[0]:.1f} ms, p95 {fp[1]:.1f} ms, "
        f"p99 {fp[2]:.1f} ms"
    )
    print(f"Ratio Whoosh/FTS5 (CPU, cold): p50 {wp[0] / fp[0]:.1f}x, p95 {wp[1] / fp[1]:.1f}x")
    print(
        f"Ratio Whoosh/FTS5 (CPU, terms kept): p50 {tp[0] / fp[0]:.1f}x, p95 {tp[1] / fp[1]:.1f}x"
    )
    found, matched = cliffs()
    print(f"\nWhoosh cliffs on 'president' ({matched} hits):")
    for label, seconds in found.items():
        print(f"  {label}: {seconds * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
