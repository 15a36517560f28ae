"""Coverage benchmark: the coverage series, its CSV and the search page's chart frame, for
a common-word search (``president``), on an archive of the benchmark corpus.

    python -m tests.bench.coverage_bench --workdir /tmp/cov-bench [--n 10000] [--repeat 20]
        [--postgres postgres://…/db]

``--n`` loads that many corpus stories first when the archive has fewer (the search
benchmark's bulk loader) and rebuilds the index. ``measure(archive)`` runs in the archive's
own environment (a ``manage.py shell`` process) and returns the figures as a dict:

* ``series_ms``: ``archive.research.coverage.coverage`` (the matches per day from
  ``search.api.day_counts``, bucketed, with the archive's totals cached), p50/p95 wall time;
* ``totals_cold_ms``: the archive's totals per period computed afresh (once per change of
  the archive);
* ``csv_ms`` and ``page_ms``: ``/search/coverage.csv?q=…`` and ``/search/coverage/?q=…`` (the
  chart) through Django's test client, p50/p95 wall time;
* ``matches``, ``interval`` and ``periods`` of the series.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from tests.bench.common import Archive

QUERY = "president"
TARGET_P95_MS = 300  # at 100,000 stories

SCRIPT = r"""
import json, time
from django.core.cache import cache
from django.test import Client
from archive.research import coverage
from search import api
from tests.bench.common import summary_ms

query, repeat = {query!r}, {repeat}
if not api.ready():
    raise SystemExit("the search index is not built: run rebuild_index")
asked = api.SearchRequest(text=query)
series = coverage.coverage(asked)  # warms the searcher and the totals
cold = []
for _ in range(3):
    cache.clear()
    start = time.perf_counter()
    coverage.archive_totals()
    cold.append(time.perf_counter() - start)
runs = []
for _ in range(repeat):
    start = time.perf_counter()
    series = coverage.coverage(asked)
    runs.append(time.perf_counter() - start)
client = Client()
csv, page = [], []
for _ in range(repeat):
    start = time.perf_counter()
    response = client.get("/search/coverage.csv", {{"q": query}})
    csv.append(time.perf_counter() - start)
    assert response.status_code == 200, response.status_code
    start = time.perf_counter()
    response = client.get("/search/coverage/", {{"q": query}})  # the search page's frame
    page.append(time.perf_counter() - start)
    assert b"coverage-chart" in response.content, response.status_code
print(json.dumps({{
    "query": query,
    "matches": series.total,
    "interval": series.interval,
    "periods": len(series.periods),
    "series_ms": summary_ms(runs),
    "totals_cold_ms": summary_ms(cold),
    "csv_ms": summary_ms(csv),
    "page_ms": summary_ms(page),
}}))
"""


def measure(archive: Archive, *, query: str = QUERY, repeat: int = 20) -> dict:
    """Coverage figures for ``query`` on ``archive`` (its index built), as described above;
    ``stories``: the published stories of the archive."""
    chosen = dataclasses.replace(
        archive,
        extra_env={
            **archive.extra_env,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "ARCHIVE_PAGE_CACHE_SECONDS": "0",
        },
    )
    out = chosen.manage("shell", "-c", SCRIPT.format(query=query, repeat=repeat)).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    count = chosen.manage(
        "shell",
        "-c",
        "from archive.models import Article; print(Article.objects.published().count())",
    ).stdout
    figures["stories"] = int(count.split()[-1])
    figures["target_p95_ms"] = TARGET_P95_MS
    return figures


def load(archive: Archive, n: int) -> None:
    """``n`` corpus stories in ``archive`` (the search benchmark's loader), index rebuilt."""
    archive.var_dir.mkdir(parents=True, exist_ok=True)
    archive.manage("migrate", "--noinput", "-v0")
    archive.manage(
        "shell", "-c", f"from tests.bench.search_bench import load; load({int(n)})", timeout=3600
    )
    archive.manage("rebuild_index", "--no-progress", timeout=3600)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="coverage over time: series, CSV, page")
    parser.add_argument("--workdir", default="/tmp/cov-bench", help="the archive's var dir")
    parser.add_argument("--n", type=int, default=None, help="load this many stories first")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL database URL")
    args = parser.parse_args(argv)
    extra = {"ARCHIVE_SEARCH_BACKEND": "postgres"} if args.postgres else {}
    archive = Archive(Path(args.workdir), database_url=args.postgres, extra_env=extra)
    if args.n:
        load(archive, args.n)
    figures = measure(archive, query=args.query, repeat=args.repeat)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
