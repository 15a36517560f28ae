"""Word lists the people finder uses: given names, honorifics, role words, places, organisations.

Plain data, kept apart from the rules so it can grow without touching them: one text file
per list in ``words/`` beside this module, one entry a line (lower case), ``#`` starting a
comment. Each file is read once, when this module is first imported; the lists are
frozen sets. The archive runs from its checkout, so the files need no packaging step.
"""

from __future__ import annotations

import functools
from pathlib import Path

WORDS_DIR = Path(__file__).resolve().parent / "words"


@functools.cache
def word_list(name: str) -> frozenset[str]:
    """The entries of ``words/<name>.txt``: one a line, blank lines and ``#`` comments
    left out, surrounding spaces stripped."""
    entries = set()
    with (WORDS_DIR / f"{name}.txt").open(encoding="utf-8") as f:
        for line in f:
            entry = line.split("#", 1)[0].strip()
            if entry:
                entries.add(entry)
    return frozenset(entries)


# Given names that are as often a word, a place or a surname standing first ("Will Trump
# win", "Virginia Gov.", "Clinton Foundation"): never evidence of a name on their own.
NOT_GIVEN_NAMES = word_list("not_given_names")
# Given names of the news lists and of the US census of 1990 (see the files' notes).
GIVEN_NAMES = (word_list("given_names") | word_list("given_names_census")) - NOT_GIVEN_NAMES
# Given names of women, and names given to both men and women, for "she" and "he": a
# given name in GIVEN_NAMES and in neither set is a man's.
FEMALE_GIVEN_NAMES = (
    word_list("female_given_names") | word_list("female_given_names_census")
) - NOT_GIVEN_NAMES
UNISEX_GIVEN_NAMES = word_list("unisex_given_names")
HONORIFICS = word_list("honorifics")
ROLE_WORDS = word_list("role_words")
DEMONYMS = word_list("demonyms")
PLACES = word_list("places")
# Words that make a capitalised run an organisation, a place or a thing, not a person.
ORG_WORDS = word_list("org_words")
# Capitalised words that start sentences or headlines and are never part of a name.
STOP = word_list("stop")
# Titles and role words that tell a woman from a man.
FEMALE_TITLES = word_list("female_titles")
MALE_TITLES = word_list("male_titles")
