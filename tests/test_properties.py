"""Property tests: extraction and search never fail on arbitrary input.

- ``pipeline.extract`` on any text either raises ``ExtractionError`` (its documented error
  for a story with no headline or no text) or returns a story that accounts for every line
  of the input: each non-empty input line is the headline, a standfirst line, a body
  paragraph or a removed line (kept with its position and reason), or a ``Source link``
  footer glued to a line that is itself kept or removed. So no word of the input is lost.
- ``search.api.parse`` on any string returns a ``ParsedQuery``; the ``/search/`` page on
  any ``q``, ``page``, ``in``, ``sort`` and filter values answers 200, never a 500.

Example counts are modest so that the suite stays fast; the ``ci`` profile (selected with
``HYPOTHESIS_PROFILE=ci``) is derandomised so that a CI run is repeatable, and
``HYPOTHESIS_PROFILE=thorough`` runs 2,000 examples per test to hunt for new failures.
"""

import json
import os
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.importer import import_uploads
from archive.ingest import clean, pipeline
from archive.ingest.readers import RawStory, normalise_text
from archive.models import Article
from search.api import ParsedQuery, parse
from tests.search_helpers import article, person

settings.register_profile("default", max_examples=150, deadline=None, database=None)
settings.register_profile("ci", max_examples=150, deadline=None, database=None, derandomize=True)
settings.register_profile("thorough", max_examples=2000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Lines like the ones real stories carry, so that the generated stories reach every rule of
# the cleaner and the header/standfirst logic, not only the "plain paragraph" path.
STORY_LINES = [
    "Daily Defender",
    "Breaking news since 1990",
    "World",
    "Macron and Putin hold talks in Moscow",
    "Published 7 February 2022",
    "Monday, 7 February 2022",
    "The leaders met for five hours",
    "• Macron flew to Moscow",
    "- Putin said the talks were useful",
    "Emmanuel Macron said: “We have made progress.”",
    "“It was a frank discussion,” Putin told reporters.",
    "‘Nested “quotes” here’ she said.",
    "READ MORE: Putin's demands explained",
    "Please use Chrome browser for a more accessible video player",
    "2:46",
    "Macron and Putin at the Kremlin",
    "More on Russia",
    "Sign up to our newsletter for the latest news in your inbox",
    "Your support helps us to tell the story",
    "Articles You May Like",
    "Short headline without a stop",
    "Source link",
    "Source linkThe rest of the line stays.",
    "Source: Read Full Article",
    "12 comments",
    "Subscribe now for full access",
    "The Independent is trusted by 27 million people",
    "A repeated paragraph of more than five words here.",
    "A repeated paragraph of more than five words here.",
    "Share this article",
    "",
    "   ",
]
unicode_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80
)
story_line = st.one_of(st.sampled_from(STORY_LINES), unicode_text)
story_text = st.one_of(
    st.lists(story_line, max_size=25).map("\n".join),
    st.text(max_size=400),
)

FOOTER = clean.FOOTER_PREFIX


def input_lines(text):
    """The lines ``extract`` works on: normalised, stripped, without blank lines."""
    return [line.strip() for line in normalise_text(text).split("\n") if line.strip()]


def accounted(line, story, removed_texts, paragraphs, standfirst):
    """Whether ``line`` of the input is found whole in ``story``'s output."""
    if line == story.title or line in paragraphs or line in removed_texts:
        return True
    if line in standfirst or pipeline.BULLET.sub("", line).strip() in standfirst:
        return True
    footer = FOOTER.match(line)
    if footer and footer.group(0) in removed_texts:
        rest = line[footer.end() :].strip()
        return rest in paragraphs or rest in removed_texts
    return False


@given(st.text(alphabet=st.sampled_from(" \t—,.!_'’AbÉéz19\u00a0\u200f"), max_size=40))
def test_a_paragraph_key_is_its_words_one_space_apart_in_lower_case(line):
    # Repeated paragraphs are found by this key: punctuation and spacing do not count.
    key = clean.paragraph_key(line)
    assert key == re.sub(r"\W+", " ", line).strip().lower()
    assert clean.paragraph_key(f"  {line.upper()} !! ") == key


def test_paragraph_keys_of_a_repeated_paragraph_agree():
    assert clean.paragraph_key("  — Talks, he said,   will go on!") == "talks he said will go on"
    assert clean.paragraph_key("Talks he said will go on") == "talks he said will go on"
    assert clean.paragraph_key("Élysée’s __plan__") == "élysée s __plan__"


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(story_text)
def test_extract_raises_only_extraction_error_and_loses_no_line(text):
    raw = RawStory(source="generated.txt", text=text)
    try:
        story = pipeline.extract(raw)
    except pipeline.ExtractionError as exc:
        # Only for a story with no text, no headline or no body (all of it boilerplate).
        message = str(exc)
        assert message.startswith(("empty story", "no headline", "no body")), message
        assert (not input_lines(raw.text)) == message.startswith("empty story")
        return
    lines = input_lines(raw.text)  # as received, less what cannot be stored (NUL)
    assert lines, "a story came out of an empty input"
    removed_texts = {r["text"] for r in story.removed}
    paragraphs = set(story.paragraphs)
    standfirst = set(story.standfirst.split("\n")) if story.standfirst else set()
    lost = [
        line for line in lines if not accounted(line, story, removed_texts, paragraphs, standfirst)
    ]
    assert lost == []
    # Every word of the input is in the output: the word-level form of the same promise.
    output = "\n".join([story.title, story.standfirst, *story.paragraphs, *removed_texts])
    for line in lines:
        for word in FOOTER.sub(lambda m: m.group(0) + " ", line).split():
            if re.search(r"\w", word):  # a bullet mark is layout, not a word
                assert word in output, word
    # The removed record points at the line each piece came from, and says why.
    for entry in story.removed:
        assert entry["text"] in lines[entry["index"]]
        assert entry["reason"]
    # Nothing is invented: every paragraph is (part of) an input line.
    for paragraph in story.paragraphs:
        assert any(paragraph in line for line in lines), paragraph
    for quote in story.quotes:
        assert 0 <= quote.paragraph < len(story.paragraphs)


def test_extract_documents_its_error_for_unusable_input():
    for text in ("", "   \n\n\t", "\n"):
        with pytest.raises(pipeline.ExtractionError, match="empty story"):
            pipeline.extract(RawStory(source="x.txt", text=text))
    with pytest.raises(pipeline.ExtractionError, match="no body"):
        pipeline.extract(RawStory(source="x.txt", text="Only a headline"))
    with pytest.raises(pipeline.ExtractionError, match="no body"):
        pipeline.extract(
            RawStory(source="x.txt", text="A headline\nREAD MORE: elsewhere\nSource link")
        )


# --- Search ------------------------------------------------------------------------------

QUERY_PIECES = [
    '"',
    "-",
    "*",
    "OR",
    "AND",
    "outlet:",
    "person:",
    "from:",
    "to:",
    "from:2022-13-45",
    "to:0000",
    "from:9999-12-31",
    'outlet:"Daily Mirror"',
    "person:zelensky",
    "ceasefire",
    "talk*",
    "t*",
    "-talks",
    '-"white house"',
    "ünïcödé",
    "Кремль",
    "مرحبا",
    "\x00",
    "%",
    "'",
    "<script>",
]
query_text = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(QUERY_PIECES), max_size=8).map(" ".join),
    st.lists(st.sampled_from(QUERY_PIECES), max_size=8).map("".join),
)


@given(query_text)
def test_query_parser_never_raises(text):
    parsed = parse(text)
    assert isinstance(parsed, ParsedQuery)
    assert len(parsed.text) <= 500
    for group in parsed.groups:
        assert group, "an empty OR group"
        for atom in group:
            assert atom.kind in ("word", "phrase", "prefix")
            assert atom.text.strip()
    if parsed.notice:
        assert parsed.notice.endswith(("instead.", "ignored."))


@pytest.fixture
def small_archive(db, django_capture_on_commit_callbacks):
    """Four stories in the index, two outlets, two people, quotes."""
    with django_capture_on_commit_callbacks(execute=True):
        zelensky = person("Volodymyr Zelensky", "Zelenskyy")
        macron = person("Emmanuel Macron", "Macron")
        article(
            "Zelensky rallies Kyiv",
            "The president spoke of resistance in Kyiv.",
            outlet="Daily Mirror",
            published="2022-02-24",
            people=[zelensky],
            quotes=[(zelensky, "We will defend our country")],
        )
        article(
            "Macron hosts summit in Paris",
            "Leaders met for ceasefire talks.",
            outlet="Le Monde",
            published="2022-02-10",
            people=[macron],
            quotes=[(macron, "Talks are the only way to peace")],
        )
        article("Ceasefire talks stall", "Talks stalled again.", outlet="Daily Mirror")
        article(
            "مرحبا بالعالم", "نص عربي عن المحادثات", outlet="Al Jazeera", published="2022-03-01"
        )


param_value = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "0", "-1", "2", "99999999999999999999", "1e3", "١٢", "2022", "2022-02", "2022-02-30",
         "9999-12-31", "0000-01-01", "daily-mirror", "le-monde", "volodymyr-zelensky",
         "quotes", "newest", "oldest", "relevance", "<script>"]
    ),
)  # fmt: skip
search_params = st.fixed_dictionaries(
    {},
    optional={
        key: st.lists(param_value, min_size=1, max_size=3)
        for key in ("q", "page", "in", "sort", "outlet", "person", "from", "to")
    },
)
SEARCH = reverse("search:search")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=search_params, q=query_text)
def test_search_page_never_fails(client, small_archive, params, q):
    params = {**params, "q": [q, *params.get("q", [])]}
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>" not in re.sub(r"<script[^>]*src=", "", body)


@pytest.mark.parametrize(
    "query_string",
    [
        "q=%00",
        "q=a%00b&page=%00",
        "outlet=%00",
        "person=%00&in=quotes",
        "q=outlet:%00x",
        "from=%00",
        "q=%ff%fe",
        "page=%F0%9F%98%80",
        "%00=1",
    ],
)
def test_search_page_survives_raw_bytes_in_the_query_string(client, small_archive, query_string):
    response = client.get(f"{SEARCH}?{query_string}")
    assert response.status_code == 200


# --- Importer ----------------------------------------------------------------------------

UNEXPECTED = re.compile(r"^(unreadable: )?[A-Z]\w*(Error|Exception)\b")
file_bytes = st.one_of(
    st.binary(max_size=600),
    story_text.map(lambda text: text.encode("utf-8")),
    story_text.map(lambda text: text.encode("utf-16")),
    st.lists(unicode_text, max_size=4).map(
        lambda texts: "\n".join(
            json.dumps({"title": t, "text": t + " body"}, ensure_ascii=False) for t in texts
        ).encode("utf-8", "surrogatepass")
    ),
    st.just(b"<html><body><article><p>" + b"Body words here. " * 5 + b"</p></article>"),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=file_bytes)
def test_importing_arbitrary_bytes_reports_every_failure_by_name(db, data):
    result = import_uploads([("upload.txt", data)])
    assert result.outcomes, "a file vanished from the report"
    for outcome in result.outcomes:
        assert outcome.source.startswith("upload.txt")
        assert outcome.status in ("created", "unchanged", "failed")
        if outcome.status == "failed":
            # a clear reason, not a caught crash ("TypeError: ...")
            assert outcome.reason and not UNEXPECTED.match(outcome.reason), outcome.reason
        else:
            stored = Article.objects.get(pk=outcome.article_id)
            assert "\x00" not in stored.raw + stored.body + stored.title


READER_PAGES = [
    "/",
    "/outlets/",
    "/outlets/daily-mirror/",
    "/people/",
    "/people/volodymyr-zelensky/",
    "/quotes/",
    "/dates/",
    "/dates/2022/",
    "/dates/2022/02/",
    "/dates/undated/",
    "/feeds/latest/",
]
reader_params = st.fixed_dictionaries(
    {},
    optional={
        key: st.lists(param_value, min_size=1, max_size=2)
        for key in ("page", "q", "letter", "speaker", "outlet", "month", "sort")
    },
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=st.sampled_from(READER_PAGES), params=reader_params)
def test_reader_pages_never_fail_on_any_parameters(client, small_archive, url, params):
    response = client.get(url, params)
    # a bad page number or month is a friendly 404; nothing is ever a 500
    assert response.status_code in (200, 404)
