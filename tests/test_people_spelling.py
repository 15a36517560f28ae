"""Close spellings: of a person's surname and given name, and of a word for "Did you mean"
(one edit distance, rapidfuzz's, for both)."""

import pytest

from archive.ingest.namekeys import same_person, similar_given, similar_surname
from search.suggestions import one_edit_apart, within_edits


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Zelensky", "Zelenskyy", True),  # a letter added
        ("Macron", "Macon", True),  # a letter removed
        ("Zelenskiy", "Zelensky", True),  # 8 letters or more: up to two edits
        ("Schwarzenegger", "Schwarzeneger", True),
        ("Shwarzeneger", "Schwarzenegger", True),
        ("Macron", "Micron", True),
        ("Macron", "Mcarn", False),  # under 7 letters: one edit only
        ("Smith", "Smyth", True),
        ("Smith", "Smythe", False),
        ("Ross", "Rose", False),  # under 5 letters: equal only
        ("Johnson", "Jonson", True),
        ("Johnson", "Mohnson", False),  # another first letter
    ],
)
def test_similar_surname(a, b, similar):
    assert similar_surname(a, b) is similar


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Antony", "Anthony", True),
        ("Abdulhadi", "Adbulhadi", True),  # two neighbours swapped
        ("Abdulhadi", "Adbulahdi", False),  # two swaps
        ("Eric", "Erica", False),  # letters added at the end: another name
        ("Jon", "Jan", False),  # under 4 letters
        ("Sean", "Shawn", False),
    ],
)
def test_similar_given(a, b, similar):
    assert similar_given(a, b) is similar


def test_same_person_by_close_spelling():
    assert same_person("Volodymyr Zelensky", "Volodymyr Zelenskyy")
    assert same_person("Antony Blinken", "Anthony Blinken")
    assert not same_person("Eric Garner", "Erica Garner")


@pytest.mark.parametrize(
    ("a", "b", "edits", "within"),
    [
        ("president", "presidnet", 1, False),  # a swap is two edits
        ("president", "presidnet", 2, True),
        ("obama", "obamaa", 1, True),
        ("obama", "obama", 0, True),
        ("", "a", 1, True),
        ("ukraine", "ukrainian", 1, False),
        ("ukraine", "ukrainian", 2, False),  # e -> i, a and n added
        ("ukraine", "ukrainian", 3, True),
    ],
)
def test_within_edits(a, b, edits, within):
    assert within_edits(a, b, edits) is within
    assert within_edits(b, a, edits) is within
    if edits == 1:
        assert one_edit_apart(a, b) is within
