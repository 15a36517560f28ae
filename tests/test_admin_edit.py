"""Editing a story: curated marking, inlines, raw and clean side by side, restore, history."""

import pytest
from django.contrib.auth.models import Permission, User

from archive.history import records_for
from archive.importer import import_uploads
from archive.models import Article, Person, Quote
from tests import curation_helpers
from tests.curation_helpers import messages_of

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client

STORY = b"""Council approves new budget
The council voted on Tuesday to approve the budget for next year.
The budget includes money for roads and schools across the district.
READ MORE: <script>alert(1)</script> Council leader resigns
Opposition members said "the plan did not go far enough", Ann Lee said.
Source link
"""


def change_url(article):
    return f"/admin/archive/article/{article.pk}/change/"


def form_data(response):
    """The POST data of an admin change form as rendered (the form and its inlines)."""
    data = {}

    def add(form):
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


@pytest.fixture
def story(db):
    result = import_uploads([("budget.txt", STORY)], review=True)
    return Article.objects.get(pk=result.outcomes[0].article_id)


def test_edit_marks_changed_fields_curated_and_history_shows_before_and_after(
    curator_client, curator, story
):
    data = form_data(curator_client.get(change_url(story)))
    assert data["curated_fields"] == []
    data["title"] = "Council passes budget <after vote>"
    response = curator_client.post(change_url(story), data)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title == "Council passes budget <after vote>"
    assert story.curated_fields == ["title"]
    entry = records_for(story).get()
    assert (entry.user, entry.action) == (curator, "change")
    assert entry.changes == {
        "title": ["Council approves new budget", "Council passes budget <after vote>"],
        "curated_fields": [[], ["title"]],
    }
    html = curator_client.get(f"/admin/archive/article/{story.pk}/history/").content.decode()
    assert '<td class="before">Council approves new budget</td>' in html
    assert '<td class="after">Council passes budget &lt;after vote&gt;</td>' in html
    assert "<td>cora</td>" in html


def test_unticking_a_curated_field_forgets_it(curator_client, story):
    Article.objects.filter(pk=story.pk).update(curated_fields=["title", "body"])
    data = form_data(curator_client.get(change_url(story)))
    assert data["curated_fields"] == ["title", "body"]
    data["curated_fields"] = ["body"]
    assert curator_client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.curated_fields == ["body"]


def test_inline_quote_and_mention_edits_mark_quotes_and_mentions(curator_client, story):
    other = Person.objects.create(name="Ben Ola")
    data = form_data(curator_client.get(change_url(story)))
    assert data["quotes-TOTAL_FORMS"] == "1"
    # The curator corrects the speaker the importer gave the quote.
    assert data.get("quotes-0-speaker") != str(other.pk)
    data["quotes-0-speaker"] = str(other.pk)
    data["quotes-0-speaker_label"] = "Ben Ola"
    data["quotes-TOTAL_FORMS"] = "2"
    data.update(
        {
            "quotes-1-text": "A second quote.",
            "quotes-1-speaker_label": "a source",
            "quotes-1-paragraph": "0",
            "quotes-1-position": "0",
        }
    )
    response = curator_client.post(change_url(story), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    story.refresh_from_db()
    assert story.curated_fields == ["quotes"]
    quotes = list(story.quotes.values_list("text", "speaker__name", "position"))
    assert quotes == [
        ("the plan did not go far enough", "Ben Ola", 0),
        ("A second quote.", None, 1),
    ]
    data = form_data(curator_client.get(change_url(story)))
    n = int(data["mentions-TOTAL_FORMS"])
    data["mentions-TOTAL_FORMS"] = str(n + 1)
    data.update({f"mentions-{n}-person": str(other.pk), f"mentions-{n}-count": "1"})
    assert curator_client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.curated_fields == ["mentions", "quotes"]
    assert set(story.mentions.values_list("person__name", flat=True)) >= {"Ben Ola"}


def test_raw_and_clean_side_by_side_with_restore_buttons(curator_client, story):
    html = curator_client.get(change_url(story)).content.decode()
    assert "<h3>Raw input (6 lines, 2 removed)</h3>" in html
    assert (
        '<li value="4" class="removed"><del>READ MORE: &lt;script&gt;alert(1)&lt;/script&gt; '
        'Council leader resigns</del> <span class="reason">removed: promo link</span> '
        '<button type="submit" name="_restore_line" value="3" class="button">Restore</button></li>'
    ) in html
    assert "<script>alert(1)</script>" not in html
    assert "<p>The budget includes money for roads and schools across the district.</p>" in html


def test_restore_button_saves_the_form_and_puts_the_line_back(curator_client, story):
    data = form_data(curator_client.get(change_url(story)))
    data["standfirst"] = "Edited standfirst."
    data["_restore_line"] = "5"
    response = curator_client.post(change_url(story), data)
    assert response.status_code == 302
    assert response["Location"] == change_url(story)
    story.refresh_from_db()
    assert story.standfirst == "Edited standfirst."
    assert story.paragraphs[-1] == "Source link"
    assert story.curated_fields == ["standfirst", "body"]
    assert messages_of(curator_client.get(change_url(story))) == [
        "Restored “Source link” as paragraph 3."
    ]
    data = form_data(curator_client.get(change_url(story)))
    data["_restore_line"] = "5"
    curator_client.post(change_url(story), data)
    assert messages_of(curator_client.get(change_url(story))) == [
        "No removed line 5 in this story."
    ]


def test_reextraction_keeps_what_the_curator_edited(curator_client, story):
    """Re-extraction from the raw input restores extracted fields but not curated ones."""
    Article.objects.filter(pk=story.pk).update(standfirst="Stale standfirst", byline="Stale")
    data = form_data(curator_client.get(change_url(story)))
    data["title"] = "Curated title"
    curator_client.post(change_url(story), data)
    story.refresh_from_db()
    assert story.curated_fields == ["title"]
    response = curator_client.post(
        "/admin/archive/article/",
        {"action": "reextract", "index": "0", "_selected_action": [str(story.pk)]},
        follow=True,
    )
    assert messages_of(response)[-1] == "Re-extracted 1 stories: 1 updated, 0 unchanged, 0 failed"
    story.refresh_from_db()
    assert story.title == "Curated title"
    assert story.byline == ""
    assert story.standfirst != "Stale standfirst"


def test_a_view_only_user_cannot_change_a_story(client, story):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    response = client.get(change_url(story))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h3>Raw input (6 lines, 2 removed)</h3>" in html
    assert 'name="_restore_line"' not in html
    response = client.post(change_url(story), {"title": "x", "_restore_line": "3"})
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.title == "Council approves new budget"
    assert Quote.objects.filter(article=story).count() == 1
