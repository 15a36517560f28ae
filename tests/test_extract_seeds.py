"""Extraction on the seed stories, checked against the hand labels in fixtures/labels/seeds.json.

The labels say what an editor would file for each seed: headline, standfirst, outlet,
date, which raw lines are boilerplate, the people, and every quotation with its speaker.
"""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from archive.ingest import pipeline
from archive.ingest.readers import RawStory

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "stories"
LABELS = json.loads((ROOT / "fixtures" / "labels" / "seeds.json").read_text(encoding="utf-8"))
NAMES = sorted(k for k in LABELS if not k.startswith("_"))


def extract(name):
    text = (SEEDS / name).read_text(encoding="utf-8")
    return pipeline.extract(RawStory(source=name, text=text))


def raw_lines(name):
    text = (SEEDS / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.split("\n") if line.strip()]


def norm(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def stories():
    return {name: extract(name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_headline_standfirst_outlet_date(stories, name):
    story, label = stories[name], LABELS[name]
    assert story.title == label["title"]
    assert story.standfirst == label["standfirst"]
    assert story.outlet == label["outlet"]
    expected = dt.date.fromisoformat(label["published"]) if label["published"] else None
    assert story.published == expected


@pytest.mark.parametrize("name", NAMES)
def test_boilerplate_removed_and_every_real_paragraph_kept_in_order(stories, name):
    story, label = stories[name], LABELS[name]
    lines = raw_lines(name)
    removed = {r["index"] for r in story.removed}
    assert removed == set(label["removed"])
    for entry in story.removed:
        assert entry["text"] in lines[entry["index"]]
        assert entry["reason"]
    # Everything that is neither removed nor headline/standfirst is a body paragraph, in order.
    head = {label["title"], *label["standfirst"].split("\n")}
    expected = [
        line
        for i, line in enumerate(lines)
        if i not in removed and re.sub(r"^[•\-\*·]\s+", "", line) not in head
    ]
    assert story.paragraphs == expected


@pytest.mark.parametrize("name", NAMES)
def test_people_each_once_under_fullest_name(stories, name):
    story, label = stories[name], LABELS[name]
    names = [p.name for p in story.people]
    assert len(names) == len(set(names))
    assert set(names) == set(label["people"])
    for person in story.people:
        assert person.count >= 1
    for full, variants in label.get("aliases", {}).items():
        person = next(p for p in story.people if p.name == full)
        assert set(variants) <= person.aliases
    for other in label["not_people"]:
        assert other not in names


def _match_quotes(story, label):
    """Pair each labelled quote with the extracted quote that starts with its words, in order."""
    found = list(story.quotes)
    pairs = []
    start = 0
    for expected in label["quotes"]:
        want = norm(expected["text"]).rstrip(".,")
        for i in range(start, len(found)):
            if norm(found[i].text).startswith(want):
                pairs.append((expected, found[i]))
                start = i + 1
                break
        else:
            pairs.append((expected, None))
    return pairs


@pytest.mark.parametrize("name", NAMES)
def test_every_quotation_found_in_order(stories, name):
    story, label = stories[name], LABELS[name]
    pairs = _match_quotes(story, label)
    missing = [e["text"] for e, q in pairs if q is None]
    assert missing == []
    matched = {id(q) for _, q in pairs}
    extra = [q.text for q in story.quotes if id(q) not in matched]
    assert extra == []
    for expected, quote in pairs:
        assert quote.is_fragment == bool(expected.get("fragment")), quote.text
        assert quote.text.count("\n\n") + 1 == expected.get("paragraphs", 1), quote.text


@pytest.mark.parametrize("name", NAMES)
def test_speakers(stories, name):
    story, label = stories[name], LABELS[name]
    people = {p.name for p in story.people}
    wrong = []
    for expected, quote in _match_quotes(story, label):
        if "speaker" not in expected or quote is None:
            continue
        if expected["person"]:
            ok = quote.speaker == expected["speaker"] and quote.speaker in people
        else:
            ok = quote.speaker is None and quote.speaker_label == expected["speaker"]
        if not ok:
            wrong.append((quote.text[:40], expected["speaker"], quote.speaker, quote.speaker_label))
    assert wrong == []
