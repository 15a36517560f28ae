"""Import time of N news-corpus stories into a scratch SQLite archive, wall and CPU.

The same inputs on every run (the first N records of ``../shared/data/news-corpus/``, as
one JSON Lines file, read and extracted in the importing process, or with ``--files`` as
one text file per story, which an import of 400 or more files hands to worker processes),
a fresh archive under ``ARCHIVE_VAR_DIR`` (default: a temporary folder), and the time
reported both as wall seconds and as CPU seconds of this process and its children: on a
shared machine the CPU figure is the fairer one to compare.

    .venv/bin/python -m tests.bench.import_speed [--n 2000] [--files] [--profile FILE]

``--profile FILE`` writes a cProfile of the importing process (``pstats`` format).
``--people`` also times the people's share of the importing process: finding them in the
stories (``find_people``) and linking them to the archive's people (``PersonResolver.resolve``),
in CPU milliseconds per story (without worker processes: run it without ``--files``).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# ``shared/data`` beside the checkout, or beside its parent folder (a git worktree)
CORPUS = next(
    (
        base / "shared" / "data" / "news-corpus" / "articles.jsonl.gz"
        for base in (ROOT.parent, ROOT.parent.parent, Path("/work"))
        if (base / "shared" / "data").exists()
    ),
    ROOT.parent / "shared" / "data" / "news-corpus" / "articles.jsonl.gz",
)


def cpu_seconds() -> float:
    """User and system CPU seconds of this process and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def write_inputs(folder: Path, n: int, files: bool) -> list[str]:
    """The first ``n`` corpus records as one JSON Lines file, or as one text file each."""
    path = CORPUS
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = list(itertools.islice(f, n))
    if not files:
        (folder / "corpus.jsonl").write_text("".join(lines), encoding="utf-8")
        return [str(folder / "corpus.jsonl")]
    text = folder / "text"
    text.mkdir()
    for i, line in enumerate(lines):
        record = json.loads(line)
        (text / f"{i:05d}.txt").write_text(
            f"{record['title']}\n\n{record['content_original']}", encoding="utf-8"
        )
    return [str(text)]


def _time_people(spent: dict) -> None:
    """Add the CPU seconds of ``find_people`` and ``PersonResolver.resolve`` to ``spent``."""
    from archive.ingest import people
    from archive.people import PersonResolver

    def timed(function, key):
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[key] += time.process_time() - start

        return wrapper

    people.find_people = timed(people.find_people, "find")
    PersonResolver.resolve = timed(PersonResolver.resolve, "resolve")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="stories (default 2000)")
    parser.add_argument("--files", action="store_true", help="one text file per story")
    parser.add_argument("--profile", help="write a cProfile of the import to this file")
    parser.add_argument("--people", action="store_true", help="time finding and linking people")
    args = parser.parse_args(argv)
    var = Path(os.environ.get("ARCHIVE_VAR_DIR") or tempfile.mkdtemp(prefix="import-speed-"))
    var.mkdir(parents=True, exist_ok=True)
    os.environ["ARCHIVE_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command

    from archive import importer
    from archive.models import Article, Mention, Person, Quote

    call_command("migrate", verbosity=0)
    inputs = var / "inputs"
    inputs.mkdir(exist_ok=True)
    paths = write_inputs(inputs, args.n, args.files)
    spent = {"find": 0.0, "resolve": 0.0}
    if args.people:
        _time_people(spent)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    cpu, wall = cpu_seconds(), time.perf_counter()
    if profiler:
        profiler.enable()
    result = importer.import_paths(paths)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(
        f"{result.summary_line()}; {Person.objects.count()} people, "
        f"{Mention.objects.count()} mentions, {Quote.objects.count()} quotes, "
        f"{Article.objects.count()} stories"
    )
    print(f"wall {wall:.1f} s, cpu {cpu:.1f} s ({args.n / wall:.1f} stories/s)")
    if args.people:
        find, resolve = (spent[k] / args.n * 1000 for k in ("find", "resolve"))
        print(f"people: find {find:.2f} ms, resolve {resolve:.2f} ms of CPU per story")
    return 0


if __name__ == "__main__":
    sys.exit(main())
