"""Names sort with their letter whatever their case and accents, on every database.

``Person.sort_name`` holds the folded name (SQLite cannot fold accents itself); it is
kept in step wherever a person is made or renamed: ``save``, the importer's direct
INSERT, a merge that sets the final name, its undo, and migration 0014 for the people
already in the archive.
"""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.core.cache import cache

from archive import curation
from archive.ingest.people import PersonMention
from archive.models import Outlet, Person, sort_key
from archive.people import PersonResolver
from tests.pages_data import make_story, person

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def people_names(client, url="/people/"):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<li><a href="/people/[^"]+/">([^<]+)</a> <span class="count"', html)


def test_sort_key_folds_case_and_accents():
    assert sort_key("Émile Zola") == "emile zola"
    assert sort_key("Ólafur Arnalds") == "olafur arnalds"
    assert sort_key("Søren Kierkegaard") == "soren kierkegaard"
    assert sort_key("Lech Wałęsa") == "lech walesa"
    assert sort_key("de Gaulle") == "de gaulle"


def test_people_list_sorts_accented_names_with_their_letter(client):
    for name in ["Zoe Ball", "Ólafur Arnalds", "Emma Stone", "Émile Zola", "Eve Arden", "Otto Dix"]:
        make_story(people=[person(name)], published=D(2021, 1, 1))
    assert people_names(client) == [
        "Émile Zola",
        "Emma Stone",
        "Eve Arden",
        "Ólafur Arnalds",
        "Otto Dix",
        "Zoe Ball",
    ]
    assert people_names(client, "/people/?letter=e") == ["Émile Zola", "Emma Stone", "Eve Arden"]
    assert people_names(client, "/people/?letter=O") == ["Ólafur Arnalds", "Otto Dix"]


def test_importer_made_people_get_their_sort_name():
    resolver = PersonResolver()
    made = resolver.resolve(PersonMention("Ángela Merkel"))
    assert Person.objects.get(pk=made.pk).sort_name == "angela merkel"


def test_rename_by_save_keeps_the_sort_name_in_step():
    p = person("Emile Zola")
    p.name = "Ólafur Arnalds"
    p.save(update_fields=["name"])
    assert Person.objects.get(pk=p.pk).sort_name == "olafur arnalds"


def test_merge_with_a_final_name_and_its_undo_keep_the_sort_name_in_step():
    keep, typo = person("E. Macron"), person("Emanuel Macron")
    result = curation.merge_people(keep, [typo], name="Émmanuel Macron")
    assert Person.objects.get(pk=keep.pk).sort_name == "emmanuel macron"
    curation.undo_operation(result.operation)
    assert dict(Person.objects.values_list("name", "sort_name")) == {
        "E. Macron": "e. macron",
        "Emanuel Macron": "emanuel macron",
    }


def test_migration_fills_the_sort_name_of_existing_people():
    person("Émile Zola")
    person("Otto Dix")
    Person.objects.update(sort_name="")
    migration = importlib.import_module("archive.migrations.0014_person_sort_name")
    migration.fill(apps, None)
    assert dict(Person.objects.values_list("name", "sort_name")) == {
        "Émile Zola": "emile zola",
        "Otto Dix": "otto dix",
    }


def test_quotes_page_outlet_filter_sorts_ignoring_case_and_accents(client):
    for name in ["Ébano Times", "BET", "Ben Shapiro Show", "Alpha"]:
        Outlet.objects.create(name=name)
    html = client.get("/quotes/").content.decode()
    shown = re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', html)
    assert shown == ["Alpha", "Ben Shapiro Show", "BET", "Ébano Times"]
