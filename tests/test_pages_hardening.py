"""Smaller hardening of the reader side: the health check over plain HTTP in production,
page-cache keys per scheme, and old person and outlet URLs after merges and renames."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.test import Client

from archive import curation
from archive.models import Outlet, Person, SlugRedirect
from archive.redirects import redirect_for
from tests.pages_data import make_archive, person
from tests.test_admin_edit import form_data

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_health_check_answers_over_plain_http_when_https_is_enforced(settings):
    settings.SECURE_SSL_REDIRECT = True  # what DJANGO_SECURE=1 sets
    client = Client()
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    response = client.get("/outlets/")  # every other page still goes to https
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/outlets/"
    assert client.get("/healthz/extra").status_code == 301


def test_a_page_cached_for_http_is_never_served_to_https(client):
    make_archive(2)
    for _ in range(2):
        plain = client.get("/feeds/latest/")
    assert plain["X-Page-Cache"] == "hit"
    secure = client.get("/feeds/latest/", secure=True)
    assert secure["X-Page-Cache"] == "miss"
    links = [e.get("href") for e in ET.fromstring(secure.content).iter(f"{ATOM}link")]
    assert links and all(link.startswith("https://testserver/") for link in links)
    assert client.get("/feeds/latest/", secure=True)["X-Page-Cache"] == "hit"
    plain = client.get("/feeds/latest/")
    assert plain["X-Page-Cache"] == "hit"
    links = [e.get("href") for e in ET.fromstring(plain.content).iter(f"{ATOM}link")]
    assert all(link.startswith("http://testserver/") for link in links)


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(User.objects.create_superuser("admin", password="pw-Admin-1"))
    return client


def rename_in_admin(staff_client, obj, slug):
    kind = type(obj).__name__.lower()
    change = f"/admin/archive/{kind}/{obj.pk}/change/"
    response = staff_client.post(change, {**form_data(staff_client.get(change)), "slug": slug})
    assert response.status_code == 302, response.content.decode()[:2000]
    obj.refresh_from_db()
    assert obj.slug == slug


def test_old_person_urls_and_feeds_lead_to_the_person_after_a_merge_and_a_rename(
    client, staff_client
):
    make_archive(3)
    keep = person("Bernard Sanders")
    other = person("Saunders")
    assert (keep.slug, other.slug) == ("bernard-sanders", "saunders")
    curation.merge_people(keep, [other])
    rename_in_admin(staff_client, keep, "bernie-sanders")
    assert dict(SlugRedirect.objects.values_list("old_slug", "new_slug")) == {
        "bernard-sanders": "bernie-sanders",
        "saunders": "bernie-sanders",
    }
    for old in ("saunders", "bernard-sanders"):
        response = client.get(f"/people/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/people/bernie-sanders/"
        response = client.get(f"/feeds/people/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/feeds/people/bernie-sanders/"
    assert client.get("/people/bernie-sanders/").status_code == 200
    assert client.get("/feeds/people/bernie-sanders/").status_code == 200
    assert client.get("/feeds/people/nobody/").status_code == 404
    # the old slug may be taken again: it is a person's own URL once more
    rename_in_admin(staff_client, keep, "bernard-sanders")
    assert dict(SlugRedirect.objects.values_list("old_slug", "new_slug")) == {
        "bernie-sanders": "bernard-sanders",
        "saunders": "bernard-sanders",
    }
    assert client.get("/people/bernard-sanders/").status_code == 200
    assert client.get("/people/saunders/")["Location"] == "/people/bernard-sanders/"


def test_old_outlet_urls_and_feeds_lead_to_the_outlet_after_a_merge_and_a_rename(
    client, staff_client
):
    make_archive(3)
    keep = Outlet.objects.get(slug="daily-gen")
    curation.merge_outlets(keep, [Outlet.objects.get(slug="weekly-gen")])
    rename_in_admin(staff_client, keep, "the-daily-gen")
    for old in ("daily-gen", "weekly-gen"):
        assert redirect_for("outlet", old) == "the-daily-gen"
        response = client.get(f"/outlets/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/outlets/the-daily-gen/")
        response = client.get(f"/feeds/outlets/{old}/")
        assert (response.status_code, response["Location"]) == (
            301,
            "/feeds/outlets/the-daily-gen/",
        )
    assert client.get("/feeds/outlets/the-daily-gen/").status_code == 200


def test_saving_a_person_without_changing_the_slug_records_nothing():
    p = Person.objects.create(name="Ann Lee")
    p.name = "Ann Lee-Smith"
    p.save()
    p.save(update_fields=["name"])
    assert SlugRedirect.objects.count() == 0
