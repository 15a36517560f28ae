"""The search backends side by side at any size, on one bulk-loaded PostgreSQL archive.

    python -m tests.bench.backends --n 300000 [--pg-url postgres://…/backends_bench]
        [--backends whoosh,postgres] [--skip-load]

``make bench --backends whoosh,postgres`` compares the backends over an archive made by the
real import, which at 300,000 stories takes hours; this loads the bench corpus with
``search_bench``'s bulk loader instead (articles, outlets, people, mentions and quotes
bulk-created, no extraction: about 1,500 stories/s), then measures each backend as
``make bench`` does (``run.measure_backend``): ``rebuild_index`` rate and peak memory,
the index's size, the search mix through gunicorn (3 workers, page cache off, 10 visits
of each query), each worker's memory after it, and the page mix's requests/s. Run it at
two sizes to see how each backend grows. Results go to var/bench/backends-<n>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from tests.bench.common import BENCH_DIR, PYTHON, ROOT, Archive, machine_speed
from tests.bench.run import (
    BACKEND_PACKAGES,
    measure_backend,
    print_backends,
    sample_paths,
    search_queries,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/backends_bench"


def published(archive: Archive) -> int:
    code = "from archive.models import Article; print(Article.objects.published().count())"
    return int(archive.manage("shell", "-c", code).stdout.split()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="stories loaded")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=DEFAULT_URL, help="the scratch database")
    parser.add_argument("--backends", default="whoosh,postgres")
    parser.add_argument(
        "--skip-load", action="store_true", help="measure the archive a previous run loaded"
    )
    parser.add_argument("--load-only", action="store_true", help="load the archive and stop")
    parser.add_argument(
        "--download", action="store_true", help="also time a download of a common word's matches"
    )
    parser.add_argument(
        "--skip-rebuild",
        action="store_true",
        help="time the indexes a previous run built again (no build figures)",
    )
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in backends if b not in BACKEND_PACKAGES]
    if unknown:
        parser.error(f"--backends: unknown {', '.join(unknown)} (known: whoosh, postgres)")
    archive = Archive(BENCH_DIR / f"backends-{args.n}", database_url=args.pg_url)
    results = {"corpus_size": args.n, "machine": {"start": machine_speed()}}
    if not args.skip_load:
        archive.reset()
        print(f"loading {args.n:,} stories in bulk ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [PYTHON, "-m", "tests.bench.search_bench", "--n", str(args.n), "--load-only"]
            + ["--workdir", str(archive.var_dir), "--postgres", args.pg_url],
            cwd=ROOT,
            env={**archive.env, "PYTHONPATH": str(ROOT)},
            check=True,
        )
        results["load_seconds"] = round(time.perf_counter() - started, 1)
        if args.load_only:
            print(f"loaded in {results['load_seconds']} s", flush=True)
            return 0
    results["published"] = published(archive)
    paths = sample_paths(archive, 20, args.seed)
    queries = search_queries()
    results["backends_archive"] = f"postgresql, {results['published']:,} stories bulk-loaded"
    results["backends"] = {}
    for name in backends:
        print(f"search backend {name} ...", flush=True)
        results["backends"][name] = measure_backend(
            archive, name, paths, queries, rebuild=not args.skip_rebuild, download=args.download
        )
    results["machine"]["end"] = machine_speed()
    out = BENCH_DIR / f"backends-{args.n}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print_backends(results)
    speed = results["machine"]
    print(
        "machine: "
        + ", ".join(
            f"{s['workload_cpu_s']} s CPU, {s['speedup_2_processes']}x on 2 processes"
            for s in (speed["start"], speed["end"])
        )
        + " (start, end)"
    )
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
