"""Quote and speaker extraction measured on PolNeAR (hand-annotated US political news).

Usage: python -m tests.bench.polnear_quotes [DATA_DIR] [--flag-only]
(default DATA_DIR ../shared/data/polnear; --help for the options)

Gold: attributions with ``content_has_quote_marks`` (direct quotations), and those whose
content holds the typewriter marks '' or `` (the flag misses them: in the NYT texts it is
set for 68 of about 1,350 quoted contents; ``--flag-only`` uses the flag alone); for each
article the annotations of its first annotator only (some articles were annotated twice).

Matching (all by character offsets in the article's text file):
- a gold quotation is *found* when an extracted quotation overlaps its content span;
- recall = found / gold quotations; precision = extracted quotations of six words or more
  that overlap some gold quotation / all extracted quotations of six words or more
  (PolNeAR does not annotate every quotation, so precision is a lower bound);
- *named speaker*: for a found quotation whose gold source contains a capitalised name
  word (not a pronoun or "The"), the speaker is right when the extracted speaker (Person
  name, else label) shares a name word with the gold source ("Ted Cruz" ~ "Mr. Cruz");
- pronoun sources (he, she ...) are resolved on the gold side to the nearest preceding
  gold source in the same article that has a name word, and scored the same way
  (reported separately).
Also prints extraction time per story (``pipeline.extract`` on the whole text).
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from tests.bench.common import shared_data

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from archive.ingest import people as people_mod  # noqa: E402
from archive.ingest import pipeline, quotes  # noqa: E402
from archive.ingest.readers import RawStory  # noqa: E402

PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "his", "them"}
SKIP = {"the", "a", "an", "mr", "mrs", "ms", "dr", "sen", "gov", "rep", "president", "his", "her"}


def name_words(text: str) -> set[str]:
    words = re.findall(r"[A-Z][\w’'-]+", text or "")
    # Sentence-initial pronouns ("He said") are capitalised too: they are not names.
    return {w.lower().replace("’s", "").replace("'s", "") for w in words} - SKIP - PRONOUNS


def paragraphs_with_offsets(text: str):
    paras, offsets, pos = [], [], 0
    for line in text.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            paras.append(line.strip())
            offsets.append(pos + lead)
        pos += len(line) + 1
    return paras, offsets


def is_direct(record: dict, text: str) -> bool:
    """A gold direct quotation: flagged, or its content carries typewriter quote marks."""
    if record["content_has_quote_marks"]:
        return True
    spans = record.get("content_spans")
    if not spans:
        return False
    segment = text[min(s[0] for s in spans) : max(s[1] for s in spans)]
    return "''" in segment or "``" in segment


def main(data_dir: Path, flag_only: bool = False):
    gold = defaultdict(list)
    first_annotator = {}
    lines = (data_dir / "attributions.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        r = json.loads(line)
        ann = first_annotator.setdefault(r["article"], r["annotator"])
        if r["annotator"] != ann:
            continue
        gold[r["article"]].append(r)
    n_gold = n_found = 0
    named_total = named_right = pron_total = pron_right = 0
    n_ext = n_ext_ok = 0
    t_extract = 0.0
    n_stories = 0
    for article, records in sorted(gold.items()):
        path = data_dir / "text" / f"{article}.txt"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        with contextlib.suppress(pipeline.ExtractionError):
            pipeline.extract(RawStory(source=article, text=text))
        t_extract += time.perf_counter() - t0
        n_stories += 1
        paras, offsets = paragraphs_with_offsets(text)
        found_people = people_mod.find_people(paras)
        extracted = quotes.find_quotes(paras, found_people)
        spans = []
        for q in extracted:
            start = offsets[q.paragraph] + q.start
            end = offsets[q.end_paragraph if q.end_paragraph is not None else q.paragraph] + q.end
            spans.append((start, end, q))
        # Gold sources with a name, in order, for resolving pronoun sources.
        named_sources = sorted(
            (r["source_spans"][0][0], r["source"])
            for r in records
            if r.get("source") and r.get("source_spans") and name_words(r["source"])
        )
        quoted = [
            r
            for r in records
            if (r["content_has_quote_marks"] if flag_only else is_direct(r, text))
        ]
        gold_spans = []
        for r in quoted:
            lo = min(s[0] for s in r["content_spans"])
            hi = max(s[1] for s in r["content_spans"])
            gold_spans.append((lo, hi))
            n_gold += 1
            hits = [q for s, e, q in spans if s < hi and e > lo]
            if not hits:
                continue
            n_found += 1
            source = r.get("source") or ""
            target = name_words(source)
            pronoun = False
            if not target and source.lower().strip() in PRONOUNS and r.get("source_spans"):
                at = r["source_spans"][0][0]
                before = [s for pos, s in named_sources if pos < at]
                if before:
                    target, pronoun = name_words(before[-1]), True
            if not target:
                continue
            q = max(hits, key=lambda q: len(q.text))
            got = name_words(q.speaker or q.speaker_label or "") | {
                w.lower() for w in (q.speaker or "").split()
            }
            right = bool(target & got)
            if pronoun:
                pron_total += 1
                pron_right += right
            else:
                named_total += 1
                named_right += right
        for s, e, q in spans:
            if not q.is_fragment:
                n_ext += 1
                n_ext_ok += any(s < hi and e > lo for lo, hi in gold_spans)

    def pct(a, b):
        return f"{100 * a / b:.1f}% ({a}/{b})" if b else "n/a"

    print(f"stories: {n_stories}, gold direct quotations: {n_gold}")
    print(f"quotations found (recall): {pct(n_found, n_gold)}")
    print(f"precision, quotations of 6+ words (lower bound): {pct(n_ext_ok, n_ext)}")
    print(f"right speaker, named gold source: {pct(named_right, named_total)}")
    print(
        f"right speaker, pronoun gold source resolved on the gold side: {pct(pron_right, pron_total)}"
    )
    print(f"right speaker, all: {pct(named_right + pron_right, named_total + pron_total)}")
    print(f"pipeline.extract: {1000 * t_extract / max(n_stories, 1):.2f} ms/story")


if __name__ == "__main__":
    import argparse

    default = shared_data() / "polnear"
    if not default.exists():
        default = Path("/work/shared/data/polnear")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=default)
    parser.add_argument(
        "--flag-only",
        action="store_true",
        help="gold quotations by the content_has_quote_marks flag alone (misses NYT '' marks)",
    )
    args = parser.parse_args()
    main(args.data_dir, args.flag_only)
