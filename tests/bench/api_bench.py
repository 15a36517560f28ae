"""API benchmark: wall-clock p50/p95/p99 of /api/search/ and /api/articles/<id>/ (and a
page of /api/articles/ deep in the list), in process through Django's test client, so
the figures are the API's own work without the network.

    python -m tests.bench.search_bench --n 10000 --workdir /tmp/api-bench --rebuild-only
    python -m tests.bench.api_bench --workdir /tmp/api-bench [--repeat 3] [--postgres URL]

(``--n N`` here runs the first command when the work dir holds no archive yet.) The
search mix is the search benchmark's (``search_bench.QUERIES``), each query asked
``repeat`` times after one warm-up; the stories are ``--stories`` random published ids,
each asked once (no two alike: the database's caches aside, nothing is reused). Target:
p95 at most 100 ms at 100,000 stories.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from tests.bench.common import PYTHON, ROOT, Archive

CODE = r"""
import json, random, time
from urllib.parse import urlencode
from django.test import Client
from archive.models import Article
from tests.bench.common import summary_ms
from tests.bench.search_bench import QUERIES

repeat, stories, seed = __REPEAT__, __STORIES__, __SEED__
client = Client(HTTP_HOST="localhost")

def timed(url):
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return elapsed

search = []
for _label, query, _fts in QUERIES:
    url = "/api/search/?" + urlencode({"q": query})
    timed(url)  # warm-up: the searcher and the query's terms
    search += [timed(url) for _ in range(repeat)]
ids = list(Article.objects.published().values_list("id", flat=True))
rng = random.Random(seed)
detail = [timed(f"/api/articles/{pk}/") for pk in rng.sample(ids, min(stories, len(ids)))]
# A page deep in the list: follow next links 50 pages of 100 in, then time the next pages.
url, deep = "/api/articles/?limit=100", []
for i in range(60):
    start = time.perf_counter()
    body = client.get(url).json()
    if i >= 50:
        deep.append(time.perf_counter() - start)
    url = body["next"]
    if not url:
        break
print(json.dumps({
    "stories": len(ids),
    "api_search": summary_ms(search),
    "api_article": summary_ms(detail),
    "api_articles_deep_page": summary_ms(deep),
}))
"""


def measure(archive: Archive, *, repeat: int = 3, stories: int = 200, seed: int = 1) -> dict:
    """The API's timings in ``archive`` (a built archive with its search index)."""
    # its own environment: the caller's archive (and its other measures) keep theirs
    archive = dataclasses.replace(
        archive,
        extra_env={
            "ARCHIVE_API_ANON_RATE": "1000000/min",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            **archive.extra_env,
        },
    )
    code = (
        CODE.replace("__REPEAT__", str(repeat))
        .replace("__STORIES__", str(stories))
        .replace("__SEED__", str(seed))
    )
    proc = archive.manage("shell", "-c", code)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="API p50/p95 of search and story pages")
    parser.add_argument("--workdir", default="/tmp/api-bench")
    parser.add_argument("--n", type=int, default=None, help="build an archive of N stories first")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--postgres", metavar="DATABASE_URL", default=None)
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    if args.n and not args.postgres and not (workdir / "archive.sqlite3").exists():
        command = [PYTHON, "-m", "tests.bench.search_bench", "--n", str(args.n)]
        command += ["--workdir", str(workdir), "--rebuild-only"]
        subprocess.run(command, cwd=ROOT, check=True)
    extra = {"ARCHIVE_SEARCH_BACKEND": "postgres"} if args.postgres else {}
    archive = Archive(var_dir=workdir, database_url=args.postgres, extra_env=extra)
    print(json.dumps(measure(archive, repeat=args.repeat, stories=args.stories), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
