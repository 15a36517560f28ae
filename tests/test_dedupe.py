"""Near-duplicate detection on real stories: the seeds and copies of them made by editing
headers and footers, as aggregator sites republish them. No database."""

import pickle
import zlib
from pathlib import Path

import pytest

from archive.ingest import dedupe, pipeline
from archive.ingest.readers import RawStory

SEEDS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "stories").glob("*.txt"))


def _read(name_or_text, source="x.txt"):
    return RawStory(source=source, text=name_or_text)


def seed_text(index: int) -> str:
    return SEEDS[index].read_text(encoding="utf-8")


def clean(text: str) -> str:
    """What the archive compares: standfirst and clean body after the pipeline."""
    story = pipeline.extract(_read(text))
    return f"{story.standfirst}\n{story.body}"


def rehost(text: str, header: list[str], footer: list[str], drop_head=0, drop_tail=0) -> str:
    """The story as another site republishes it: its own header and footer lines."""
    lines = text.split("\n")
    lines = lines[drop_head : len(lines) - drop_tail if drop_tail else None]
    return "\n\n".join([*header, "\n".join(lines), *footer])


def sig(text):
    return dedupe.signature(clean(text))


NEW_HEADER = ["World Daily Wire", "Your trusted source for world news, every day"]
NEW_FOOTER = [
    "This story was originally published elsewhere and is republished here.",
    "Share this: Facebook Twitter WhatsApp Email",
    "Related: Oil prices rise as tensions grow in eastern Europe",
    "Related: Five things to know about the Minsk agreements",
    "© 2022 World Daily Wire. All rights reserved.",
]


def test_the_five_seeds_are_different_stories_on_the_same_event():
    """All five are about the Macron–Putin talks, by different outlets: none is a copy."""
    sigs = [sig(seed_text(i)) for i in range(5)]
    for i in range(5):
        for j in range(i + 1, 5):
            a, b = sigs[i].shingles, sigs[j].shingles
            assert not dedupe.same_story(a, b), (i, j)
            assert dedupe.jaccard(a, b) < 0.01
            assert dedupe.containment(a, b) < 0.02
            assert not set(sigs[i].band_keys) & set(sigs[j].band_keys), (i, j)


@pytest.mark.parametrize("index", [0, 1, 2, 3, 4])
def test_a_seed_under_another_header_and_footer_is_the_same_story(index):
    original = seed_text(index)
    copy = rehost(original, NEW_HEADER, NEW_FOOTER)
    a, b = sig(original), sig(copy)
    assert dedupe.same_story(a.shingles, b.shingles)
    assert dedupe.jaccard(a.shingles, b.shingles) >= 0.85
    assert set(a.band_keys) & set(b.band_keys)


def test_aggregator_copy_of_003_without_its_site_header_and_source_footer():
    """003 is a Financial Times story republished by "Time Plus News" with its header and a
    "Source link" footer; the same story under another aggregator's dress is one story."""
    original = seed_text(3)
    assert original.startswith("Time Plus News\n") and original.rstrip().endswith("Source link")
    other = rehost(
        original,
        ["Global Headlines Today", "News from around the world, as it happens"],
        ["Read the full story at the original publisher.", "Tags: Ukraine, Russia, France"],
        drop_head=4,
        drop_tail=1,
    )
    a, b = sig(original), sig(other)
    assert dedupe.same_story(a.shingles, b.shingles)
    assert set(a.band_keys) & set(b.band_keys)


def test_a_copy_with_edited_paragraphs_is_still_the_same_story():
    original = seed_text(1)
    paragraphs = original.split("\n\n")
    edited = list(paragraphs)
    for i in range(4, len(edited), 6):  # a sub-editor's changes to every sixth paragraph
        edited[i] = "A rewritten sentence with entirely different words in it, " + str(i)
    a, b = sig(original), sig("\n\n".join(edited))
    assert 0.5 <= dedupe.jaccard(a.shingles, b.shingles) < 0.9
    assert dedupe.same_story(a.shingles, b.shingles)


def test_a_copy_cut_short_is_contained_in_the_original():
    original = seed_text(4)
    lines = original.split("\n")
    excerpt = "\n".join(lines[: len(lines) // 3]) + "\nRead the full article on the website."
    a, b = sig(original), sig(excerpt)
    assert dedupe.jaccard(a.shingles, b.shingles) < dedupe.JACCARD_THRESHOLD
    assert dedupe.containment(a.shingles, b.shingles) >= dedupe.CONTAINMENT_THRESHOLD
    assert dedupe.same_story(a.shingles, b.shingles)


def test_short_texts_are_never_called_copies():
    short = "The Kremlin said talks would continue next week."
    s = dedupe.signature(short)
    assert not s.usable and s.band_keys == []
    assert not dedupe.same_story(s.shingles, s.shingles)


def test_words_ignore_case_and_punctuation_and_quote_styles():
    assert dedupe.words("Macron’s “talks” — in MOSCOW!") == ["macron", "s", "talks", "in", "moscow"]
    assert dedupe.fingerprint("Macron's 'talks' in Moscow") == dedupe.fingerprint(
        "MACRON’S “TALKS” IN MOSCOW."
    )
    assert len(dedupe.fingerprint("x")) == 32


def test_a_signature_travels_with_its_shingles_packed():
    """Workers send signatures to the importing process: the same copies are found."""
    s = dedupe.signature(clean(seed_text(2)))
    data = pickle.dumps(s)
    assert len(data) < 4 * s.size + 600  # four bytes a shingle, not a pickled int each
    back = pickle.loads(data)
    assert (back.size, back.usable, back.fingerprint, back.band_keys) == (
        s.size,
        True,
        s.fingerprint,
        s.band_keys,
    )
    assert back.shingles == s.shingles and len(s.shingles) == s.size > 100
    assert back == s and pickle.loads(pickle.dumps(back)) == s
    assert dedupe.same_story(back.shingles, s.shingles)


def test_signature_is_stable_across_runs():
    """Band keys are stored in the database: they must not depend on the process."""
    text = clean(seed_text(2))
    s = dedupe.signature(text)
    assert len(s.band_keys) == dedupe.BANDS
    assert all(-(1 << 62) <= k < (1 << 62) for k in s.band_keys)
    assert s.band_keys == dedupe.signature(text).band_keys
    assert dedupe.shingles("one two three four five six") == {
        zlib.crc32(b"one two three four five"),
        zlib.crc32(b"two three four five six"),
    }


def test_band_collision_probability_matches_the_documented_curve():
    """1 - (1 - s**ROWS) ** BANDS, as in the module docstring."""

    def p(s):
        return 1 - (1 - s**dedupe.ROWS) ** dedupe.BANDS

    assert round(p(0.5), 2) == 0.93
    assert round(p(0.6), 2) == 0.99
    assert round(p(0.1), 2) == 0.02


def test_packed_shingles_are_judged_as_their_sets_are():
    """The importer checks a candidate against its stored (packed) shingles without
    unpacking them into a set: the verdict is the set comparison's, on both sides of
    each threshold, for short texts, and for the memoryview PostgreSQL returns."""
    import random

    rng = random.Random(5)
    verdicts = {True: 0, False: 0}
    for _ in range(400):
        base = rng.sample(range(1 << 32), rng.randint(10, 300))
        keep = rng.random()  # how much of ``base`` the other text shares
        other = [v for v in base if rng.random() < keep]
        other += rng.sample(range(1 << 32), rng.randint(0, 150))
        a, b = set(base), set(other)
        expected = dedupe.same_story(a, b)
        data = dedupe.pack(b)
        assert dedupe.same_story_packed(a, data) is expected
        assert dedupe.same_story_packed(a, memoryview(data)) is expected
        assert dedupe.unpack(memoryview(data)) == b
        verdicts[expected] += 1
    assert verdicts[True] > 50 and verdicts[False] > 50  # both verdicts were exercised


def test_thresholds_are_met_at_their_exact_values():
    a = set(range(100))
    half = set(range(50)) | set(range(1000, 1050))  # Jaccard 50 / 150, containment 0.5
    assert not dedupe.same_story(a, half)
    jac = set(range(100)) | set(range(1000, 1100))  # Jaccard exactly 0.5
    assert dedupe.jaccard(a, jac) == dedupe.JACCARD_THRESHOLD
    assert dedupe.same_story(a, jac) and dedupe.same_story_packed(a, dedupe.pack(jac))
    inside = set(range(60, 100)) | set(range(1000, 1010))  # 40 of 50 in ``a``: 0.8
    assert dedupe.jaccard(a, inside) < dedupe.JACCARD_THRESHOLD
    assert dedupe.containment(a, inside) == dedupe.CONTAINMENT_THRESHOLD
    assert dedupe.same_story(a, inside) and dedupe.same_story_packed(a, dedupe.pack(inside))
    less = set(range(61, 100)) | set(range(1000, 1011))  # 39 of 50
    assert not dedupe.same_story(a, less) and not dedupe.same_story_packed(a, dedupe.pack(less))
    assert not dedupe.same_story_packed(a, dedupe.pack(set(range(19))))  # too short
