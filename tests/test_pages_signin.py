"""Signing in: where a rejected ``next`` leads, and the lock holding under concurrent
attempts."""

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import RequestFactory

from archive.admin_site import ThrottledAuthenticationForm, is_locked

pytestmark = pytest.mark.django_db
LOCKED = (
    "Too many failed sign-in attempts for this account from your address. "
    "Signing in is locked for 15 minutes; try again later."
)
WRONG = "Please enter the correct username and password"


@pytest.fixture
def shared_cache(settings, tmp_path):
    """The shared cache as deployed (files every worker reads), in a folder of the test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared-cache"),
        },
    }
    yield caches["shared"]
    caches["shared"].clear()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example.org/", "//evil.example.org/", "javascript:alert(1)", ""],
)
def test_a_rejected_next_after_sign_in_goes_to_the_admin_index(client, shared_cache, next_url):
    User.objects.create_user("cora", password="s3cret-Curator", is_staff=True)
    response = client.post(
        "/admin/login/", {"username": "cora", "password": "s3cret-Curator", "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_a_safe_next_is_followed(client, shared_cache):
    User.objects.create_user("cora", password="s3cret-Curator", is_staff=True)
    response = client.post(
        "/admin/login/",
        {"username": "cora", "password": "s3cret-Curator", "next": "/admin/archive/article/"},
    )
    assert response["Location"] == "/admin/archive/article/"


def test_concurrent_failures_never_get_past_the_lock(shared_cache, monkeypatch):
    """Twelve wrong passwords at once for one account and address: exactly five are
    checked (the fifth locks), the other seven are refused unchecked."""
    checked = []
    guard = threading.Lock()

    def slow_wrong_password(request=None, **credentials):
        with guard:
            checked.append(credentials["username"])
        time.sleep(0.05)  # a password hash takes time: the window the race needs
        return None

    monkeypatch.setattr("django.contrib.auth.forms.authenticate", slow_wrong_password)
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="10.0.0.9")
    start = threading.Barrier(12)
    errors = []

    def attempt():
        form = ThrottledAuthenticationForm(request, data={"username": "cora", "password": "x"})
        start.wait()
        assert not form.is_valid()
        with guard:
            errors.append(form.non_field_errors()[0])

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 5
    assert len(errors) == 12
    assert sum(WRONG in e for e in errors) == 4
    assert errors.count(LOCKED) == 8
    assert is_locked("cora", "10.0.0.9")
    assert not is_locked("cora", "10.0.0.10")
