"""Import speed per format, and the cost of near-duplicate detection at 10,000+ stories.

Runs the real importer (readers, pipeline, people, quotes, clusters) into a fresh database:
SQLite in a temporary folder unless ``DATABASE_URL`` is set (use a scratch database: the
benchmark migrates it and imports into it). Inputs are real: the news corpus
(``../shared/data/news-corpus/articles.jsonl.gz``) as JSON Lines and as one text file per
story; the 91 benchmark pages as saved HTML files and inside one WARC file.

    .venv/bin/python -m tests.bench.format_speed [--n 10000]

Reports stories per second for each format and the candidate lookup and check alone on
the archive it built. ``--dedupe-only`` times ``clusters.file_article`` (signature, lookup,
band rows, cluster) alone as the archive grows to N stories, without the rest of the import.
"""

from __future__ import annotations

import argparse
import gzip
import io
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import shared_data

ROOT = Path(__file__).resolve().parents[2]
SHARED = shared_data()


def corpus_lines(n: int) -> list[str]:
    with gzip.open(SHARED / "news-corpus" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        return [line for line in itertools.islice(f, n)]


def build_inputs(folder: Path, n: int) -> dict[str, list[str]]:
    lines = corpus_lines(n)
    (folder / "corpus.jsonl").write_text("".join(lines), encoding="utf-8")
    text_dir = folder / "text"
    text_dir.mkdir()
    for i, line in enumerate(lines[: min(n, 2000)]):
        record = json.loads(line)
        (text_dir / f"{i:05d}.txt").write_text(
            f"{record['title']}\n\n{record['content_original']}", encoding="utf-8"
        )
    html_dir = folder / "html"
    html_dir.mkdir()
    pages = sorted((SHARED / "article-extraction-benchmark" / "html").glob("*.html.gz"))
    for page in pages:
        (html_dir / page.name[:-3]).write_bytes(gzip.decompress(page.read_bytes()))
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with (folder / "pages.warc.gz").open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i, page in enumerate(pages):
            body = gzip.decompress(page.read_bytes())
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"https://pages.example/{i}",
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
            )
            writer.write_record(record)
    return {
        "text": [str(text_dir)],
        "jsonl": [str(folder / "corpus.jsonl")],
        "html": [str(html_dir)],
        "warc": [str(folder / "pages.warc.gz")],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10000, help="JSON Lines stories (text: ≤ 2000)")
    parser.add_argument(
        "--dedupe-only",
        action="store_true",
        help="time clusters.file_article alone as the archive grows to N stories",
    )
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="format-speed-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.test.utils import override_settings

    from archive import clusters, importer
    from archive.models import Article, StoryCluster

    call_command("migrate", verbosity=0)
    if args.dedupe_only:
        return dedupe_only(args.n)
    inputs = build_inputs(tmp, args.n)
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}")
    print(f"{'format':<6} {'stories':>8} {'failed':>7} {'seconds':>8} {'stories/s':>10}")

    def run(fmt, paths):
        start = time.perf_counter()
        with override_settings(ARCHIVE_INDEX_DIR=tmp / "index"):
            result = importer.import_paths(paths)
        seconds = time.perf_counter() - start
        n = result.created + result.unchanged
        print(f"{fmt:<6} {n:>8} {result.failed:>7} {seconds:>8.1f} {n / seconds:>10.1f}")
        return n, seconds

    for fmt in ("html", "warc", "text"):
        run(fmt, inputs[fmt])
    Article.objects.all().delete()
    StoryCluster.objects.all().delete()
    n, _ = run("jsonl", inputs["jsonl"])
    print(
        f"clusters after {n} JSON Lines stories: {StoryCluster.objects.count()} "
        f"({Article.objects.filter(cluster__isnull=False).count()} stories in one)"
    )

    # the cost of dedupe at this size: file_article alone on an archive of n stories
    sample = list(Article.objects.order_by("?")[:500])
    start = time.perf_counter()
    for article in sample:
        clusters.find_copies(article, clusters.dedupe.signature(clusters.article_text(article)))
    per = (time.perf_counter() - start) / len(sample) * 1000
    print(f"candidate lookup + check on an archive of {n}: {per:.2f} ms per story")

    return 0


def dedupe_only(n: int) -> int:
    """File N corpus stories one by one (as the importer does) and time only the clustering."""
    from django.db import transaction

    from archive import clusters
    from archive.models import Article, StoryCluster

    lines = corpus_lines(n)
    articles = Article.objects.bulk_create(
        Article(
            title=rec["title"][:500],
            body="\n\n".join(p for p in rec["content_original"].split("\n") if p.strip()),
            raw="",
            content_hash=f"bench-{i}",
        )
        for i, rec in enumerate(map(json.loads, lines))
    )
    articles = list(Article.objects.order_by("id"))
    step = max(1, n // 5)
    print(f"{'stories in archive':>18} {'ms per story':>13}")
    for start in range(0, len(articles), step):
        chunk = articles[start : start + step]
        t = time.perf_counter()
        with transaction.atomic():
            for article in chunk:
                clusters.file_article(article)
        ms = (time.perf_counter() - t) / len(chunk) * 1000
        print(f"{start + len(chunk):>18} {ms:>13.2f}")
    in_clusters = Article.objects.filter(cluster__isnull=False).count()
    print(f"{StoryCluster.objects.count()} clusters, {in_clusters} stories in one")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
