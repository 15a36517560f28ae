"""Import by upload: the same importer and report as the command, limits, names, permission."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from archive.admin.uploads import safe_upload_name, upload_items
from archive.models import Article, ImportBatch
from tests import curation_helpers
from tests.conftest import SEEDS
from tests.curation_helpers import messages_of

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client

URL = "/admin/archive/importbatch/upload/"


def seed_file(name):
    return SimpleUploadedFile(name, (SEEDS / name).read_bytes(), content_type="text/plain")


def run_worker():
    """The import worker, in this process, until the queue is empty."""
    call_command("import_worker", "--once", verbosity=0)


def test_upload_imports_good_files_and_reports_bad_ones(curator_client, curator, settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 60_000
    files = [
        seed_file("000_f30beedecabb5a91.txt"),
        seed_file("001_43e0b7c1f55fc4d1.txt"),
        SimpleUploadedFile("empty.txt", b""),
        SimpleUploadedFile("huge.txt", b"Big story\n\n" + b"x" * 60_000),
    ]
    response = curator_client.post(URL, {"files": files, "label": "", "outlet": ""})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/archive/importbatch/{batch.pk}/change/"
    run_worker()
    batch.refresh_from_db()
    assert (batch.origin, batch.user, batch.label) == ("upload", curator, "Upload of 4 files")
    assert (batch.created_count, batch.unchanged_count, batch.failed_count) == (2, 0, 2)
    articles = Article.objects.filter(batch=batch)
    assert set(articles.values_list("status", flat=True)) == {"new"}
    assert sorted(articles.values_list("source", flat=True)) == [
        "000_f30beedecabb5a91.txt",
        "001_43e0b7c1f55fc4d1.txt",
    ]
    page = curator_client.get(response["Location"])
    assert messages_of(page) == [
        "2 created, 0 unchanged, 2 failed",
        "FAILED empty.txt: empty story: the file has no text",
        "FAILED huge.txt: file too large: 60,011 bytes, the limit is 60,000 bytes",
    ]
    html = page.content.decode()
    assert "<strong>2 created, 0 unchanged, 2 failed</strong>" in html
    assert '<tr class="failed"><td>failed</td><td>huge.txt</td>' in html
    assert f'<a href="/admin/archive/article/?batch={batch.pk}">' in html
    queue = curator_client.get(f"/admin/archive/article/?batch={batch.pk}").content.decode()
    assert queue.count('<td class="field-status">New</td>') == 2


def test_uploading_the_same_file_again_changes_nothing(curator_client):
    curator_client.post(URL, {"files": [seed_file("000_f30beedecabb5a91.txt")]})
    curator_client.post(URL, {"files": [seed_file("000_f30beedecabb5a91.txt")], "label": "again"})
    run_worker()
    again = ImportBatch.objects.get(label="again")
    assert (again.created_count, again.unchanged_count) == (0, 1)
    assert Article.objects.count() == 1


def test_upload_limits_give_clear_errors_and_import_nothing(curator_client, settings):
    settings.ARCHIVE_MAX_UPLOAD_FILES = 2

    def files():
        return [SimpleUploadedFile(f"s{n}.txt", b"Title\n\nText of the story.") for n in range(3)]

    response = curator_client.post(URL, {"files": files()})
    assert response.status_code == 200
    assert "Too many files: 3. Upload at most 2 files at a time." in response.content.decode()
    settings.ARCHIVE_MAX_UPLOAD_FILES = 10
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 40
    response = curator_client.post(URL, {"files": files()})
    assert "The files add up to 75\xa0bytes; upload at most 40\xa0bytes at a time." in (
        response.content.decode()
    )
    response = curator_client.post(URL, {})
    assert "Choose at least one file." in response.content.decode()
    run_worker()
    assert ImportBatch.objects.count() == 0
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    "name, expected",
    [
        ("story.txt", "story.txt"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ann\\story.txt", "story.txt"),
        ("bad\x00name.txt", "badname.txt"),
        ("..", None),
        ("folder/", None),
        ("", None),
    ],
)
def test_file_names_are_reduced_to_a_safe_base_name(name, expected):
    assert safe_upload_name(name) == expected


def test_refused_names_and_sizes_are_reported_without_reading():
    class Upload:
        def __init__(self, name, size):
            self.name, self.size = name, size

        def read(self):
            raise AssertionError("must not be read")

    items = list(upload_items([Upload("../..", 10), Upload("big.txt", 11)], max_bytes=10))
    assert [(i.path, i.reason) for i in items] == [
        ("'../..'", "refused: not a usable file name"),
        ("big.txt", "file too large: 11 bytes, the limit is 10 bytes"),
    ]


def test_upload_needs_the_add_article_permission(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"files": [SimpleUploadedFile("a.txt", b"Title\n\nText.")]})
    assert response.status_code == 403
    run_worker()
    assert ImportBatch.objects.count() == 0
    assert Article.objects.count() == 0


def test_upload_is_linked_from_the_queue_and_the_batches(curator_client):
    link = '<a href="/admin/archive/importbatch/upload/" class="addlink">Upload stories</a>'
    assert link in curator_client.get("/admin/archive/article/").content.decode()
    assert link in curator_client.get("/admin/archive/importbatch/").content.decode()
    for add in ("/admin/archive/importbatch/add/", "/admin/archive/article/add/"):
        assert curator_client.get(add)["Location"] == URL
    html = curator_client.get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<input type="file" name="files" multiple' in html
