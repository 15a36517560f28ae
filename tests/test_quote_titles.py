"""A title in quotation marks (a book, a show, a report, a slogan) is kept with its speaker
but shown like a fragment: it is nobody's words."""

import pytest

from archive.ingest.people import PersonMention
from archive.ingest.quotes import find_quotes, is_work_title


@pytest.mark.parametrize(
    "text",
    [
        "President's Roadmap to Empower Veterans and End a National Tragedy of Suicide,",
        "Crippled America: How to Make America Great Again",
        "The Late Show With Stephen Colbert",
        "Make America Great Again",
    ],
)
def test_titles(text):
    assert is_work_title(text)


@pytest.mark.parametrize(
    "text",
    [
        "Yes, I Support Ted Cruz",  # a word of speech
        "It's all Facebook, Instagram and Snapchat",  # lower-case words
        "We will win. We Will Win Again",  # a sentence inside
        "Vote For Me",  # too short to tell
        "The talks will resume in Geneva next week,",
    ],
)
def test_words_said_are_no_titles(text):
    assert not is_work_title(text)


def test_a_quoted_title_is_a_fragment_and_the_words_around_it_are_not():
    trump = PersonMention("Donald Trump", {"Trump"}, 3)
    quotes = find_quotes(
        [
            "Donald Trump signed an order called “President's Roadmap to Empower Veterans "
            "and End a National Tragedy of Suicide,” the White House said.",
            "“We are going to take care of our veterans like never before,” Trump said.",
        ],
        [trump],
    )
    by_text = {q.text: q for q in quotes}
    title = next(q for t, q in by_text.items() if t.startswith("President's Roadmap"))
    words = next(q for t, q in by_text.items() if t.startswith("We are going"))
    assert title.is_fragment is True
    assert words.is_fragment is False
    assert words.speaker == "Donald Trump"
