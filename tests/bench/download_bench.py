"""Download benchmark: a search's download of every story, streamed by gunicorn.

    python -m tests.bench.download_bench --n 50000 [--workdir /tmp/dl-bench]
        [--postgres postgres://postgres@127.0.0.1:5432/dl_bench] [--query WORDS]

1. Loads ``n`` stories into a scratch archive with ``search_bench``'s bulk loader (people,
   mentions and quotes included; SQLite in ``--workdir``, or the PostgreSQL database given,
   whose search backend is then PostgreSQL) and builds the search index; a second run
   reuses both.
2. Serves the archive with one gunicorn worker (two threads) and downloads ``/search/download/`` of the
   query (default: the empty search, every story) as CSV and as JSON Lines, reading the
   stream as a client does. For each: matching stories, seconds to the first byte and to
   the end, stories/s (and per second of the worker's CPU: the machine may be shared), MB
   written, and the worker's resident memory before the download
   and its peak during it (``VmRSS`` sampled every 20 ms, and ``VmHWM``): memory stays
   flat when the growth does not depend on the size of the result.

``measure(archive)`` returns the figures as a dict; the command prints them as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from tests.bench.common import PYTHON, ROOT, Archive, Server

FORMATS = ("csv", "jsonl")
SAMPLE_SECONDS = 0.02
READ_BYTES = 1 << 16

LOADER = """
import sys
from pathlib import Path
from tests.bench.search_bench import setup_django, load
setup_django(Path(sys.argv[1]), sys.argv[3] or None)
load(int(sys.argv[2]))
"""


def build(archive: Archive, n: int) -> None:
    """``n`` stories in ``archive`` (search_bench's bulk loader) and its search index."""
    done = archive.var_dir / f"built-{n}"
    if done.exists():
        return
    subprocess.run(
        [PYTHON, "-c", LOADER, str(archive.var_dir), str(n), archive.database_url or ""],
        cwd=ROOT,
        env=archive.env,
        check=True,
    )
    archive.manage("rebuild_index")
    done.write_text("loaded and indexed")


def status_kb(pid: int) -> dict[str, int]:
    """The memory lines of ``/proc/<pid>/status`` (kB)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` so far (a shared machine's load does not
    change it, unlike the wall clock)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_pid(master: int) -> int:
    """The one worker of the gunicorn ``master``."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{master}\n" in status:
                return int(entry.name)
    raise RuntimeError("no gunicorn worker found")


class Sampler(threading.Thread):
    """The largest ``VmRSS`` of ``pid`` while it runs."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self):
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, status_kb(self.pid)["VmRSS"])
            time.sleep(SAMPLE_SECONDS)


def download(port: int, path: str) -> dict:
    """GET ``path`` and read it to the end: seconds to the first byte and in all, bytes,
    lines and the response's count headers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    first = None
    size = lines = 0
    while chunk := response.read1(READ_BYTES):
        first = first or time.perf_counter() - start
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - start
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return {
        "matches": int(response.getheader("X-Archive-Matches")),
        "rows": int(response.getheader("X-Archive-Rows")),
        "first_byte_s": round(first or elapsed, 3),
        "seconds": round(elapsed, 2),
        "mb": round(size / 2**20, 1),
        "lines": lines,
    }


def measure(archive: Archive, query: str = "") -> dict:
    """Download ``query``'s matches from ``archive`` as CSV and JSON Lines through one
    gunicorn worker: throughput and the worker's memory (see the module's text)."""
    results = {"query": query, "backend": "postgres" if archive.database_url else "whoosh"}
    # a gthread worker (--threads 2): its main thread tells gunicorn it is alive while a
    # request streams, where a sync worker is killed after gunicorn's --timeout (30 s)
    with Server(archive, workers=1, threads=2) as server:
        pid = worker_pid(server.proc.pid)
        # the first download (csv_first) also loads what every later one reuses: the code,
        # the searcher's columns; the CSV and JSON Lines after it are the steady state
        for name, fmt in (("csv_first", "csv"), *((f, f) for f in FORMATS)):
            before, cpu_before = status_kb(pid), cpu_seconds(pid)
            sampler = Sampler(pid)
            sampler.start()
            path = "/search/download/?" + urlencode({"q": query, "format": fmt})
            figures = download(server.port, path)
            sampler.done.set()
            sampler.join()
            after, cpu = status_kb(pid), cpu_seconds(pid) - cpu_before
            figures.update(
                stories_per_s=round(figures["rows"] / figures["seconds"]),
                worker_cpu_s=round(cpu, 2),
                stories_per_cpu_s=round(figures["rows"] / cpu) if cpu else None,
                rss_before_mb=round(before["VmRSS"] / 1024, 1),
                rss_peak_mb=round(max(sampler.peak_kb, after["VmRSS"]) / 1024, 1),
                rss_growth_mb=round(
                    (max(sampler.peak_kb, after["VmRSS"]) - before["VmRSS"]) / 1024, 1
                ),
                hwm_growth_mb=round((after["VmHWM"] - before["VmHWM"]) / 1024, 1),
            )
            results[name] = figures
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Throughput and memory of a search download")
    parser.add_argument("--n", type=int, default=50_000, help="stories in the archive")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--postgres", metavar="DATABASE_URL", default=None)
    parser.add_argument("--query", default="", help="the search (default: every story)")
    args = parser.parse_args(argv)
    archive = Archive(Path(args.workdir or f"/tmp/dl-bench-{args.n}"), args.postgres)
    if args.postgres:
        archive.extra_env["ARCHIVE_SEARCH_BACKEND"] = "postgres"
    archive.var_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    build(archive, args.n)
    print(f"archive ready in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    print(json.dumps({"n": args.n, **measure(archive, args.query)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
