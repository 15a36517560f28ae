"""What the admin's own edits leave in the history: additions, edits, inline rows and
deletions, each as a change record made through the curation services."""

import pytest
from django.contrib.contenttypes.models import ContentType

from archive.history import records_for
from archive.models import Alias, ChangeRecord, Outlet
from tests import curation_helpers
from tests.curation_helpers import make_person

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client


def _outlet_records(pk):
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Outlet), object_id=str(pk)
    ).order_by("id")


def test_deleting_an_outlet_records_it_by_name(curator_client, curator):
    outlet = Outlet.objects.create(name="Daily Planet", slug="daily-planet")
    url = f"/admin/archive/outlet/{outlet.pk}/delete/"
    assert curator_client.post(url, {"post": "yes"}).status_code == 302
    assert not Outlet.objects.filter(pk=outlet.pk).exists()
    record = _outlet_records(outlet.pk).get()
    assert (record.action, record.message, record.object_repr, record.user) == (
        "delete",
        "Deleted Daily Planet",
        "Daily Planet",
        curator,
    )


def test_deleting_selected_outlets_records_each_one(curator_client):
    kept = Outlet.objects.create(name="Kept", slug="kept")
    gone = [Outlet.objects.create(name=f"Gone {n}", slug=f"gone-{n}") for n in (1, 2)]
    response = curator_client.post(
        "/admin/archive/outlet/",
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [str(o.pk) for o in gone],
        },
    )
    assert response.status_code == 302
    assert list(Outlet.objects.values_list("name", flat=True)) == ["Kept"]
    for outlet in gone:
        record = _outlet_records(outlet.pk).get()
        assert (record.action, record.message, record.object_repr) == (
            "delete",
            "Deleted",
            outlet.name,
        )
    assert not _outlet_records(kept.pk).exists()


def test_adding_an_outlet_records_its_values(curator_client):
    response = curator_client.post(
        "/admin/archive/outlet/add/",
        {"name": "Evening Star", "slug": "evening-star", "homepage": "https://star.example"},
    )
    assert response.status_code == 302
    outlet = Outlet.objects.get(slug="evening-star")
    record = _outlet_records(outlet.pk).get()
    assert record.action == "add"
    assert record.changes == {
        "name": [None, "Evening Star"],
        "slug": [None, "evening-star"],
        "homepage": [None, "https://star.example"],
    }


def test_an_alias_added_on_the_person_page_is_recorded_on_the_person(curator_client):
    person = make_person("Olaf Scholz")
    own = person.aliases.get()
    response = curator_client.post(
        f"/admin/archive/person/{person.pk}/change/",
        {
            "name": "Olaf Scholz",
            "slug": person.slug,
            "aliases-TOTAL_FORMS": "2",
            "aliases-INITIAL_FORMS": "1",
            "aliases-0-id": str(own.pk),
            "aliases-0-person": str(person.pk),
            "aliases-0-name": "Olaf Scholz",
            "aliases-1-person": str(person.pk),
            "aliases-1-name": "O. Scholz",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(Alias.objects.filter(person=person).values_list("name", flat=True)) == [
        "O. Scholz",
        "Olaf Scholz",
    ]
    record = records_for(person).get()
    assert (record.action, record.changes) == (
        "change",
        {"aliases": [[], ["O. Scholz → Olaf Scholz"]]},
    )
