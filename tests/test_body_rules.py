"""Body and standfirst rules on other sites' boilerplate, and stories held back as no article."""

import pytest

from archive.importer import run_import
from archive.ingest import clean, pipeline
from archive.ingest.readers import RawStory
from archive.models import Article
from tests import curation_helpers
from tests.curation_helpers import changelist_titles

curator = curation_helpers.curator
curator_client = curation_helpers.curator_client

SENTENCE = "The council met on Tuesday and voted on the new budget for the city after a debate."


@pytest.mark.parametrize(
    "line, reason",
    [
        ("Image copyright AFP Image caption Protesters gathered outside", "caption"),
        ("Image caption The minister arrived on Monday", "caption"),
        ("Media playback is unsupported on your device", "media player"),
        ("(Dado Ruvic/Illustration/File Photo/Reuters)", "photo credit"),
        ("Photo : Shutterstock", "photo credit"),
        ("Photo: Jane Roe/Getty Images", "photo credit"),
        ("Tempo de leitura: 2 minutos", "reading time"),
        ("Reading time: 4 min", "reading time"),
        ("5 min read", "reading time"),
        ("FULL TEXT.", "label"),
        ("ABSTRACT.", "label"),
        ("Advertisement", "label"),
        ("Advertisement - story continues below", "advertisement"),
        ("Editor's note: This story was updated on Monday.", "editor's note"),
        ("Also on rt.com Moscow says talks will go on", "promo link"),
        (
            "Start the day smarter: Get USA TODAY's Daily Briefing in your inbox",
            "newsletter pitch",
        ),
    ],
)
def test_boilerplate_lines(line, reason):
    assert clean.boilerplate_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "The photo: a crowd outside parliament, taken by a passer-by, went round the world.",
        "Full text of the agreement was published on Monday, officials said.",
        "Also on Tuesday, the council voted on the budget.",
        "The advertisement ran for three weeks before it was withdrawn.",
    ],
)
def test_story_sentences_are_not_boilerplate(line):
    assert clean.boilerplate_reason(line) is None


def test_related_posts_list_is_dropped_with_its_headlines():
    lines = [
        SENTENCE,
        "Related posts",
        "Council sets new tax rate",
        "Mayor opens bridge",
        SENTENCE + " Later.",
    ]
    kept, removed = clean.clean_lines(lines)
    assert [line for _, line in kept] == [SENTENCE, SENTENCE + " Later."]
    assert [r.reason for r in removed] == ["related headlines"] * 3


@pytest.mark.parametrize(
    "second_line",
    [
        "Image copyright AFP Image caption Protesters gathered outside",
        "Media playback is unsupported on your device",
        "Sarah Brookbank and Max Londberg",
        "Tempo de leitura: 2 minutos",
        "WASHINGTON (AP) — New uncertainty hangs over the race.",
    ],
)
def test_text_standfirst_is_never_a_caption_credit_player_byline_or_dateline(second_line):
    text = f"Budget passes\n\n{second_line}\n\n{SENTENCE}\n\n{SENTENCE} Again."
    story = pipeline.extract(RawStory(source="a.txt", text=text))
    assert story.standfirst == ""


@pytest.mark.parametrize(
    "paragraphs, extracted, reason",
    [
        (["To order presentation-ready copies for distribution, use the Reprints form.",
          "https://www.barrons.com/articles/x"], True, "not an article: a reprint notice"),
        (["Already a subscriber? Log in to read the full story.", SENTENCE], True,
         "not an article: a paywall notice"),
        ([SENTENCE], True, "not an article: only 17 words"),
        ([SENTENCE], False, None),  # a short text file is what its author wrote
        ([SENTENCE] * 3, True, None),
    ],
)  # fmt: skip
def test_not_an_article(paragraphs, extracted, reason):
    assert clean.not_an_article(paragraphs, extracted=extracted) == reason


def page(body):
    return (
        "<html><head><title>Markets rally</title></head><body><h1>Markets rally</h1>"
        f"<article>{body}</article></body></html>"
    ).encode()


def test_a_stub_page_is_imported_for_review_with_the_reason_in_the_queue(db, curator_client):
    stub = page(
        "<p>This copy is for your personal, non-commercial use only. To order presentation-ready "
        "copies for distribution, use the Reprints form.</p><p>https://www.example.com/x</p>"
    )
    full = page("".join(f"<p>{SENTENCE} Part {n}.</p>" for n in range(4)))
    result = run_import([("stub.html", stub), ("full.html", full)])
    assert result.created == 2
    assert dict(Article.objects.values_list("source", "status")) == {
        "stub.html": "new",
        "full.html": "published",
    }
    response = curator_client.get("/admin/archive/article/?attention=not_article")
    assert changelist_titles(response) == ["Markets rally"]
    assert (
        '<td class="field-attention"><span class="flag">no outlet</span> '
        '<span class="flag">no date</span> '
        '<span class="flag">no people</span> '
        '<span class="flag">not an article: a reprint notice</span></td>'
        in response.content.decode()
    )
