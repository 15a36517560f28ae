"""Extraction on real pages: the archive's HTML reader against trafilatura alone, side by side.

Pages: ``../shared/data/article-extraction-benchmark/`` (91 news and blog pages with
hand-made ground truth of the body, and ``meta.json``: hand labels of headline, outlet, wire,
authors and standfirst). Columns, per page (``--pages``) and in total:

- headline: exact match (whitespace collapsed) with ``headline`` or a ``headline_variants``;
- outlet: right (``outlet`` or an ``outlet_forms``, case-insensitive) / empty / wrong;
- wire: right (``wire`` or a ``wire_forms``, or none for none) / empty / wrong;
- authors: the byline names exactly, in order;
- standfirst: exactly the labelled dek, or empty where the page has none;
- body: token F1 against the ground truth, scored as the benchmark's own ``evaluate.py``:
  per page, counts of true/false positives and false negatives over word n-grams, normalised
  per page; precision and recall averaged over pages; F1 from the two means. ``n=1`` is token
  F1, ``n=4`` the benchmark's published metric (shingles of four words).

"HTML reader" is what the archive stores: the reader (``archive.ingest.readers``) then the
pipeline (cleaning, headline and standfirst split); its body is the paragraphs (the
standfirst is a dek of its own, which the ground truth leaves out). "trafilatura alone" is ``trafilatura.bare_extraction`` with its default settings on
the same page in the same run (title, sitename, author, description, text).

A BBC part reads ``../shared/data/bbc/`` as a folder import would (``expand_paths`` then
``read_path`` then the pipeline, with ``--outlet "BBC News"``): headlines (the file's first
line), standfirsts free of captions, credits and player notices, outlets, files skipped with
their reasons, and the encodings (with the pound sign of ``sport/199.txt``).

    .venv/bin/python -m tests.bench.html_extraction [--data DIR] [--bbc DIR] [--worst 5] [--pages]
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

from tests.bench.common import shared_data

ROOT = Path(__file__).resolve().parents[2]
SHARED = shared_data()
DATA = SHARED / "article-extraction-benchmark"
BBC = SHARED / "bbc"
_TOKEN = re.compile(r"\w+")
# What a clean standfirst never holds: captions, credits, player notices, reading times.
STANDFIRST_DIRT = re.compile(
    r"image copyright|image caption|media playback|getty images|\bphoto\s*:|reading time"
    r"|tempo de leitura|^by\s+[A-Z]\S*\s+[A-Z]\S*$",
    re.I,
)


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


def f1_of(row) -> float:
    tp, fp, fn = row
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def norm(text) -> str:
    return " ".join(str(text or "").replace("\xa0", " ").split())


# ---------------------------------------------------------------------------
# The two systems: each gives {headline, outlet, wire, authors, standfirst, body}.


def archive_reading(data: bytes, name: str) -> dict:
    """The archive's HTML reader and pipeline, as the importer stores the story."""
    from archive.ingest import pipeline
    from archive.ingest.readers import ReadError, read_bytes

    try:
        [raw] = read_bytes(data, name)
        story = pipeline.extract(raw)
    except (ReadError, pipeline.ExtractionError):
        return {
            "headline": "",
            "outlet": "",
            "wire": "",
            "authors": [],
            "standfirst": "",
            "body": "",
        }
    return {
        "headline": story.title,
        "outlet": story.outlet or "",
        "wire": getattr(story, "wire", "") or "",
        "authors": list(getattr(story, "authors", None) or []),
        "standfirst": story.standfirst,
        "body": "\n".join(story.paragraphs),
    }


def trafilatura_reading(data: bytes, url: str) -> dict:
    """trafilatura alone, default settings: its metadata and its text."""
    import trafilatura

    doc = trafilatura.bare_extraction(data, url=url, with_metadata=True)
    if doc is None:
        return {
            "headline": "",
            "outlet": "",
            "wire": "",
            "authors": [],
            "standfirst": "",
            "body": "",
        }
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {
        "headline": doc.title or "",
        "outlet": doc.sitename or "",
        "wire": "",
        "authors": authors,
        "standfirst": doc.description or "",
        "body": doc.text or "",
    }


# ---------------------------------------------------------------------------
# Judging one reading against the labels.


def judge(label: dict, truth_body: str, got: dict) -> dict:
    """Per-field verdicts for one page."""
    headlines = {norm(label["headline"]), *(norm(v) for v in label.get("headline_variants", []))}
    outlets = {norm(o).lower() for o in [label.get("outlet"), *label.get("outlet_forms", [])] if o}
    wires = {norm(w).lower() for w in [label.get("wire"), *label.get("wire_forms", [])] if w}
    outlet = norm(got["outlet"]).lower()
    wire = norm(got["wire"]).lower()
    if not outlet:
        outlet_v = "right" if not outlets else "empty"
    else:
        outlet_v = "right" if outlet in outlets else "wrong"
    if not wire:
        wire_v = "right" if not wires else "empty"
    else:
        wire_v = "right" if wire in wires else "wrong"
    standfirst = norm(label.get("standfirst"))
    return {
        "headline": norm(got["headline"]) in headlines,
        "outlet": outlet_v,
        "wire": wire_v,
        "authors": [norm(a) for a in got["authors"]] == [norm(a) for a in label.get("authors", [])],
        "standfirst": norm(got["standfirst"]) == standfirst,
        "body": tp_fp_fn(truth_body, got["body"], 1),
        "body4": tp_fp_fn(truth_body, got["body"], 4),
    }


def summary(verdicts: list[dict]) -> dict:
    n = len(verdicts)
    outlets = Counter(v["outlet"] for v in verdicts)
    wires = Counter(v["wire"] for v in verdicts)
    return {
        "headline": sum(v["headline"] for v in verdicts) / n,
        "outlet": (outlets["right"], outlets["empty"], outlets["wrong"]),
        "wire": (wires["right"], wires["empty"], wires["wrong"]),
        "authors": sum(v["authors"] for v in verdicts) / n,
        "standfirst": sum(v["standfirst"] for v in verdicts) / n,
        "body": scores([v["body"] for v in verdicts]),
        "body4": scores([v["body4"] for v in verdicts]),
    }


def print_pages(keys, labels, readings, verdicts, names):
    print(
        "\nper page (archive | trafilatura): headline, outlet, wire, authors, standfirst, body F1"
    )
    for k in keys:
        mine, other = (verdicts[n][k] for n in names)
        got = readings[names[0]][k]

        def flags(v):
            return (
                f"{'H' if v['headline'] else '-'} {v['outlet'][0]} {v['wire'][0]} "
                f"{'A' if v['authors'] else '-'} {'S' if v['standfirst'] else '-'} "
                f"{f1_of(v['body']):.2f}"
            )

        print(f"{k[:10]} {flags(mine)} | {flags(other)}  {labels[k]['outlet']}")
        if not mine["headline"]:
            print(f"    headline {got['headline']!r} want {labels[k]['headline']!r}")
        if mine["outlet"] != "right":
            print(f"    outlet {got['outlet']!r} want {labels[k]['outlet']!r}")
        if mine["wire"] != "right":
            print(f"    wire {got['wire']!r} want {labels[k]['wire']!r}")
        if not mine["authors"]:
            print(f"    authors {got['authors']!r} want {labels[k]['authors']!r}")
        if not mine["standfirst"]:
            print(
                f"    standfirst {got['standfirst'][:100]!r} want {(labels[k]['standfirst'] or '')[:100]!r}"
            )


def run_pages(data_dir: Path, worst: int, per_page: bool) -> dict:
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    labels = json.loads((data_dir / "meta.json").read_text(encoding="utf-8"))["pages"]
    keys = sorted(truth)
    pages = {k: gzip.decompress((data_dir / "html" / f"{k}.html.gz").read_bytes()) for k in keys}
    systems = {
        "archive HTML reader": lambda k: archive_reading(pages[k], f"{k}.html"),
        "trafilatura alone": lambda k: trafilatura_reading(pages[k], truth[k]["url"]),
    }
    readings, verdicts, totals, rates = {}, {}, {}, {}
    for name, run in systems.items():
        start = time.perf_counter()
        readings[name] = {k: run(k) for k in keys}
        rates[name] = len(keys) / (time.perf_counter() - start)
        verdicts[name] = {
            k: judge(labels[k], truth[k]["articleBody"], readings[name][k]) for k in keys
        }
        totals[name] = summary(list(verdicts[name].values()))
    print(f"{len(keys)} pages from {data_dir}")
    print(
        f"{'system':<20} {'headline':>8} {'outlet r/e/w':>13} {'wire r/e/w':>11} "
        f"{'authors':>7} {'standf.':>7} {'body P':>6} {'body R':>6} {'F1':>6} {'F1(4)':>6} {'pages/s':>7}"
    )
    for name, s in totals.items():
        print(
            f"{name:<20} {s['headline']:>8.3f} {'/'.join(map(str, s['outlet'])):>13} "
            f"{'/'.join(map(str, s['wire'])):>11} {s['authors']:>7.3f} {s['standfirst']:>7.3f} "
            f"{s['body']['precision']:>6.3f} {s['body']['recall']:>6.3f} {s['body']['f1']:>6.3f} "
            f"{s['body4']['f1']:>6.3f} {rates[name]:>7.1f}"
        )
    names = list(systems)
    if per_page:
        print_pages(keys, labels, readings, verdicts, names)
    if worst:
        mine, other = verdicts[names[0]], verdicts[names[1]]
        print(f"\nworst {worst} pages for the archive reader (token F1, trafilatura alone):")
        for k in sorted(keys, key=lambda k: f1_of(mine[k]["body"]))[:worst]:
            print(
                f"  {f1_of(mine[k]['body']):.3f} {f1_of(other[k]['body']):.3f}  "
                f"{truth[k]['url'][:90]}"
            )
    return totals


def run_bbc(folder: Path) -> dict:
    """Read the BBC folder as an import does; count headlines, clean standfirsts, skips."""
    from archive.ingest import pipeline
    from archive.ingest.readers import PathProblem, ReadError, expand_paths, read_path

    stories, skipped, failed, right, clean, encodings = 0, [], [], 0, 0, Counter()
    outlets, pound = Counter(), ""
    for path in expand_paths([str(folder)]):
        if isinstance(path, PathProblem):
            skipped.append((path.path, path.reason))
            continue
        try:
            [raw] = read_path(path)
            story = pipeline.extract(raw, outlet_hint="BBC News")
        except (ReadError, pipeline.ExtractionError) as exc:
            failed.append((str(path), str(exc)))
            continue
        stories += 1
        encodings[raw.encoding] += 1
        first = raw.text.strip().split("\n", 1)[0].strip()
        right += story.title == first
        clean += not STANDFIRST_DIRT.search(story.standfirst)
        outlets[story.outlet] += 1
        if path.name == "199.txt" and path.parent.name == "sport":
            at = raw.text.find("15.8m")
            pound = raw.text[max(0, at - 10) : at + 15]
    print(f"\nBBC folder {folder}: {stories} stories read")
    print(f"  headline = first line  {right}/{stories}")
    print(f"  standfirst clean       {clean}/{stories}")
    print(f"  outlet (--outlet 'BBC News') {dict(outlets)}")
    print(f"  encodings              {dict(encodings)}; sport/199.txt: {pound!r}")
    print(f"  skipped                {len(skipped)}: {skipped[:5]}")
    print(f"  failed                 {len(failed)}: {failed[:5]}")
    return {"stories": stories, "headline": right, "clean": clean, "skipped": skipped}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--bbc", type=Path, default=BBC, help="the BBC folder ('' to leave out)")
    parser.add_argument("--worst", type=int, default=5, help="list the N worst pages")
    parser.add_argument("--pages", action="store_true", help="a line per page, misses spelled out")
    args = parser.parse_args(argv)
    run_pages(args.data, args.worst, args.pages)
    if str(args.bbc) and args.bbc.is_dir():
        run_bbc(args.bbc)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import logging

    logging.disable(logging.WARNING)
    sys.exit(main())
