"""Friendly 404 and 500 pages in the site's style."""

import pytest
from django.test import Client
from django.urls import path

from archive import urls as archive_urls

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("broken on purpose")


urlpatterns = [path("boom/", boom), *archive_urls.urlpatterns]


def test_404_page_is_friendly_and_styled(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert '<label for="notfound-q">Search the archive instead</label>' in html
    assert '<a href="/outlets/">Outlets</a>' in html


@pytest.mark.urls("tests.test_pages_errors")
def test_500_page_is_friendly_and_styled():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert "broken on purpose" not in html
