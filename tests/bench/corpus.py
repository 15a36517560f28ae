"""A deterministic benchmark corpus built from real news text.

``build_corpus(n, seed=1)`` yields ``(name, text)`` pairs: ``n`` distinct stories in the
seeds' raw text format (an optional site name and tagline, the headline, a standfirst,
body paragraphs with ``READ MORE:`` promos, a newsletter pitch and a ``Source link``
footer), from the 37,554 real articles in ``../shared/data/news-corpus/``. Beyond the
real articles, stories are recombined from the paragraphs of two articles of the same
outlet, so every story is distinct and still reads as news. Outlets come from the
``source`` field, dates from ``date`` (missing or nonsense dates give undated stories).

``build_records(n, seed=1)`` yields the same stories as ``CorpusStory`` records (title,
standfirst, paragraphs, outlet, date) for loaders that skip extraction;
``raw_stories(n)`` yields ``RawStory`` objects; ``write_corpus(n, folder)`` writes files.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from tests.bench.common import shared_data

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = shared_data() / "news-corpus" / "articles.jsonl.gz"
SOURCE_CANDIDATES = (DEFAULT_SOURCE, Path("/work/shared/data/news-corpus/articles.jsonl.gz"))

TAGLINES = ["", "", "Breaking news, analysis and opinion", "Independent journalism since 1995"]
PROMOS = [
    "READ MORE: {title}",
    "Sign up to our free newsletter for the day's top stories",
    "Please use Chrome browser for a more accessible video player",
    "2:46",
]
FOOTERS = ["Source link", "Articles You May Like", ""]


@dataclass
class CorpusStory:
    """One benchmark story, structured."""

    name: str
    title: str
    standfirst: str
    paragraphs: list[str]
    outlet: str
    published: date | None

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _source_path() -> Path:
    for path in SOURCE_CANDIDATES:
        if path.exists():
            return path
    raise FileNotFoundError("news corpus not found: " + ", ".join(map(str, SOURCE_CANDIDATES)))


def _parse_date(value: str) -> date | None:
    value = (value or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value) or None
    try:
        if match:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2})", value):
            day = date(2000 + int(m[3]), int(m[1]), int(m[2]))
        else:
            return None
    except ValueError:
        return None
    return day if 1990 <= day.year <= 2030 else None


@lru_cache(maxsize=1)
def load_articles() -> tuple[tuple[str, str, date | None, tuple[str, ...]], ...]:
    """(title, outlet, date, paragraphs) of each usable real article, in file order."""
    rows = []
    seen = set()
    with gzip.open(_source_path(), "rt", encoding="utf-8") as handle:
        for line in handle:
            data = json.loads(line)
            paragraphs = tuple(
                p.strip() for p in re.split(r"\n\s*\n|\n", data.get("content_original") or "")
            )
            paragraphs = tuple(p for p in paragraphs if len(p) > 40)
            title = (data.get("title") or "").strip()
            if len(paragraphs) < 3 or not title:
                continue
            key = (title, paragraphs[0][:80])
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                (title, data.get("source") or "", _parse_date(data.get("date")), paragraphs)
            )
    return tuple(rows)


def build_records(n: int, seed: int = 1) -> Iterator[CorpusStory]:
    """``n`` distinct stories, the same for the same ``n`` and ``seed``."""
    articles = load_articles()
    rng = random.Random(seed)
    by_outlet = defaultdict(list)
    for i, row in enumerate(articles):
        by_outlet[row[1]].append(i)
    for number in range(n):
        base = articles[number % len(articles)]
        title, outlet, published, paragraphs = base
        paragraphs = list(paragraphs)
        rounds = number // len(articles)
        if rounds:
            # A recombined story: this article's opening, another one's ending from the
            # same outlet, a new date in the same year, a headline variant.
            other = articles[rng.choice(by_outlet[outlet])]
            cut = max(2, len(paragraphs) // 2)
            paragraphs = paragraphs[:cut] + list(other[3][len(other[3]) // 2 :])
            title = f"{title} ({['update', 'analysis', 'live', 'explainer'][rounds % 4]} {rounds})"
            if published and rng.random() < 0.9:
                published = date(published.year, rng.randint(1, 12), rng.randint(1, 28))
        standfirst = paragraphs[0]
        yield CorpusStory(
            name=f"{number:06d}.txt",
            title=title,
            standfirst=standfirst,
            paragraphs=paragraphs[1:],
            outlet=outlet,
            published=published,
        )


def render(story: CorpusStory, rng: random.Random) -> str:
    """The story as raw text in the seeds' format, with their clutter."""
    lines = []
    if story.outlet and rng.random() < 0.7:
        lines.append(story.outlet)
        tagline = rng.choice(TAGLINES)
        if tagline:
            lines.append(tagline)
    lines.append(story.title)
    lines.append(story.standfirst)
    if story.published:
        lines.append(story.published.strftime("%d %B %Y"))
    for i, paragraph in enumerate(story.paragraphs):
        lines.append(paragraph)
        if i == 2 and rng.random() < 0.5:
            lines.append(rng.choice(PROMOS).format(title=story.title[:60]))
    footer = rng.choice(FOOTERS)
    if footer:
        lines.append(footer)
    return "\n\n".join(lines) + "\n"


def build_corpus(n: int, seed: int = 1) -> Iterator[tuple[str, str]]:
    """``n`` distinct stories as (file name, raw text) pairs, deterministic."""
    rng = random.Random(seed * 7919)
    for story in build_records(n, seed):
        yield story.name, render(story, rng)


def raw_stories(n: int, seed: int = 1):
    """The corpus as ``RawStory`` objects, ready for the importer."""
    from archive.ingest.readers import RawStory

    for name, text in build_corpus(n, seed):
        yield RawStory(source=name, text=text)


def write_corpus(n: int, folder: str | Path, seed: int = 1) -> Path:
    """Write the corpus as ``n`` text files in ``folder``; returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in build_corpus(n, seed):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("folder")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(write_corpus(args.n, args.folder, args.seed))
