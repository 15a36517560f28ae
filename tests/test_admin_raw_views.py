"""The raw/clean view of the story edit page for every format: the input as its reader read
it, removed lines struck through and restorable."""

import json

import pytest

from archive import curation
from archive.history import records_for
from archive.importer import import_uploads
from archive.models import Article
from tests import curation_helpers
from tests.curation_helpers import messages_of
from tests.test_admin_edit import change_url, form_data

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client

RECORD = {
    "title": "Council approves new budget",
    "date_publish": "2022-02-08",
    "url": "https://example.com/budget",
    "authors": ["Ann Lee"],
    "maintext": (
        "The council voted on Tuesday to approve the budget for next year.\n"
        "The budget includes money for roads and schools across the district.\n"
        "READ MORE: <b>Council</b> leader resigns\n"
        "Opposition members said the plan did not go far enough.\n"
        "Source link"
    ),
    "language": "en",
}

PAGE = """<!doctype html><html lang="en"><head><title>Harbour plan approved | Coast News</title>
<meta property="og:site_name" content="Coast News"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour plan approved</h1>
<p>The harbour board voted on Monday to approve the new plan for the old docks.</p>
<p>The plan includes housing, a ferry terminal and a public park beside the water.</p>
<p>READ MORE: Harbour master retires after forty years</p>
<p>Local residents said the plan had taken far too long to arrive at a decision.</p>
<p>Source link</p>
</article><footer>Copyright Coast News</footer></body></html>"""


def _import(name, data):
    result = import_uploads([(name, data)], review=True)
    return Article.objects.get(pk=result.outcomes[0].article_id)


@pytest.fixture
def jsonl_story(db):
    return _import("export.jsonl", (json.dumps(RECORD) + "\n").encode())


@pytest.fixture
def html_story(db):
    return _import("harbour.html", PAGE.encode())


def test_jsonl_record_is_shown_field_by_field_with_its_text_line_by_line(
    curator_client, jsonl_story
):
    assert jsonl_story.removed == [
        {"index": 3, "text": "READ MORE: <b>Council</b> leader resigns", "reason": "promo link"},
        {"index": 5, "text": "Source link", "reason": "source footer"},
    ]
    html = curator_client.get(change_url(jsonl_story)).content.decode()
    assert "<h3>JSON Lines record (6 fields, 2 lines removed)</h3>" in html
    assert "<dt>date_publish</dt><dd>2022-02-08</dd>" in html
    assert "<dt>authors</dt><dd>[&quot;Ann Lee&quot;]</dd>" in html
    assert "<dt>maintext (5 lines)</dt>" in html
    assert (
        '<li value="2">The council voted on Tuesday to approve the budget for next year.</li>'
        in html
    )
    assert (
        '<li value="4" class="removed"><del>READ MORE: &lt;b&gt;Council&lt;/b&gt; leader '
        'resigns</del> <span class="reason">removed: promo link</span> <button type="submit" '
        'name="_restore_line" value="3" class="button">Restore</button></li>'
    ) in html
    assert '<li value="6" class="removed"><del>Source link</del>' in html
    assert "<b>Council</b>" not in html
    assert "{&quot;title&quot;" not in html  # no JSON blob


def test_jsonl_restore_puts_the_line_back_where_it_stood(curator_client, jsonl_story):
    data = form_data(curator_client.get(change_url(jsonl_story)))
    data["_restore_line"] = "3"
    response = curator_client.post(change_url(jsonl_story), data)
    assert response.status_code == 302
    assert messages_of(curator_client.get(change_url(jsonl_story))) == [
        "Restored “READ MORE: <b>Council</b> leader resigns” as paragraph 2."
    ]
    jsonl_story.refresh_from_db()
    assert jsonl_story.paragraphs == [
        "The budget includes money for roads and schools across the district.",
        "READ MORE: <b>Council</b> leader resigns",
        "Opposition members said the plan did not go far enough.",
    ]
    assert jsonl_story.removed == [{"index": 5, "text": "Source link", "reason": "source footer"}]
    html = curator_client.get(change_url(jsonl_story)).content.decode()
    assert "<h3>JSON Lines record (6 fields, 1 lines removed)</h3>" in html
    assert '<li value="4">READ MORE: &lt;b&gt;Council&lt;/b&gt; leader resigns</li>' in html


def test_html_page_shows_the_lines_the_reader_extracted_and_restores(curator_client, html_story):
    assert html_story.raw_format == "html"
    assert [r["index"] for r in html_story.removed] == [3, 5]
    html = curator_client.get(change_url(html_story)).content.decode()
    assert "<h3>Text as the reader extracted it (6 lines, 2 removed)</h3>" in html
    assert '<li value="1">Harbour plan approved</li>' in html
    assert (
        '<li value="3">The plan includes housing, a ferry terminal and a public park beside '
        "the water.</li>"
    ) in html
    assert (
        '<li value="4" class="removed"><del>READ MORE: Harbour master retires after forty '
        'years</del> <span class="reason">removed: promo link</span> <button type="submit" '
        'name="_restore_line" value="3" class="button">Restore</button></li>'
    ) in html
    assert "&lt;nav&gt;" not in html and "&lt;p&gt;" not in html  # no markup
    data = form_data(curator_client.get(change_url(html_story)))
    data["_restore_line"] = "3"
    curator_client.post(change_url(html_story), data)
    html_story.refresh_from_db()
    assert html_story.paragraphs[-2:] == [
        "READ MORE: Harbour master retires after forty years",
        "Local residents said the plan had taken far too long to arrive at a decision.",
    ]


def test_unreadable_raw_input_is_shown_as_stored_with_the_reason(curator_client, html_story):
    Article.objects.filter(pk=html_story.pk).update(raw="<html><body><p>Menu</p></body></html>")
    html_story.refresh_from_db()
    read = curation.read_input(html_story)
    assert read.lines == ["<html><body><p>Menu</p></body></html>"]
    assert read.problem == "no article found in the page: no body text"
    html = curator_client.get(change_url(html_story)).content.decode()
    assert (
        "The reader could not read the raw input again (no article found in the page: no body "
        "text); its lines are shown as stored."
    ) in html


def test_a_view_only_user_sees_the_record_without_restore_buttons(client, jsonl_story):
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    html = client.get(change_url(jsonl_story)).content.decode()
    assert "<h3>JSON Lines record (6 fields, 2 lines removed)</h3>" in html
    assert '<li value="6" class="removed"><del>Source link</del>' in html
    assert 'name="_restore_line"' not in html


def test_a_body_posted_by_a_browser_keeps_its_paragraphs(curator_client, jsonl_story):
    """Browsers send a textarea's line breaks as CRLF: the body keeps one kind of break, an
    unedited body is not marked curated, and a restore still finds its place."""
    data = form_data(curator_client.get(change_url(jsonl_story)))
    data["body"] = data["body"].replace("\n", "\r\n")
    data["_restore_line"] = "5"
    curator_client.post(change_url(jsonl_story), data)
    jsonl_story.refresh_from_db()
    assert "\r" not in jsonl_story.body
    assert jsonl_story.paragraphs == [
        "The budget includes money for roads and schools across the district.",
        "Opposition members said the plan did not go far enough.",
        "Source link",
    ]
    assert messages_of(curator_client.get(change_url(jsonl_story))) == [
        "Restored “Source link” as paragraph 3."
    ]
    entry = [r for r in records_for(jsonl_story) if r.action == "change"]
    assert entry == []  # nothing but the restore changed
