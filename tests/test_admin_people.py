"""People and outlets in the admin: search, aliases, merge and split."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.history import records_for
from archive.models import Alias, Article, Mention, Outlet, Person, Quote
from archive.redirects import redirect_for
from tests import curation_helpers
from tests.curation_helpers import make_article, make_person, messages_of

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client

PEOPLE = "/admin/archive/person/"


def test_people_search_finds_a_person_by_alias(curator_client):
    make_person("Emmanuel Macron", "Macon")
    make_person("Vladimir Putin")
    html = curator_client.get(PEOPLE, {"q": "macon"}).content.decode()
    assert ">Emmanuel Macron</a>" in html
    assert "Vladimir Putin" not in html
    assert '<td class="field-alias_names">Macon</td>' in html


def test_people_changelist_query_count_is_fixed(curator_client):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert curator_client.get(PEOPLE).status_code == 200
        return len(ctx.captured_queries)

    make_person("Ann Lee", "A. Lee")
    small = count()
    article = make_article("story")
    for n in range(20):
        person = make_person(f"Person {n}", f"P. {n}")
        Mention.objects.create(article=article, person=person)
    assert count() == small == 8


def test_merge_action_asks_which_to_keep_then_moves_everything(curator_client):
    keep = make_person("Emmanuel Macron")
    typo = make_person("Emanuel Macron")
    article = make_article("story")
    Mention.objects.create(article=article, person=typo, count=2)
    Quote.objects.create(article=article, speaker=typo, text="Peace.")
    ids = [str(keep.pk), str(typo.pk)]
    response = curator_client.post(PEOPLE, {"action": "merge_selected", "_selected_action": ids})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose the person to keep." in html
    assert html.count('type="radio" name="keep"') == 2
    response = curator_client.post(
        PEOPLE,
        {"action": "merge_selected", "_selected_action": ids, "apply": "1", "keep": str(keep.pk)},
    )
    assert response.status_code == 302
    assert list(Person.objects.values_list("name", flat=True)) == ["Emmanuel Macron"]
    assert Mention.objects.get().person == keep
    assert Quote.objects.get().speaker == keep
    assert sorted(keep.aliases.values_list("name", flat=True)) == [
        "Emanuel Macron",
        "Emmanuel Macron",
    ]
    assert redirect_for("person", "emanuel-macron") == "emmanuel-macron"
    assert messages_of(curator_client.get(PEOPLE)) == [
        "Merged Emanuel Macron into Emmanuel Macron: 1 mentions, 1 quotes and 1 aliases moved."
    ]


def test_merge_needs_two_people(curator_client):
    person = make_person("Ann Lee")
    curator_client.post(PEOPLE, {"action": "merge_selected", "_selected_action": [person.pk]})
    assert messages_of(curator_client.get(PEOPLE)) == ["Choose at least two people to merge."]


def test_split_view_confirms_then_splits(curator_client):
    person = make_person("Emmanuel Macron", "Brigitte Macron")
    article = make_article("Visit", body="Brigitte Macron visited a school.")
    Mention.objects.create(article=article, person=person)
    alias = Alias.objects.get(name="Brigitte Macron")
    html = curator_client.get(f"/admin/archive/person/{person.pk}/change/").content.decode()
    assert f'<a href="/admin/archive/alias/{alias.pk}/split/">' in html
    url = f"/admin/archive/alias/{alias.pk}/split/"
    response = curator_client.get(url)
    assert "“Brigitte Macron” becomes a person of its own" in response.content.decode()
    response = curator_client.post(url)
    new = Person.objects.get(name="Brigitte Macron")
    assert response["Location"] == f"/admin/archive/person/{new.pk}/change/"
    assert Mention.objects.get().person == new
    own = Alias.objects.get(person=person)
    curator_client.post(f"/admin/archive/alias/{own.pk}/split/")
    assert messages_of(curator_client.get(PEOPLE))[-1] == (
        "“Emmanuel Macron” is Emmanuel Macron’s own name; rename the person instead."
    )
    response = curator_client.get("/admin/archive/alias/999999/split/", follow=True)
    assert messages_of(response) == ["That alias no longer exists."]


def test_adding_an_alias_inline_computes_its_key(curator_client):
    person = make_person("Emmanuel Macron")
    url = f"/admin/archive/person/{person.pk}/change/"
    own = person.aliases.get()
    data = {
        "name": "Emmanuel Macron",
        "slug": person.slug,
        "aliases-TOTAL_FORMS": "2",
        "aliases-INITIAL_FORMS": "1",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "aliases-0-id": str(own.pk),
        "aliases-0-person": str(person.pk),
        "aliases-0-name": "Emmanuel Macron",
        "aliases-1-person": str(person.pk),
        "aliases-1-name": "Président Macron",
    }
    assert curator_client.post(url, data).status_code == 302
    assert Alias.objects.get(name="Président Macron").key == "president macron"
    assert records_for(person).get().changes == {
        "aliases": [[], ["Président Macron → Emmanuel Macron"]]
    }


def test_outlet_merge_action(curator_client):
    keep = Outlet.objects.create(name="Daily Post")
    old = Outlet.objects.create(name="The Daily Post")
    article = make_article("story", outlet=old)
    curator_client.post(
        "/admin/archive/outlet/",
        {
            "action": "merge_selected",
            "_selected_action": [keep.pk, old.pk],
            "apply": "1",
            "keep": str(keep.pk),
        },
    )
    article.refresh_from_db()
    assert (article.outlet, article.curated_fields) == (keep, ["outlet"])
    assert list(Outlet.objects.values_list("name", flat=True)) == ["Daily Post"]
    assert redirect_for("outlet", "the-daily-post") == "daily-post"
    assert Article.objects.count() == 1


def test_merge_form_shows_counts_and_sets_the_final_name(curator_client, curator):
    keep = make_person("Emmanuel Macron")
    typo = make_person("Emanuel Macron")
    one, two = make_article("one"), make_article("two")
    Mention.objects.create(article=one, person=keep, count=3)
    Mention.objects.create(article=two, person=keep)
    Mention.objects.create(article=one, person=typo)
    Quote.objects.create(article=one, speaker=typo, text="Peace.")
    ids = [str(keep.pk), str(typo.pk)]
    html = curator_client.post(
        PEOPLE, {"action": "merge_selected", "_selected_action": ids}
    ).content.decode()
    assert html.index("Emmanuel Macron (emmanuel-macron): 2 stories, 0 quotes") < html.index(
        "Emanuel Macron (emanuel-macron): 1 story, 1 quote"
    )
    assert (
        '<label for="id_name">Final name:</label> <input type="text" name="name" '
        'maxlength="200" aria-describedby="id_name_helptext" id="id_name">'
    ) in html
    assert "style=" not in html
    response = curator_client.post(
        PEOPLE,
        {
            "action": "merge_selected",
            "_selected_action": ids,
            "apply": "1",
            "keep": str(typo.pk),
            "name": "  Emmanuel   Jean-Michel Macron ",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.pk, person.name, person.slug) == (
        typo.pk,
        "Emmanuel Jean-Michel Macron",
        typo.slug,
    )
    assert sorted(person.aliases.values_list("name", flat=True)) == [
        "Emanuel Macron",
        "Emmanuel Jean-Michel Macron",
        "Emmanuel Macron",
    ]
    assert sorted(Mention.objects.values_list("article__title", "count")) == [
        ("one", 4),
        ("two", 1),
    ]
    assert messages_of(curator_client.get(PEOPLE)) == [
        "Merged Emmanuel Macron into Emmanuel Jean-Michel Macron: "
        "2 mentions, 0 quotes and 1 aliases moved."
    ]
    record = records_for(person).get()
    assert (record.user, record.action) == (curator, "merge")
    assert record.changes == {
        "merged": [["Emmanuel Macron (emmanuel-macron)"], None],
        "name": ["Emanuel Macron", "Emmanuel Jean-Michel Macron"],
    }


def test_merge_without_a_final_name_keeps_the_chosen_name(curator_client):
    keep = make_person("Ann Lee")
    other = make_person("Anne Lee")
    curator_client.post(
        PEOPLE,
        {
            "action": "merge_selected",
            "_selected_action": [keep.pk, other.pk],
            "apply": "1",
            "keep": str(keep.pk),
            "name": "",
        },
    )
    assert list(Person.objects.values_list("name", flat=True)) == ["Ann Lee"]
    assert "name" not in records_for(keep).get().changes


def test_merge_refuses_a_name_without_letters():
    from archive import curation

    keep, other = make_person("Ann Lee"), make_person("Anne Lee")
    with pytest.raises(
        curation.CurationError, match="^A name needs at least one letter or digit.$"
    ):
        curation.merge_people(keep, [other], name="?!")
    assert Person.objects.count() == 2


def test_person_page_lists_every_name_form_with_its_count(curator_client):
    person = make_person("Barack Obama", "Barack H. Obama", "Obama")
    for n, name in enumerate(["Barack Obama", "Barack Obama", "President Barack Obama", ""]):
        Mention.objects.create(article=make_article(f"s{n}"), person=person, name=name)
    html = curator_client.get(f"/admin/archive/person/{person.pk}/change/").content.decode()
    assert (
        '<ul class="name-forms"><li>Barack Obama: 2 stories</li>'
        "<li>President Barack Obama: 1 story</li><li>Barack H. Obama: 0 stories</li>"
        "<li>Obama: 0 stories</li></ul>"
    ) in html
