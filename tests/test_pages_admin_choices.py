"""Person choices in the admin are search-as-you-type: the mention's person, the quote's
speaker, and the person (or outlet) to keep in a merge of many."""

import re

import pytest

from archive.models import Mention, Person, Quote
from tests import curation_helpers
from tests.curation_helpers import make_article, make_person

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client

PEOPLE = "/admin/archive/person/"


def select_tag(html, name):
    """The opening ``<select>`` tag of the field ``name``."""
    tags = re.findall(rf'<select name="{name}"[^>]*>', html)
    assert len(tags) == 1, name
    return tags[0]


def test_story_edit_page_chooses_people_by_search(curator_client):
    article = make_article("story")
    person = make_person("Ann Lee")
    Mention.objects.create(article=article, person=person)
    Quote.objects.create(article=article, speaker=person, text="Peace.")
    html = curator_client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    for name in ("mentions-0-person", "quotes-0-speaker"):
        tag = select_tag(html, name)
        assert 'class="admin-autocomplete"' in tag, name
        assert 'data-ajax--url="/admin/autocomplete/"' in tag, name
    # the choice holds the chosen person only, not every person of the archive
    make_person("Bob Roe")
    html = curator_client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    assert "Bob Roe" not in html


def test_merge_of_a_few_lists_them_with_radios(curator_client):
    ids = [str(make_person(f"Ann Lee {n}").pk) for n in range(12)]
    html = curator_client.post(
        PEOPLE, {"action": "merge_selected", "_selected_action": ids}
    ).content.decode()
    assert html.count('type="radio" name="keep"') == 12
    assert "admin-autocomplete" not in html


def test_merge_of_many_chooses_the_one_to_keep_by_search(curator_client):
    people = [make_person(f"Ann Lee {n:02d}") for n in range(13)]
    outsider = make_person("Bob Roe")
    ids = [str(p.pk) for p in people]
    html = curator_client.post(
        PEOPLE, {"action": "merge_selected", "_selected_action": ids}
    ).content.decode()
    assert 'type="radio"' not in html
    tag = select_tag(html, "keep")
    assert 'class="admin-autocomplete"' in tag
    assert 'data-field-name="person"' in tag
    assert "The 13 selected:" in html
    # someone outside the selection is refused
    response = curator_client.post(
        PEOPLE,
        {
            "action": "merge_selected",
            "_selected_action": ids,
            "apply": "1",
            "keep": str(outsider.pk),
            "name": "",
        },
    )
    assert response.status_code == 200
    assert "Choose one of the selected people." in response.content.decode()
    assert Person.objects.count() == 14
    response = curator_client.post(
        PEOPLE,
        {
            "action": "merge_selected",
            "_selected_action": ids,
            "apply": "1",
            "keep": str(people[3].pk),
            "name": "",
        },
    )
    assert response.status_code == 302
    assert sorted(Person.objects.values_list("name", flat=True)) == ["Ann Lee 03", "Bob Roe"]


def test_person_autocomplete_finds_people_for_the_merge_and_the_inlines(curator_client):
    make_person("Émile Zola")
    make_person("Otto Dix")
    for model, field in (("mention", "person"), ("quote", "speaker")):
        response = curator_client.get(
            "/admin/autocomplete/",
            {"term": "zola", "app_label": "archive", "model_name": model, "field_name": field},
        )
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == ["Émile Zola"]


def test_people_in_the_admin_sort_ignoring_case_and_accents(curator_client):
    for name in ["Otto Dix", "Émile Zola", "eve Arden", "Emma Stone", "Zoe Ball"]:
        make_person(name)
    response = curator_client.get(
        "/admin/autocomplete/",
        {"term": "", "app_label": "archive", "model_name": "mention", "field_name": "person"},
    )
    shown = [r["text"] for r in response.json()["results"]]
    assert shown == ["Émile Zola", "Emma Stone", "eve Arden", "Otto Dix", "Zoe Ball"]
    html = curator_client.get(PEOPLE).content.decode()
    listed = re.findall(r'<th class="field-name"><a href="[^"]+">([^<]+)</a>', html)
    assert listed == ["Émile Zola", "Emma Stone", "eve Arden", "Otto Dix", "Zoe Ball"]
