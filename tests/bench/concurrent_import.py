"""Imports side by side: two ``import_articles`` processes on overlapping folders at once.

    python -m tests.bench.concurrent_import 2000 --overlap 1000 [--database-url URL]

Writes ``n + n - overlap`` corpus stories (``tests/bench/corpus.py``) into two folders of
``n`` files that share ``overlap`` of them (the second folder read in the other order),
migrates a scratch archive (a SQLite file, or the PostgreSQL database of ``--database-url``,
emptied first), runs both imports at once and prints each one's summary, its seconds, the
stories in the archive and how many distinct ones, the people, and ``check_index``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import PYTHON, ROOT
from .corpus import build_corpus

FIGURES = """
import json
from django.db.models import Count
from archive.models import Article, Person
print(json.dumps({
    "articles": Article.objects.count(),
    "distinct": Article.objects.values("content_hash").distinct().count(),
    "people": Person.objects.count(),
    "people_named_twice": Person.objects.values("name").annotate(n=Count("id"))
        .filter(n__gt=1).count(),
}))
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="stories per import")
    parser.add_argument("--overlap", type=int, default=None, help="stories in both (n/2)")
    parser.add_argument("--database-url", default="", help="default: a scratch SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    overlap = args.n // 2 if args.overlap is None else args.overlap
    work = Path(tempfile.mkdtemp(prefix="concurrent-import-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "ARCHIVE_VAR_DIR": str(work / "var"),
        "ARCHIVE_INDEX_DIR": str(work / "index"),
        "DATABASE_URL": args.database_url or f"sqlite:///{work / 'archive.sqlite3'}",
    }

    def manage(*cmd, wait=True):
        proc = subprocess.Popen(
            [PYTHON, "manage.py", *cmd],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return proc.communicate() + (proc.returncode,) if wait else proc

    if args.database_url:
        manage("flush", "--no-input")
    out, err, code = manage("migrate", "-v0")
    assert code == 0, err
    stories = list(build_corpus(2 * args.n - overlap, args.seed))
    folders = [work / "first", work / "second"]
    for folder in folders:
        folder.mkdir()
    for i, (name, text) in enumerate(stories[: args.n]):
        (folders[0] / f"{i:06d}-{name}").write_text(text, encoding="utf-8")
    for i, (name, text) in enumerate(stories[args.n - overlap :]):
        (folders[1] / f"{999999 - i:06d}-{name}").write_text(text, encoding="utf-8")

    started = time.perf_counter()
    runs = [manage("import_articles", "--no-progress", str(f), wait=False) for f in folders]
    for folder, proc in zip(folders, runs, strict=True):
        out, err = proc.communicate()
        seconds = time.perf_counter() - started
        print(f"{folder.name}: exit {proc.returncode} after {seconds:.1f}s: {out.strip()}")
        if "Traceback" in err:
            print(err, file=sys.stderr)
    out, err, code = manage("shell", "-v0", "-c", FIGURES)
    print(f"expected {len(stories)} distinct stories:", json.loads(out) if code == 0 else err)
    out, err, code = manage("check_index")
    print(f"check_index (exit {code}):", out.strip().splitlines()[0] if out else err.strip())


if __name__ == "__main__":
    main()
