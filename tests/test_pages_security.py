"""A strict Content-Security-Policy on every response, and pages that need nothing looser:
no inline script, no inline style, no event-handler attribute, no script URL in a link."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client

from archive.models import Article, Outlet, Person
from tests.pages_data import make_archive
from tests.test_admin_edit import form_data

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; frame-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
LINKS = ("href", "src", "action", "formaction")


class InlineFinder(HTMLParser):
    """Everything in a page that a strict policy would block: inline ``<script>`` and
    ``<style>`` elements, ``style`` and ``on…`` attributes, ``javascript:`` links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.scripts = 0
        self._in = None

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if not names.get("src"):
                self.found.append("<script> without src")
            self._in = tag
        elif tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}">')
            link = "".join((value or "").split()).lower()
            if name in LINKS and link.startswith(("javascript:", "data:")):
                self.found.append(f'<{tag} {name}="{value}">')

    def handle_data(self, data):
        if self._in == "script" and data.strip():
            self.found.append(f"inline script text {data.strip()[:40]!r}")

    def handle_endtag(self, tag):
        self._in = None


def inline_content(response):
    finder = InlineFinder()
    finder.feed(response.content.decode())
    return finder.found, finder.scripts


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(User.objects.create_superuser("admin", password="pw-Admin-1"))
    return client


READER_PAGES = [
    "/",
    "/outlets/",
    "/people/",
    "/quotes/",
    "/dates/",
    "/dates/2022/",
    "/dates/undated/",
    "/search/?q=Macron",
    "/search/?q=Putin&in=quotes",
    "/search/?q=re*+OR+co*",
]


def test_every_reader_page_has_the_policy_and_no_inline_script(client, seeded):
    article = Article.objects.published().first()
    outlet = Outlet.objects.filter(article_count__gt=0).first() or Outlet.objects.first()
    person = Person.objects.order_by("-mention_count").first()
    pages = [
        *READER_PAGES,
        article.get_absolute_url(),
        outlet.get_absolute_url(),
        person.get_absolute_url(),
    ]
    for url in pages:
        for attempt in ("miss", "hit"):  # a page from the page cache too
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Security-Policy"] == POLICY, (url, attempt)
            assert inline_content(response) == ([], 0), url


def test_the_month_bars_need_no_inline_style(client):
    make_archive(4)
    response = client.get("/outlets/daily-gen/")
    assert response.text.count('<svg class="bar" aria-hidden="true" focusable="false">') == 1
    assert '<rect width="100%" height="100%" rx="2"/>' in response.text
    assert inline_content(response) == ([], 0)


def test_feeds_errors_and_redirects_have_the_policy(client, seeded):
    outlet = Outlet.objects.first()
    for url, status in [
        ("/feeds/latest/", 200),
        (f"/feeds/outlets/{outlet.slug}/", 200),
        ("/no/such/page/", 404),
        ("/articles/999999/nothing/", 404),
        ("/admin/", 302),
        ("/healthz/", 200),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response["Content-Security-Policy"] == POLICY, url
    assert inline_content(client.get("/no/such/page/")) == ([], 0)


@pytest.mark.urls("tests.test_pages_errors")
def test_the_500_page_has_the_policy_and_no_inline_script():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert response["Content-Security-Policy"] == POLICY
    assert inline_content(response) == ([], 0)


def test_the_admin_works_under_the_same_policy(client, staff_client, seeded):
    """Django's admin loads every script from a file: the strict policy needs no exception."""
    login = client.get("/admin/login/")
    assert login["Content-Security-Policy"] == POLICY
    assert inline_content(login)[0] == []
    article = Article.objects.first()
    person = Person.objects.first()
    pages = [
        "/admin/",
        "/admin/archive/article/",
        f"/admin/archive/article/{article.pk}/change/",
        "/admin/archive/person/",
        f"/admin/archive/person/{person.pk}/change/",
        "/admin/archive/outlet/add/",
        "/admin/archive/importbatch/",
    ]
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == POLICY, url
        found, scripts = inline_content(response)
        assert found == [], url
    # the change form still loads its scripts (from files) and still saves
    change = f"/admin/archive/article/{article.pk}/change/"
    response = staff_client.get(change)
    assert inline_content(response)[1] > 0
    response = staff_client.post(change, {**form_data(response), "title": "Retitled"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Retitled"


def test_an_operator_may_set_the_policy(client, settings, seeded):
    settings.ARCHIVE_CONTENT_SECURITY_POLICY = "default-src 'self'"
    assert client.get("/quotes/")["Content-Security-Policy"] == "default-src 'self'"


def test_only_the_search_pages_chart_may_be_framed_and_only_by_the_site(client):
    from tests.search_helpers import article

    article("Ferry strike", "The ferry strike began.", published="2022-01-03")
    page = client.get("/search/", {"q": "ferry"})
    assert page["X-Frame-Options"] == "DENY"
    assert page["Content-Security-Policy"] == POLICY
    frame = client.get("/search/coverage/", {"q": "ferry"})
    assert frame.status_code == 200
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert frame["Content-Security-Policy"] == POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"
    )
