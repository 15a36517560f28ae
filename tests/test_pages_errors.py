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


UPLOAD = "/admin/archive/importbatch/upload/"
STORY = b"Council budget\n\nThe council met on Tuesday to discuss the budget.\n"


def multipart(files):
    """A multipart body sending ``files`` ((name, bytes) pairs) as is: Django's test client
    would shorten a long name before sending it."""
    parts = [
        b'--XyZ\r\nContent-Disposition: form-data; name="files"; filename="%s"\r\n'
        b"Content-Type: text/plain\r\n\r\n%s\r\n" % (name.encode(), content)
        for name, content in files
    ]
    return b"".join([*parts, b"--XyZ--\r\n"])


@pytest.fixture
def curator_client(db):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("cora", password="s3cret-Curator", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client = Client(enforce_csrf_checks=True)  # as in production: the CSRF check reads first
    client.force_login(user)
    assert client.get(UPLOAD).status_code == 200  # sets the CSRF cookie, as a browser has it
    return client


def test_too_many_upload_files_give_a_clear_page_not_a_bare_400(curator_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from archive.models import ImportBatch

    files = [SimpleUploadedFile(f"s{n}.txt", STORY) for n in range(1001)]
    response = curator_client.post(UPLOAD, {"files": files})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Too many files</h1>" in html
    assert (
        '<p class="lede">Too many files: more than 1,000. Upload at most 200 files at a time.</p>'
        in html
    )
    assert f'<a href="{UPLOAD}">Back to the form</a>' in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert ImportBatch.objects.count() == 0


def test_a_thousand_character_file_name_gives_a_clear_page_not_a_bare_400(curator_client):
    from archive.models import ImportBatch

    body = multipart([("a" * 996 + ".txt", STORY), ("ok.txt", STORY)])
    response = curator_client.post(
        UPLOAD, data=body, content_type="multipart/form-data; boundary=XyZ"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>The upload could not be read</h1>" in html
    assert (
        "A file name is too long: the server reads at most 1,024 bytes of a file&#x27;s name "
        "and headers. Give the files shorter names and upload them again."
    ) in html
    assert f'<a href="{UPLOAD}">Back to the form</a>' in html
    assert ImportBatch.objects.count() == 0


def test_other_bad_requests_get_the_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example.org")  # a host not allowed
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Bad request</h1>" in html
    assert "evil.example.org" not in html
    assert "Back to the form" not in html
