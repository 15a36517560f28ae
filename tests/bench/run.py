"""The archive's benchmark: `make bench N=10000` (default 100,000 stories).

Builds a deterministic corpus in the seeds' raw format from real news text, then measures
end to end on a scratch archive:

- import rate (stories/s) and peak memory, on SQLite and on PostgreSQL;
- `rebuild_index` rate, peak memory and index size;
- page latency (p50/p95/p99) for home, article, outlet, person and day pages, and for the
  search page over a fixed query mix, served by gunicorn as the README recommends;
- the same query mix on SQLite FTS5 over the same corpus (a peer baseline);
- a trivial view through the same server (the ceiling for a page);
- SQL queries per page; requests/s on a mix of article and browse pages, and errors;
- the page timings and requests/s again with the whole-page cache off (every request
  rendered: what a page costs the first time after the archive changes);
- what researchers take out: coverage over time of a common word, the JSON API's search
  and article, a download of a common word's matches as CSV and JSON Lines;
- the search backends side by side (``--backends whoosh,postgres``) over one archive (the
  PostgreSQL one when it was imported, else SQLite): search p50/p95/p99 on the query mix,
  index build rate, index size, memory per gunicorn worker after the search mix, and
  requests/s of the page mix. Each backend is chosen with ``ARCHIVE_SEARCH_BACKEND`` in the
  server's and ``rebuild_index``'s environment; a backend whose module is missing is
  skipped with a note.

Results are printed as a table and written to var/bench/results.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import random
import shutil
import sys
import threading
import time
from pathlib import Path

from tests.bench.common import (
    BENCH_DIR,
    ROOT,
    Archive,
    Server,
    get,
    machine_speed,
    summary_ms,
    worker_rss_mb,
    write_results,
)

PAGE_SAMPLES = 60  # requests per page type
RPS_SECONDS = 20
RPS_CLIENTS = 8
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/archive_bench"
# The package of each search backend: a backend whose package is missing is skipped.
BACKEND_PACKAGES = {"whoosh": "search.engine", "postgres": "search.pg"}


def build_corpus_dir(n: int, seed: int) -> Path:
    """Write the corpus of ``n`` stories once; later runs reuse it."""
    from tests.bench.corpus import build_corpus

    target = BENCH_DIR / f"corpus-{n}-{seed}"
    done = target / ".complete"
    if done.exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, text in build_corpus(n, seed=seed):
        sub = target / f"{count // 1000:04d}"
        sub.mkdir(exist_ok=True)
        (sub / name).write_text(text, encoding="utf-8")
        count += 1
    done.write_text(str(count))
    return target


def dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def sample_paths(archive: Archive, k: int, seed: int) -> dict:
    """Sample page URLs of each type from the scratch archive (run in a child process)."""
    proc = archive.manage(
        "shell", "-c", SAMPLE_CODE.replace("__K__", str(k)).replace("__SEED__", str(seed))
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


SAMPLE_CODE = r"""
import json, random
from archive.models import Article, Outlet, Person
rng = random.Random(__SEED__)
ids = list(Article.objects.published().values_list("id", flat=True)[:20000])
arts = [a.get_absolute_url() for a in Article.objects.filter(id__in=rng.sample(ids, min(__K__, len(ids))))]
outlets = [o.get_absolute_url() for o in Outlet.objects.all()[:__K__]]
people = [p.get_absolute_url() for p in Person.objects.order_by("-id")[:__K__]]
days = sorted({d for d in Article.objects.published().exclude(published=None).values_list("published", flat=True)[:5000]})
days = [f"/dates/{d:%Y/%m/%d}/" for d in rng.sample(days, min(__K__, len(days)))]
print(json.dumps({"article": arts, "outlet": outlets, "person": people, "day": days, "home": ["/"]}))
"""

QUERY_COUNT_CODE = r"""
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
paths = json.loads(__PATHS__)
client = Client()
out = {}
for kind, urls in paths.items():
    counts = []
    for url in urls[:5]:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, HTTP_HOST="localhost")
        counts.append(len(ctx.captured_queries))
    out[kind] = max(counts) if counts else None
print(json.dumps(out))
"""


def search_queries() -> list[str]:
    """The search benchmark's fixed query mix (common word, rare word, phrase, boolean,
    filtered, misspelt, prefix, several words) as search page URLs."""
    from urllib.parse import urlencode

    from tests.bench.search_bench import QUERIES

    return ["/search/?" + urlencode({"q": q}) for _label, q, _fts in QUERIES]


def time_pages(port: int, urls: list[str], n: int) -> tuple[list[float], int]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times, errors = [], 0
    for i in range(n):
        url = urls[i % len(urls)]
        try:
            status, seconds, _ = get(port, url, conn=conn)
        except OSError:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            errors += 1
            continue
        if status != 200:
            errors += 1
        times.append(seconds)
    conn.close()
    return times, errors


def requests_per_second(
    port: int, urls: list[str], seconds: int, clients: int
) -> tuple[float, int]:
    import http.client

    stop = time.time() + seconds
    counts = [0] * clients
    errors = [0] * clients

    def client(i):
        rng = random.Random(i)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.time() < stop:
            try:
                status, _, _ = get(port, rng.choice(urls), conn=conn)
                counts[i] += 1
                if status != 200:
                    errors[i] += 1
            except OSError:
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.time() - start), sum(errors)


FTS5_CODE = r"""
import json
from pathlib import Path
from django.conf import settings
from tests.bench.search_bench import build_fts, percentiles, time_fts
con, _ = build_fts(Path(settings.DATABASES["default"]["NAME"]))
_, times = time_fts(con, 5)
p50, p95, p99 = percentiles(times)
print(json.dumps({"p50": round(p50, 2), "p95": round(p95, 2), "p99": round(p99, 2)}))
"""


def fts5_baseline(archive: Archive) -> dict:
    """The same query mix on SQLite FTS5 over the same articles (a peer baseline)."""
    proc = archive.manage("shell", "-c", FTS5_CODE)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="stories in the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pg-n",
        type=int,
        default=None,
        help="stories imported on PostgreSQL (default: min(N, 10000))",
    )
    parser.add_argument(
        "--pg-url",
        default=None,
        help=f"the scratch PostgreSQL database (default: {DEFAULT_PG_URL}); giving it, or a "
        "PostgreSQL DATABASE_URL, adds the postgres search backend to the default --backends",
    )
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument(
        "--backends",
        default=None,
        help="search backends measured side by side, comma-separated (whoosh,postgres; "
        "default: whoosh, and postgres when a PostgreSQL URL is given)",
    )
    parser.add_argument(
        "--skip-import",
        action="store_true",
        help="measure the archive a previous run imported into var/bench/sqlite (no import figures)",
    )
    args = parser.parse_args(argv)
    pg_url, backends = resolve_backends(args, parser)

    results = {"corpus_size": args.n, "errors": 0, "machine": {"cores": os.cpu_count()}}
    results["machine"]["start"] = machine_speed()
    print(f"building corpus of {args.n:,} stories ...", flush=True)
    t0 = time.perf_counter()
    corpus = build_corpus_dir(args.n, args.seed)
    results["corpus_build_s"] = round(time.perf_counter() - t0, 1)
    results["corpus_mb"] = dir_mb(corpus)

    archive = Archive(BENCH_DIR / "sqlite")
    if args.skip_import:
        if not (archive.var_dir / "archive.sqlite3").exists():
            parser.error(f"--skip-import: no archive in {archive.var_dir}")
        archive.manage("migrate", "--noinput", "-v0")
        shutil.rmtree(archive.var_dir / "pages", ignore_errors=True)  # an earlier run's pages
        results.update(import_rate=None, import_seconds=None, import_peak_rss_mb=None)
    else:
        archive.reset()
        print("importing on SQLite ...", flush=True)
        seconds, rss, out = archive.measure(
            "import_articles", str(corpus), "--no-progress", check=False
        )
        results["import_rate"] = round(args.n / seconds, 1)
        results["import_seconds"] = round(seconds, 1)
        results["import_peak_rss_mb"] = round(rss, 1)
        results["import_summary"] = out.strip().splitlines()[0] if out.strip() else ""

    print("rebuilding the index ...", flush=True)
    seconds, rss, out = archive.measure("rebuild_index", "--no-progress")
    published = int(
        archive.manage(
            "shell",
            "-c",
            "from archive.models import Article; print(Article.objects.published().count())",
        ).stdout.split()[-1]
    )
    results["rebuild_rate"] = round(published / seconds, 1)
    results["rebuild_peak_rss_mb"] = round(rss, 1)
    results["index_mb"] = dir_mb(archive.var_dir / "index")
    results["database_mb"] = round(os.path.getsize(archive.var_dir / "archive.sqlite3") / 2**20, 1)
    results["peak_rss_mb"] = max(results["import_peak_rss_mb"] or 0, results["rebuild_peak_rss_mb"])

    paths = sample_paths(archive, 20, args.seed)
    queries = search_queries()
    proc = archive.manage(
        "shell",
        "-c",
        QUERY_COUNT_CODE.replace("__PATHS__", repr(json.dumps({**paths, "search": queries}))),
    )
    results["queries_per_page"] = json.loads(proc.stdout.strip().splitlines()[-1])

    print("timing pages through gunicorn ...", flush=True)
    with Server(archive, workers=3) as server:
        # Timed once every worker has warmed its searcher (the time it took is recorded).
        results["server_warm_seconds"] = server.warm_seconds
        page_stats = {}
        for kind in ("home", "article", "outlet", "person", "day"):
            if not paths[kind]:
                continue
            times, errors = time_pages(server.port, paths[kind], PAGE_SAMPLES)
            page_stats[kind] = summary_ms(times)
            results["errors"] += errors
        times, errors = time_pages(server.port, queries, len(queries) * 10)
        results["errors"] += errors
        search = summary_ms(times)
        page_stats["search"] = search
        times, errors = time_pages(server.port, ["/healthz/"], PAGE_SAMPLES)
        page_stats["trivial"] = summary_ms(times)
        results["errors"] += errors
        mix = paths["article"] + paths["outlet"] + paths["person"] + paths["day"] + ["/"]
        rps, errors = requests_per_second(server.port, mix, RPS_SECONDS, RPS_CLIENTS)
        results["rps"] = round(rps, 1)
        results["errors"] += errors
        rps_trivial, _ = requests_per_second(server.port, ["/healthz/"], 5, RPS_CLIENTS)
        results["rps_trivial"] = round(rps_trivial, 1)
    # The same pages with the whole-page cache off: what each view costs when it renders.
    print("timing pages with the page cache off ...", flush=True)
    uncached = dataclasses.replace(archive, extra_env={"ARCHIVE_PAGE_CACHE_SECONDS": "0"})
    with Server(uncached, workers=3) as server:
        rendered = {}
        for kind in ("home", "article", "outlet", "person", "day"):
            if paths[kind]:
                times, errors = time_pages(server.port, paths[kind], PAGE_SAMPLES)
                rendered[kind] = summary_ms(times)
                results["errors"] += errors
        rps, errors = requests_per_second(server.port, mix, RPS_SECONDS, RPS_CLIENTS)
        results["rps_uncached"] = round(rps, 1)
        results["errors"] += errors
    results["page_ms_uncached"] = rendered
    results["page_p95_ms_uncached"] = {k: v["p95"] for k, v in rendered.items()}
    results["page_ms"] = page_stats
    results["page_p95_ms"] = {k: v["p95"] for k, v in page_stats.items()}
    results["search_p50_ms"] = search["p50"]
    results["search_p95_ms"] = search["p95"]
    results["search_p99_ms"] = search["p99"]
    results["page_to_trivial_p95_ratio"] = {
        k: round(v["p95"] / max(page_stats["trivial"]["p95"], 0.01), 1)
        for k, v in page_stats.items()
    }

    try:
        fts = fts5_baseline(archive)
        results["fts5_search_p50_ms"] = fts["p50"]
        results["fts5_search_p95_ms"] = fts["p95"]
        results["search_to_fts5_p95_ratio"] = round(search["p95"] / max(fts["p95"], 0.01), 2)
    except Exception as exc:  # the baseline must not sink the run
        results["fts5_error"] = str(exc)[-500:]

    print("research: coverage, downloads, the API ...", flush=True)
    results["research"] = research_figures(archive)

    if not args.skip_pg:
        pg_n = args.pg_n or min(args.n, 10_000)
        print(f"importing {pg_n:,} stories on PostgreSQL ...", flush=True)
        pg = Archive(BENCH_DIR / "pg", database_url=pg_url)
        try:
            pg.reset()
            subset = sorted(p for p in corpus.iterdir() if p.is_dir())
            need = (pg_n + 999) // 1000
            seconds, rss, out = pg.measure(
                "import_articles", *map(str, subset[:need]), "--no-progress", check=False
            )
            results["pg_import_rate"] = round(min(pg_n, need * 1000) / seconds, 1)
            results["pg_import_peak_rss_mb"] = round(rss, 1)
        except Exception as exc:
            results["pg_error"] = str(exc)[-500:]

    # The backends side by side, over the PostgreSQL archive when there is one (the
    # postgres backend needs it; Whoosh then indexes the very same stories).
    on_pg = not args.skip_pg and "pg_error" not in results
    column_archive = pg if on_pg else archive
    results["backends_archive"] = "postgresql" if on_pg else "sqlite"
    results["backends"] = {}
    for name in backends:
        print(f"search backend {name} on {results['backends_archive']} ...", flush=True)
        results["backends"][name] = measure_backend(column_archive, name, paths, queries)

    results["machine"]["end"] = machine_speed()
    path = write_results(results)
    print_table(results)
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return 0


DOWNLOAD_QUERY = "president"  # about half of the bench corpus's stories match it


def research_figures(archive: Archive, download: bool = True) -> dict:
    """What researchers take out, on ``archive`` (its index built): coverage over time of
    a common word (``coverage_bench``), the JSON API's search and article
    (``api_bench``), and a download of a common word's matches as CSV and JSON Lines
    (``download_bench``: throughput, the worker's memory). A part that fails is an error
    in the figures, not the end of the run."""
    from tests.bench import api_bench, coverage_bench, download_bench

    figures = {}
    parts = [("coverage", coverage_bench.measure), ("api", api_bench.measure)]
    if download:
        parts.append(("download", lambda a: download_bench.measure(a, DOWNLOAD_QUERY)))
    for name, measure in parts:
        try:
            figures[name] = measure(archive)
        except Exception as exc:  # one part's failure must not sink the others' figures
            figures[name] = {"error": str(exc)[-500:]}
    return figures


def resolve_backends(args, parser) -> tuple[str, list[str]]:
    """The PostgreSQL URL of the run and the search backends to measure side by side."""
    env_url = os.environ.get("DATABASE_URL", "")
    env_pg = env_url.startswith(("postgres://", "postgresql://"))
    pg_url = args.pg_url or DEFAULT_PG_URL
    if args.backends is None:
        given_pg = (args.pg_url is not None or env_pg) and not args.skip_pg
        backends = ["whoosh", "postgres"] if given_pg else ["whoosh"]
    else:
        backends = [b.strip().lower() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in backends if b not in BACKEND_PACKAGES]
    if unknown:
        parser.error(f"--backends: unknown {', '.join(unknown)} (known: whoosh, postgres)")
    if "postgres" in backends and args.skip_pg:
        parser.error("--backends postgres needs the PostgreSQL archive: drop --skip-pg")
    return pg_url, backends


# The search backend's share of a PostgreSQL database: the search app's tables with their
# indexes (the owed-writes queue among them, empty after a rebuild) and every GIN or GiST
# index elsewhere (a tsvector column indexed on the articles' own table counts by its index;
# the archive has no other such index).
PG_SIZE_CODE = r"""
import json
from django.apps import apps
from django.db import connection
tables = sorted(m._meta.db_table for m in apps.get_app_config("search").get_models())
with connection.cursor() as cursor:
    sizes = {}
    for table in tables:
        cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [table])
        sizes[table] = cursor.fetchone()[0]
    cursor.execute(
        "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c "
        "JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_am a ON a.oid = c.relam "
        "JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE a.amname IN ('gin', 'gist') AND NOT (t.relname = ANY(%s))",
        [tables],
    )
    sizes.update(dict(cursor.fetchall()))
print(json.dumps(sizes))
"""


def index_size_mb(archive: Archive, backend: str) -> tuple[float, dict]:
    """The index's size (MB): Whoosh's directory; PostgreSQL's tables and indexes."""
    if backend == "whoosh":
        return dir_mb(archive.var_dir / "index"), {}
    proc = archive.manage("shell", "-c", PG_SIZE_CODE)
    sizes = json.loads(proc.stdout.strip().splitlines()[-1])
    return round(sum(sizes.values()) / 2**20, 1), {k: round(v / 2**20, 2) for k, v in sizes.items()}


def measure_backend(
    archive: Archive,
    backend: str,
    paths: dict,
    queries: list[str],
    rebuild: bool = True,
    download: bool = False,
) -> dict:
    """One backend's column: rebuild_index (unless not ``rebuild``: the index a previous
    run built is timed again), index size, then a server of 3 workers with this backend
    (and the page cache off) timing the search mix, its workers' memory after it, and the
    page mix."""
    package = BACKEND_PACKAGES[backend]
    if importlib.util.find_spec(package) is None:
        note = f"the {backend} search backend ({package}) is not in this checkout: skipped"
        print(f"  note: {note}", flush=True)
        return {"skipped": note}
    # The page cache off: every page of the mix is rendered (an article page asks the
    # backend for "more like this"), so the requests/s are the backend's, not the cache's.
    chosen = dataclasses.replace(
        archive,
        extra_env={
            **archive.extra_env,
            "ARCHIVE_SEARCH_BACKEND": backend,
            "ARCHIVE_PAGE_CACHE_SECONDS": "0",
        },
    )
    column = {}
    try:
        if rebuild:
            seconds, rss, _ = chosen.measure("rebuild_index", "--no-progress")
            published = int(
                chosen.manage(
                    "shell",
                    "-c",
                    "from archive.models import Article; "
                    "print(Article.objects.published().count())",
                ).stdout.split()[-1]
            )
            column["build_rate"] = round(published / seconds, 1)
            column["build_peak_rss_mb"] = round(rss, 1)
        column["index_mb"], column["index_parts_mb"] = index_size_mb(chosen, backend)
        # Whoosh's workers log when their searcher is warm; other backends have none to warm.
        warm = 180 if backend == "whoosh" else 0
        server = Server(chosen, workers=3)
        server.start(warm_timeout=warm)
        try:
            column["warm_seconds"] = server.warm_seconds
            times, errors = time_pages(server.port, queries, len(queries) * 10)
            search = summary_ms(times)
            column.update(
                search_p50_ms=search["p50"],
                search_p95_ms=search["p95"],
                search_p99_ms=search["p99"],
                search_errors=errors,
            )
            column["worker_rss_mb"] = worker_rss_mb(server.proc.pid)
            mix = paths["article"] + paths["outlet"] + paths["person"] + paths["day"] + ["/"]
            rps, errors = requests_per_second(server.port, mix, RPS_SECONDS, RPS_CLIENTS)
            column["rps"] = round(rps, 1)
            column["rps_errors"] = errors
        finally:
            server.stop()
        column["research"] = research_figures(chosen, download=download)
    except Exception as exc:  # one backend's failure must not sink the others' figures
        column["error"] = str(exc)[-500:]
        print(f"  {backend} failed: {column['error']}", flush=True)
    return column


def _p(column: dict, part: str, key: str) -> str:
    """``p50/p95`` of a research figure of ``column`` ("-" when it failed)."""
    figures = column.get("research", {}).get(part, {})
    if key not in figures:
        return "-"
    return f"{figures[key]['p50']}/{figures[key]['p95']}"


def _download(column: dict) -> str:
    """A column's download throughput ("-" when not measured)."""
    figures = column.get("research", {}).get("download", {})
    rates = [str(figures[f]["stories_per_s"]) for f in ("csv", "jsonl") if f in figures]
    return " / ".join(rates) or "-"


def print_research(r):
    """The research figures of the main archive."""
    research = r.get("research") or {}
    rows = []
    if "series_ms" in research.get("coverage", {}):
        c = research["coverage"]
        rows.append(
            (
                "coverage (common word)",
                f"{c['matches']:,} matches per {c['interval']}: series p50/p95 "
                f"{c['series_ms']['p50']}/{c['series_ms']['p95']} ms, CSV p95 {c['csv_ms']['p95']} "
                f"ms, the search page's chart frame p95 {c['page_ms']['p95']} ms",
            )
        )
    if "api_search" in research.get("api", {}):
        a = research["api"]
        rows.append(
            (
                "API p50/p95",
                f"search {a['api_search']['p50']}/{a['api_search']['p95']} ms, article "
                f"{a['api_article']['p50']}/{a['api_article']['p95']} ms",
            )
        )
    for fmt in ("csv", "jsonl"):
        d = research.get("download", {}).get(fmt)
        if d:
            rows.append(
                (
                    f"download ({fmt})",
                    f"{d['rows']:,} stories in {d['seconds']} s = {d['stories_per_s']:,}/s, "
                    f"worker RSS +{d['rss_growth_mb']} MB",
                )
            )
    for part, figures in research.items():
        if "error" in figures:
            rows.append((part, "failed: " + figures["error"].splitlines()[-1]))
    width = max((len(k) for k, _ in rows), default=0)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def print_backends(r):
    """The backends side by side: one column each."""
    columns = r.get("backends") or {}
    if not columns:
        return
    rows = [
        (
            "search p50/p95/p99 ms",
            lambda c: f"{c['search_p50_ms']}/{c['search_p95_ms']}/{c['search_p99_ms']}",
        ),
        (
            "index build, articles/s",
            lambda c: f"{c.get('build_rate', '-')} (peak {c.get('build_peak_rss_mb', '-')} MB)",
        ),
        ("index size, MB", lambda c: str(c["index_mb"])),
        ("RSS per worker, MB", lambda c: ", ".join(str(m) for m in c["worker_rss_mb"])),
        ("requests/s (page mix, cache off)", lambda c: str(c["rps"])),
        ("coverage p50/p95 ms (common word)", lambda c: _p(c, "coverage", "series_ms")),
        ("API search p50/p95 ms", lambda c: _p(c, "api", "api_search")),
        ("API article p50/p95 ms", lambda c: _p(c, "api", "api_article")),
        ("download CSV / JSONL, stories/s", _download),
        ("errors", lambda c: str(c["search_errors"] + c["rps_errors"])),
    ]
    names = list(columns)
    cells = [[f"search backends ({r.get('backends_archive')})", *names]]
    for label, cell in rows:
        line = [label]
        for name in names:
            column = columns[name]
            if "skipped" in column:
                line.append("skipped (module missing)")
            elif "error" in column:
                line.append("failed")
            else:
                line.append(cell(column))
        cells.append(line)
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    print()
    for row in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for name, column in columns.items():
        if "skipped" in column or "error" in column:
            print(f"{name}: {column.get('skipped') or column.get('error')}")


def print_table(r):
    speed = [r["machine"][when] for when in ("start", "end") if when in r["machine"]]
    rows = [
        (
            "machine speed",
            ", ".join(
                f"{s['workload_cpu_s']} s of CPU for the fixed workload, "
                f"{s['speedup_2_processes']}x on 2 processes"
                for s in speed
            )
            + " (at the start, at the end)",
        ),
        ("corpus size", f"{r['corpus_size']:,} stories ({r.get('corpus_mb')} MB)"),
        ("import (SQLite)", f"{r['import_rate']} stories/s, peak {r['import_peak_rss_mb']} MB"),
        (
            "import (PostgreSQL)",
            f"{r.get('pg_import_rate', '-')} stories/s, peak {r.get('pg_import_peak_rss_mb', '-')} MB",
        ),
        ("rebuild_index", f"{r['rebuild_rate']} articles/s, peak {r['rebuild_peak_rss_mb']} MB"),
        ("index size", f"{r['index_mb']} MB (database {r['database_mb']} MB)"),
        (
            "search p50/p95/p99",
            f"{r['search_p50_ms']} / {r['search_p95_ms']} / {r['search_p99_ms']} ms",
        ),
        (
            "FTS5 p50/p95",
            f"{r.get('fts5_search_p50_ms', '-')} / {r.get('fts5_search_p95_ms', '-')} ms (Whoosh/FTS5 p95 ratio {r.get('search_to_fts5_p95_ratio', '-')})",
        ),
    ]
    for kind, stats in r["page_ms"].items():
        rows.append(
            (
                f"page {kind}",
                f"p50 {stats['p50']} ms, p95 {stats['p95']} ms, {r['queries_per_page'].get(kind, '-')} queries"
                + (
                    f"; cache off p95 {r['page_p95_ms_uncached'][kind]} ms"
                    if kind in r.get("page_p95_ms_uncached", {})
                    else ""
                ),
            )
        )
    rows += [
        ("requests/s (mix)", f"{r['rps']} ({r['rps_trivial']} for a trivial view)"),
        ("requests/s, page cache off", str(r.get("rps_uncached", "-"))),
        ("errors", str(r["errors"])),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print_research(r)
    print_backends(r)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
