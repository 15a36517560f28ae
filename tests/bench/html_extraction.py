"""Body-text F1 of the archive's HTML reader against trafilatura alone, on real pages.

Pages: ``../shared/data/article-extraction-benchmark/`` (91 news and blog pages with
hand-made ground truth). Scoring as the benchmark's own ``evaluate.py``: per page, counts of
true/false positives and false negatives over word n-grams, normalised per page; precision
and recall averaged over pages; F1 from the two means. ``n=1`` is token F1, ``n=4`` the
benchmark's published metric (shingles of four words).

"HTML reader" is what the archive stores as the article's text: the reader
(``archive.ingest.readers``) then the pipeline (cleaning, headline and standfirst split),
standfirst and body paragraphs joined. "trafilatura alone" is ``trafilatura.extract`` with
its default settings on the same page in the same run.

    .venv/bin/python -m tests.bench.html_extraction [--data DIR] [--worst 5]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent.parent / "shared" / "data" / "article-extraction-benchmark"
_TOKEN = re.compile(r"\w+")


def ngrams(text: str, n: int) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def tp_fp_fn(true: str, pred: str, n: int) -> tuple[float, float, float]:
    """Counts over n-grams, normalised so that long pages weigh no more than short ones."""
    t, p = ngrams(true, n), ngrams(pred, n)
    tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(rows) -> dict:
    def precision(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*r) for r in rows if r[0] + r[1] > 0)
    r = statistics.mean(recall(*r) for r in rows if r[0] + r[2] > 0)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def reader_body(data: bytes, name: str) -> str:
    """The archive's HTML reader and pipeline: standfirst and body as stored."""
    from archive.ingest import pipeline
    from archive.ingest.readers import ReadError, read_bytes

    try:
        [raw] = read_bytes(data, name)
        story = pipeline.extract(raw)
    except (ReadError, pipeline.ExtractionError):
        return ""
    return "\n".join(p for p in [story.standfirst, *story.paragraphs] if p)


def trafilatura_body(data: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(data, url=url) or ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--worst", type=int, default=5, help="list the N worst pages")
    args = parser.parse_args(argv)
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        key: gzip.decompress((args.data / "html" / f"{key}.html.gz").read_bytes()) for key in truth
    }
    systems = {
        "archive HTML reader": lambda k: reader_body(pages[k], f"{k}.html"),
        "trafilatura alone": lambda k: trafilatura_body(pages[k], truth[k]["url"]),
    }
    print(f"{len(pages)} pages from {args.data}")
    print(f"{'system':<22} {'n':>2} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    per_page = {}
    for name, run in systems.items():
        start = time.perf_counter()
        out = {k: run(k) for k in truth}
        rate = len(truth) / (time.perf_counter() - start)
        for n, label in ((1, "token"), (4, "4-gram")):
            rows = [tp_fp_fn(truth[k]["articleBody"], out[k], n) for k in truth]
            s = scores(rows)
            print(
                f"{name:<22} {n:>2} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} "
                f"{rate:>8.1f}  ({label} F1)"
            )
        per_page[name] = {k: tp_fp_fn(truth[k]["articleBody"], out[k], 1) for k in truth}
    if args.worst:
        mine = per_page["archive HTML reader"]
        other = per_page["trafilatura alone"]

        def f1(r):
            tp, fp, fn = r
            return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

        print(f"\nworst {args.worst} pages for the archive reader (token F1, trafilatura alone):")
        for k in sorted(truth, key=lambda k: f1(mine[k]))[: args.worst]:
            print(f"  {f1(mine[k]):.3f} {f1(other[k]):.3f}  {truth[k]['url'][:90]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import logging

    logging.disable(logging.WARNING)
    sys.exit(main())
