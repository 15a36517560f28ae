"""Who may curate: the Curators group, staff only, and sign-in locked after failures."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import CommandError, call_command

from archive.curation import CURATOR_PERMISSIONS, ensure_curators_group
from tests import curation_helpers
from tests.curation_helpers import make_article

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client

LOGIN = "/admin/login/"
LOCKED = (
    "Too many failed sign-in attempts for this account from your address. "
    "Signing in is locked for 15 minutes; try again later."
)


@pytest.fixture(autouse=True)
def login_cache(settings):
    """A private in-memory cache per test instead of the shared file cache."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    }
    caches["shared"].clear()


def group_permissions():
    group = Group.objects.get(name="Curators")
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_the_migration_creates_the_curators_group_with_exactly_its_permissions():
    perms = group_permissions()
    assert perms == set(CURATOR_PERMISSIONS)
    assert len(perms) == 34  # with the API tokens (view, add, change, delete)
    assert not any(p.startswith("auth.") for p in perms)
    assert "archive.change_importbatch" not in perms


def test_setup_curators_repairs_the_group_and_makes_curators():
    group = Group.objects.get(name="Curators")
    group.permissions.clear()
    User.objects.create_user("ann", password="x")
    out = io.StringIO()
    call_command("setup_curators", "ann", stdout=out)
    assert out.getvalue() == "Curators: 34 permissions\nann is a curator\n"
    ann = User.objects.get(username="ann")
    assert ann.is_staff and not ann.is_superuser
    assert ann.has_perm("archive.change_article") and not ann.has_perm("auth.change_user")
    assert group_permissions() == set(CURATOR_PERMISSIONS)
    assert ensure_curators_group().pk == group.pk
    with pytest.raises(CommandError, match="No such user: bob"):
        call_command("setup_curators", "bob", stdout=io.StringIO())


def test_a_curator_curates_but_cannot_manage_users(curator_client, curator):
    article = make_article("story")
    assert curator_client.get("/admin/archive/article/").status_code == 200
    assert curator_client.get(f"/admin/archive/article/{article.pk}/change/").status_code == 200
    assert curator_client.get("/admin/archive/person/").status_code == 200
    assert curator_client.get("/admin/auth/user/").status_code == 403
    assert curator_client.get(f"/admin/auth/user/{curator.pk}/change/").status_code == 403
    assert curator_client.get("/admin/auth/group/").status_code == 403
    html = curator_client.get("/admin/").content.decode()
    assert "/admin/auth/user/" not in html


def test_non_staff_and_staff_without_permissions_are_refused(client):
    article = make_article("story", status="new")
    User.objects.create_user("reader", password="x")
    client.login(username="reader", password="x")
    response = client.get("/admin/archive/article/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/archive/article/").status_code == 403
    response = client.post(
        "/admin/archive/article/",
        {"action": "publish", "index": "0", "_selected_action": [article.pk]},
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == "new"


def sign_in(client, password, username="cora", ip="10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def test_sign_in_locks_after_repeated_failures(client, curator, settings):
    for _ in range(4):
        response = sign_in(client, "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = sign_in(client, "wrong")  # the fifth failure locks
    assert LOCKED in response.content.decode()
    response = sign_in(client, "s3cret-Curator")  # even the right password
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by someone else's guessing.
    other = sign_in(client, "s3cret-Curator", ip="10.0.0.2")
    assert other.status_code == 302 and other["Location"] == "/admin/"


def test_a_successful_sign_in_resets_the_count(client, curator):
    for _ in range(4):
        sign_in(client, "wrong")
    assert sign_in(client, "s3cret-Curator").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "wrong")
    assert sign_in(client, "s3cret-Curator").status_code == 302


def test_the_lock_follows_the_settings(client, curator, settings):
    settings.ARCHIVE_LOGIN_MAX_FAILURES = 2
    settings.ARCHIVE_LOGIN_LOCK_MINUTES = 1
    sign_in(client, "wrong")
    response = sign_in(client, "wrong")
    assert (
        "Too many failed sign-in attempts for this account from your address. "
        "Signing in is locked for 1 minute; try again later."
    ) in response.content.decode()
