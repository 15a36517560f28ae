"""The query language: words, phrases, OR, exclusion, prefixes, filters, malformed input."""

import re
from datetime import date

import pytest

from search.api import Atom, parse
from search.engine.highlight import snippet

# Every test runs on each search backend but the Whoosh engine's own (whoosh_only).
pytestmark = pytest.mark.usefixtures("search_backend")


def test_words_phrases_or_exclusion_and_prefix():
    parsed = parse('putin "security demands" nato OR eu -biden -"white house" ukrain*')
    assert parsed.groups == [
        [Atom("word", "putin")],
        [Atom("phrase", "security demands")],
        [Atom("word", "nato"), Atom("word", "eu")],
        [Atom("prefix", "ukrain")],
    ]
    assert parsed.exclude == [Atom("word", "biden"), Atom("phrase", "white house")]
    assert parsed.notice == ""


def test_filters_in_the_query():
    parsed = parse('talks outlet:"Daily Mirror" person:zelensky from:2022-02-01 to:2022-02')
    assert parsed.groups == [[Atom("word", "talks")]]
    assert parsed.outlets == ["Daily Mirror"]
    assert parsed.persons == ["zelensky"]
    assert parsed.date_from == date(2022, 2, 1)
    assert parsed.date_to == date(2022, 2, 28)  # a month means its last day
    assert parse("from:2021 to:2021").date_to == date(2021, 12, 31)


@pytest.mark.parametrize(
    ("text", "notice", "words"),
    [
        ('"security demands', "Unbalanced quotation marks.", ["security", "demands"]),
        ("OR putin", '"OR" needs a word on each side.', ["putin"]),
        ("putin OR", '"OR" needs a word on each side.', ["putin"]),
        ("putin OR OR macron", '"OR" needs a word on each side.', ["putin", "macron"]),
        ("putin - macron", '"-" on its own is not a word or an operator.', ["putin", "macron"]),
        ("putin *", '"*" on its own is not a word or an operator.', ["putin"]),
        ("u* putin", '"u*": a prefix search needs at least 3 letters before *.', ["u", "putin"]),
        ("ma* putin", '"ma*": a prefix search needs at least 3 letters before *.', ["ma", "putin"]),
        ("putin outlet:", '"outlet:" needs a value.', ["putin", "outlet"]),
    ],
)
def test_malformed_queries_become_plain_words_with_a_notice(text, notice, words):
    parsed = parse(text)
    assert parsed.notice == f"{notice} Searched for the words instead."
    assert parsed.words == words
    assert parsed.exclude == []


def test_a_bad_date_drops_only_that_filter():
    parsed = parse("putin from:2022-13-45 to:2022-03-01")
    assert (
        parsed.notice
        == '"from:2022-13-45" is not a date (use YYYY-MM-DD); that filter was ignored.'
    )
    assert parsed.words == ["putin"]
    assert parsed.date_from is None
    assert parsed.date_to == date(2022, 3, 1)


@pytest.mark.whoosh_only
def test_snippet_marks_matched_stems_on_escaped_text():
    text = "Talks <b>resumed</b> & the talking went on; no talk of R&D."
    assert snippet(text, {"talk"}) == (
        "<mark>Talks</mark> &lt;b&gt;resumed&lt;/b&gt; &amp; the <mark>talking</mark> went on; "
        "no <mark>talk</mark> of R&amp;D."
    )


@pytest.mark.whoosh_only
def test_snippet_without_a_match_is_the_escaped_opening():
    assert snippet("A <quiet> day.", {"storm"}) == "A &lt;quiet&gt; day."


@pytest.mark.whoosh_only
def test_snippet_of_a_long_text_shows_the_matching_part():
    text = "Filler words here. " * 200 + "The ceasefire held overnight. " + "More filler. " * 200
    result = snippet(text, {"ceasefir"})
    assert "<mark>ceasefire</mark> held overnight." in result
    assert result.startswith("… ") and result.endswith(" …")
    assert len(result) < 400


@pytest.mark.whoosh_only
def test_snippet_picks_the_earliest_of_equal_fragments_every_time():
    """Three fragments that match equally: the snippet shows the first two, whatever the
    fragments' places in memory (the highlighter's own tie-break)."""
    filler = "Nothing else happened in the town that week at all. " * 5
    text = f"Grain alpha left. {filler}Grain beta left. {filler}Grain gamma left."
    results = {snippet(text, {"grain"}) for _ in range(30)}
    assert len(results) == 1
    (result,) = results
    assert "<mark>Grain</mark> alpha" in result and "<mark>Grain</mark> beta" in result
    assert "gamma" not in result


def test_spellings_expand_alias_surnames_and_full_aliases():
    from search.names import build

    spellings = build(
        [
            ("Zelenskyy", "Volodymyr Zelensky"),
            ("Volodymyr Zelenskyy", "Volodymyr Zelensky"),
            ("Anthony Blinken", "Antony Blinken"),
            ("Putin", "Vladimir Putin"),
            ("Emmanuel Macon", "Emmanuel Macron"),
        ]
    )
    assert spellings.expand("Zelenskyy") == ["Volodymyr Zelensky", "Zelensky"]
    assert spellings.expand("anthony blinken") == ["Antony Blinken"]
    assert spellings.expand("Macon") == ["Macron"]
    # a surname alone that is the canonical surname needs nothing more: every story with
    # "Vladimir Putin" has "Putin" already
    assert spellings.expand("Putin") == []
    assert spellings.expand("Blinken") == []
    assert spellings.expand("Anthony") == []  # given names are not rewritten on their own


def test_spellings_skip_names_that_contain_the_words_searched():
    from search.names import build

    pairs = [("President", f"{title} President") for title in ("Vice", "Former", "Acting")]
    spellings = build(
        [*pairs, ("Prezident", "Vice President"), ("Zelenskyy", "Volodymyr Zelensky")]
    )
    assert spellings.expand("president") == []
    assert spellings.expand("Vice President") == []
    assert spellings.expand("prezident") == ["President", "Vice President"]
    assert spellings.expand("Volodymyr Zelenskyy") == []  # not an alias as a whole
    assert spellings.expand("Zelenskyy") == ["Volodymyr Zelensky", "Zelensky"]


@pytest.mark.whoosh_only
def test_columns_read_in_one_piece_match_whooshs_reader(seeded, django_capture_on_commit_callbacks):
    """The search page's columns, read in bulk, hold what Whoosh's own per-document reader
    gives, on one segment and on several (a write after the seeds adds a segment)."""
    from archive.models import Article
    from search.engine import index
    from search.engine.fastpaths import column_values

    names = ("month", "day", "cluster", "person_col", "outlet_slug", "speaker")

    def both(reader):
        return [
            (column_values(reader.column_reader(n)), list(reader.column_reader(n))) for n in names
        ]

    with index.open_index().searcher() as s:
        pairs = both(s.reader())
    assert all(fast == slow for fast, slow in pairs)
    months = pairs[0][0]
    assert len(months) > 5  # the stories and their quotes
    assert {m for m in months if m} and all(re.fullmatch(rb"\d{4}-\d{2}", m) for m in months if m)
    assert any(day >= 20000101 for day in pairs[1][0])

    story = Article.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        story.title = story.title + " (updated)"
        story.save()
    with index.open_index().searcher() as s:
        assert len(s.reader().leaf_readers()) > 1
        assert all(fast == slow for fast, slow in both(s.reader()))


@pytest.mark.whoosh_only
def test_a_name_that_finds_nothing_more_than_the_words_is_not_searched(monkeypatch):
    from search import names
    from search.engine import compile
    from search.engine.schema import TEXT_FIELDS, build_schema

    spellings = names.build(
        [
            ("Border", "Borders"),
            ("Border", "Doctors Without Borders"),
            ("Zelenskyy", "Volodymyr Zelensky"),
            ("Anthony Blinken", "Antony Blinken"),
            ("Health Care", "Health Care Act"),
        ]
    )
    monkeypatch.setattr(names, "current", lambda: spellings)
    schema, fields_ = build_schema(), tuple(TEXT_FIELDS)

    def searched(q):
        return str(compile.text_query(schema, parse(q), fields_))

    # both stem to what "border" finds already
    assert spellings.expand("border") == ["Borders", "Doctors Without Borders"]
    assert "doctor" not in searched("border") and searched("border").count("border") == 6
    # another spelling finds other stories
    assert "people:zelenski^" in searched("Zelenskyy") and "zelenskyi" in searched("Zelenskyy")
    assert "antoni" in searched("Anthony Blinken")
    # a phrase held whole in the name adds nothing; the words apart are not a phrase
    assert "act" not in searched('"health care"')


@pytest.mark.whoosh_only
def test_every_word_of_a_phrase_is_highlighted():
    from types import SimpleNamespace

    from search.engine.highlight import highlight_terms

    parsed = parse('"Vladimir Putin" talks -Kremlin')
    searcher = SimpleNamespace(reader=lambda: None)  # no prefix to expand
    assert highlight_terms(parsed, searcher) == {"vladimir", "putin", "talk"}
