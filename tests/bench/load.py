"""Load and fault tests on loopback: `python -m tests.bench.load` (bounded in time).

1. 50 concurrent clients for 60 s on a page and search mix while an import of 5,000 stories
   runs beside the site: no 5xx, no request over 2 s, and afterwards `check_index` finds
   nothing missing.
2. An import killed half way (SIGKILL) and run again: the batch completes with no duplicate
   and no lost story; the index is consistent after `check_index --repair`.
3. The server restarted during load: clients see at most connection errors, never a wrong page.
4. Search attacked: 20 clients sending the costliest prefix and OR queries for 60 s while 10
   others browse and one checks `/healthz/`, from the moment gunicorn answers (its workers
   still warming): no 5xx, no request over 2 s, `/healthz/` p99 under 100 ms. On the archive
   as the first three leave it, or alone with `--attack-only` on `--attack-stories` stories
   (10,000; the archive is kept in var/bench/attack-N for the next run).

Prints a report and writes var/bench/load.json; exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter

from tests.bench.common import (
    BENCH_DIR,
    PYTHON,
    ROOT,
    Archive,
    Server,
    summary_ms,
    write_results,
)
from tests.bench.run import build_corpus_dir

TITLES_CODE = r"""
import json, random
from archive.models import Article, Outlet, Person
rng = random.Random(7)
arts = list(Article.objects.published().values_list("id", "slug", "title")[:5000])
arts = rng.sample(arts, min(200, len(arts)))
pages = [(f"/articles/{i}/{s}/", t) for i, s, t in arts]
pages += [(o.get_absolute_url(), o.name) for o in Outlet.objects.all()[:30]]
pages += [(p.get_absolute_url(), p.name) for p in Person.objects.order_by("-id")[:50]]
print(json.dumps(pages))
"""

THREADS = 4  # per gunicorn worker

SEARCHES = ["president", "%22health+care%22", "tax+OR+budget", "economy+-trump", "immigratoin"]

# The attack: the costliest queries known (prefixes of two letters, the issue's; of three,
# alone and OR-ed), and OR-s of five common three-letter prefixes drawn at random, so that
# most miss the searchers' caches.
ATTACKS = [
    "re*+OR+co*+OR+de*+OR+pr*+OR+in*",
    "ma*",
    "st*",
    "con*",
    "pro*",
    "sta*",
    "pro*+OR+pre*+OR+com*+OR+int*+OR+sta*",
    "con*+OR+res*+OR+dis*+OR+tra*+OR+par*",
    "pre*+pro*+com*",
]
ATTACK_PREFIXES = [
    "con",
    "pro",
    "pre",
    "com",
    "int",
    "sta",
    "res",
    "dis",
    "tra",
    "par",
    "rep",
    "per",
    "man",
    "mar",
    "min",
    "car",
    "cha",
    "gov",
    "pol",
    "sec",
    "ser",
    "sup",
    "gre",
    "inc",
    "inv",
    "off",
    "pla",
    "pri",
    "rec",
    "ret",
    "for",
    "str",
    "sha",
    "cou",
    "dec",
    "ele",
    "fin",
    "hea",
    "lea",
    "mon",
]
# What the search page says of a query it bounded (counted in the attack's answers).
WATCH = {
    "narrowed": "most common. Type more letters",
    "too_short": "needs at least 3 letters",
    "cut": "stopped at its time limit",
    "busy": "Search is busy",
}
HEALTHZ_P99_MS = 100


def attack_path(rng):
    """A search URL of the attack, and no text to expect."""
    if rng.random() < 0.5:
        return f"/search/?q={rng.choice(ATTACKS)}", None
    return "/search/?q=" + "+OR+".join(f"{p}*" for p in rng.sample(ATTACK_PREFIXES, 5)), None


class Clients:
    """N client threads looping over a URL mix until told to stop; every response checked."""

    def __init__(self, port, pages, n, seed=1, pick=None, watch=None):
        self.port = port
        self.pages = pages  # (path, text the page must contain)
        self.n = n
        self.seed = seed
        self.pick = pick  # rng -> (path, text to expect or None); default: the page mix
        self.watch = watch or {}  # name -> text counted in the answers (``found``)
        self.found = Counter()
        self.stop_at = None
        self.lock = threading.Lock()
        self.stats = {
            "requests": 0,
            "ok": 0,
            "status_5xx": 0,
            "other_status": 0,
            "wrong_page": 0,
            "connection_errors": 0,
            "over_2s": 0,
            "max_s": 0.0,
        }
        self.examples = []
        self.seconds = []  # of every answered request, to report percentiles
        self.slow = []  # (seconds, path, seconds since the start) of those over 1 s

    def _record(self, key, seconds=None, example=None, path=None):
        with self.lock:
            self.stats[key] += 1
            self.stats["requests"] += 1
            if seconds is not None:
                self.seconds.append(seconds)
                if seconds > 1 and path is not None:
                    started = round(time.time() - seconds - self.started_at, 1)
                    self.slow.append((round(seconds, 2), path, started))
                self.stats["max_s"] = max(self.stats["max_s"], seconds)
                if seconds > 2:
                    self.stats["over_2s"] += 1
            if example and len(self.examples) < 10:
                self.examples.append(example)

    def _run(self, i):
        rng = random.Random(self.seed * 1000 + i)
        conn = None
        while time.time() < self.stop_at:
            if self.pick is not None:
                path, expect = self.pick(rng)
            elif rng.random() < 0.25:
                path, expect = f"/search/?q={rng.choice(SEARCHES)}", None
            else:
                path, expect = rng.choice(self.pages)
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                start = time.perf_counter()
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read().decode("utf-8", "replace")
                seconds = time.perf_counter() - start
            except (OSError, http.client.HTTPException) as exc:
                if conn is not None:
                    conn.close()
                conn = None
                self._record("connection_errors", example=f"{path}: {type(exc).__name__}")
                time.sleep(0.05)
                continue
            for name, text in self.watch.items():
                if text in body:
                    with self.lock:
                        self.found[name] += 1
            if response.status >= 500:
                self._record("status_5xx", seconds, f"{path}: {response.status}", path)
            elif response.status != 200:
                self._record("other_status", seconds, f"{path}: {response.status}", path)
            elif expect is not None and html.escape(expect, quote=False) not in body.replace(
                "&#x27;", "'"
            ).replace("&quot;", '"'):
                self._record("wrong_page", seconds, f"{path}: missing {expect[:40]!r}", path)
            else:
                self._record("ok", seconds, path=path)
        if conn is not None:
            conn.close()

    def run_for(self, seconds):
        self.started_at = time.time()
        self.stop_at = self.started_at + seconds
        threads = [
            threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(self.n)
        ]
        for t in threads:
            t.start()
        return threads


def article_count(archive):
    with sqlite3.connect(archive.var_dir / "archive.sqlite3", timeout=30) as db:
        total = db.execute("select count(*) from archive_article").fetchone()[0]
        distinct = db.execute(
            "select count(distinct content_hash) from archive_article"
        ).fetchone()[0]
    return total, distinct


def check_index(archive, repair=False):
    args = ["check_index"] + (["--repair"] if repair else [])
    proc = archive.manage(*args, check=False)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description="load and fault tests on loopback")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--base", type=int, default=3000, help="stories in the archive before the load"
    )
    parser.add_argument(
        "--import-n", type=int, default=5000, help="stories imported during the load"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=THREADS,
        help="threads per gunicorn worker (1: the sync worker, as make run serves)",
    )
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=None,
        help="gunicorn's --keep-alive in seconds (0: a connection per request)",
    )
    parser.add_argument(
        "--load-only", action="store_true", help="run the load check only (no kill, no restart)"
    )
    parser.add_argument("--attackers", type=int, default=20, help="clients of the search attack")
    parser.add_argument(
        "--browsers", type=int, default=10, help="clients browsing during the attack"
    )
    parser.add_argument(
        "--attack-only",
        action="store_true",
        help="run the search attack only, on an archive of --attack-stories stories",
    )
    parser.add_argument("--attack-stories", type=int, default=10_000)
    args = parser.parse_args(argv)
    report = {"checks": {}, "threads": args.threads, "keep_alive": args.keep_alive}
    failed = []
    if args.attack_only:
        archive, pages = attack_archive(args.attack_stories)
        search_attack(archive, pages, args, report, failed)
        return finish(report, failed)

    per_dir = 1000
    total = args.base + 2 * args.import_n
    corpus = build_corpus_dir(((total + per_dir - 1) // per_dir) * per_dir, seed=1)
    dirs = sorted(p for p in corpus.iterdir() if p.is_dir())
    base_dirs = dirs[: args.base // per_dir]
    load_dirs = dirs[len(base_dirs) : len(base_dirs) + args.import_n // per_dir]
    kill_dirs = dirs[len(base_dirs) + len(load_dirs) : len(base_dirs) + 2 * len(load_dirs)]

    archive = Archive(BENCH_DIR / "load")
    archive.reset()
    print(f"importing {args.base:,} stories to start from ...", flush=True)
    archive.manage("import_articles", *map(str, base_dirs), "--no-progress", check=False)
    archive.manage("rebuild_index", "--no-progress")
    pages = json.loads(archive.manage("shell", "-c", TITLES_CODE).stdout.strip().splitlines()[-1])

    # 1. Load while an import runs.
    print(
        f"{args.clients} clients for {args.seconds} s while {args.import_n:,} stories import ...",
        flush=True,
    )
    with Server(archive, workers=3, threads=args.threads, keepalive=args.keep_alive) as server:
        clients = Clients(server.port, pages, args.clients)
        threads = clients.run_for(args.seconds)
        # As the README recommends for a large import beside a live site: at a lower CPU
        # priority, so readers' requests are served first (the import still uses any idle
        # CPU).
        importer = subprocess.Popen(
            [
                "nice",
                "-n",
                "15",
                PYTHON,
                "manage.py",
                "import_articles",
                *map(str, load_dirs),
                "--no-progress",
            ],
            cwd=ROOT,
            env=archive.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for t in threads:
            t.join()
        import_err = importer.communicate(timeout=1800)[1]
    code, out = check_index(archive)
    load = {
        **clients.stats,
        "examples": clients.examples,
        "import_exit": importer.returncode,
        "check_index_exit": code,
        "check_index": out[-800:],
        "import_stderr": import_err[-500:],
    }
    load["rps"] = round(clients.stats["requests"] / args.seconds, 1)
    load["latency_ms"] = summary_ms(clients.seconds)
    # the slowest requests: what they asked for, and when (seconds into the load)
    load["slowest"] = sorted(clients.slow, reverse=True)[:15]
    load["over_1s_by_5s"] = dict(
        sorted(Counter(int(t // 5 * 5) for _s, _p, t in clients.slow).items())
    )
    load["over_1s_by_kind"] = dict(
        Counter(
            "search" if path.startswith("/search/") else "page" for _s, path, _t in clients.slow
        )
    )
    report["load_during_import"] = load
    ok = clients.stats["status_5xx"] == 0 and clients.stats["over_2s"] == 0 and code == 0
    report["checks"]["load: no 5xx, none over 2 s, index complete"] = ok
    if not ok:
        failed.append("load during import")
    if args.load_only:
        return finish(report, failed)

    # 2. Kill an import half way, then run it again.
    before, _ = article_count(archive)
    expected = before + sum(len(list(d.iterdir())) for d in kill_dirs)
    print("killing an import half way ...", flush=True)
    proc = subprocess.Popen(
        [PYTHON, "manage.py", "import_articles", *map(str, kill_dirs), "--no-progress"],
        cwd=ROOT,
        env=archive.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None:
        now, _ = article_count(archive)
        if now - before >= (expected - before) // 2:
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at, _ = article_count(archive)
    archive.manage("import_articles", *map(str, kill_dirs), "--no-progress", check=False)
    after, distinct = article_count(archive)
    repair_code, repair_out = check_index(archive, repair=True)
    final_code, final_out = check_index(archive)
    kill = {
        "before": before,
        "killed_at": killed_at,
        "after_rerun": after,
        "expected": expected,
        "distinct_hashes": distinct,
        "repair": repair_out[-800:],
        "check_after_repair_exit": final_code,
        "check_after_repair": final_out[-800:],
    }
    report["kill_import"] = kill
    ok = after == expected == distinct and final_code == 0 and before < killed_at < expected
    report["checks"]["kill: rerun completes, no duplicate, no loss, index repaired"] = ok
    if not ok:
        failed.append("kill and rerun")

    # 3. Restart the server during load.
    print("restarting the server during load ...", flush=True)
    server = Server(archive, workers=3, threads=args.threads, keepalive=args.keep_alive).start()
    clients = Clients(server.port, pages, 20, seed=2)
    threads = clients.run_for(20)
    time.sleep(6)
    server.stop()
    time.sleep(1)
    server.start()
    for t in threads:
        t.join()
    server.stop()
    report["restart"] = {**clients.stats, "examples": clients.examples}
    ok = (
        clients.stats["wrong_page"] == 0
        and clients.stats["status_5xx"] == 0
        and clients.stats["ok"] > 0
    )
    report["checks"]["restart: only connection errors, never a wrong page"] = ok
    if not ok:
        failed.append("restart")

    # 4. The search attacked.
    search_attack(archive, pages, args, report, failed)
    return finish(report, failed)


def attack_archive(stories: int):
    """An archive of ``stories`` corpus stories, built once and kept (var/bench/attack-N),
    and its page mix."""
    per_dir = 1000
    corpus = build_corpus_dir(((stories + per_dir - 1) // per_dir) * per_dir, seed=1)
    dirs = sorted(p for p in corpus.iterdir() if p.is_dir())[: -(-stories // per_dir)]
    archive = Archive(BENCH_DIR / f"attack-{stories}")
    done = archive.var_dir / "built"
    if not done.exists():
        archive.reset()
        print(f"importing {stories:,} stories for the attack ...", flush=True)
        archive.manage("import_articles", *map(str, dirs), "--no-progress", check=False)
        archive.manage("rebuild_index", "--no-progress")
        done.write_text(str(stories))
    else:  # a kept archive is brought up to the code's schema
        archive.manage("migrate", "--noinput")
    pages = json.loads(archive.manage("shell", "-c", TITLES_CODE).stdout.strip().splitlines()[-1])
    return archive, pages


def search_attack(archive, pages, args, report, failed) -> None:
    """Phase 4: the costliest searches from ``args.attackers`` clients while
    ``args.browsers`` others browse and one asks for ``/healthz/`` in a loop, from the
    moment gunicorn answers (its workers' searchers still warming)."""
    total, _distinct = article_count(archive)
    print(
        f"{args.attackers} clients attacking the search for {args.seconds} s while "
        f"{args.browsers} browse ({total:,} stories) ...",
        flush=True,
    )
    server = Server(archive, workers=3, threads=args.threads, keepalive=args.keep_alive)
    server.start(warm_timeout=0)
    try:
        attackers = Clients(server.port, pages, args.attackers, seed=3, pick=attack_path)
        attackers.watch = WATCH
        browsers = Clients(server.port, pages, args.browsers, seed=4)
        health = Clients(server.port, pages, 1, seed=5, pick=lambda _rng: ("/healthz/", None))
        threads = [
            *attackers.run_for(args.seconds),
            *browsers.run_for(args.seconds),
            *health.run_for(args.seconds),
        ]
        for t in threads:
            t.join()
    finally:
        server.stop()
    log = (archive.var_dir / "gunicorn.log").read_text(errors="replace")
    out = {"stories": total}
    for name, clients in (("attack", attackers), ("browse", browsers), ("healthz", health)):
        out[name] = {
            **clients.stats,
            "rps": round(clients.stats["requests"] / args.seconds, 1),
            "latency_ms": summary_ms(clients.seconds),
            "examples": clients.examples,
            "slowest": sorted(clients.slow, reverse=True)[:8],
        }
    out["attack"]["answers"] = dict(attackers.found)
    out["worker_timeouts"] = log.count("WORKER TIMEOUT")
    out["searchers_warmed"] = [
        line.split("searcher warmed in", 1)[1].strip()
        for line in log.splitlines()
        if "searcher warmed in" in line
    ][-3:]
    report["search_attack"] = out
    every = (attackers, browsers, health)
    checks = {
        "attack: no 5xx": sum(c.stats["status_5xx"] for c in every) == 0,
        "attack: no request over 2 s": sum(c.stats["over_2s"] for c in every) == 0,
        # a request unanswered after the clients' 10 s is a connection error
        "attack: every request answered": sum(c.stats["connection_errors"] for c in every) == 0,
        f"attack: /healthz/ p99 under {HEALTHZ_P99_MS} ms": out["healthz"]["latency_ms"]["p99"]
        < HEALTHZ_P99_MS,
    }
    report["checks"].update(checks)
    failed.extend(name for name, ok in checks.items() if not ok)


def finish(report, failed) -> int:
    write_results(report, BENCH_DIR / "load.json")
    print(json.dumps(report, indent=2)[:6000])
    print("FAILED: " + ", ".join(failed) if failed else "all load and fault checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
