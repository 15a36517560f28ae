"""The home page and the article page."""

import pytest

from archive.models import Article

pytestmark = pytest.mark.django_db


def test_home_lists_published_stories(client, seeded):
    Article.objects.filter(title__startswith="US and France").update(status="hidden")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="story"') == 4
    assert "Kremlin says Macron does not have influence to make deal with Putin" in html
    assert "US and France discuss Ukraine" not in html


def test_article_page_shows_clean_body(client, seeded):
    article = Article.objects.get(title__startswith="Putin humiliates")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Putin humiliates Macron as Russia sidelines France" in html
    assert "Washington, which heads the NATO alliance" in html
    assert "READ MORE" not in html
    assert '<a href="/outlets/london-defender/">London Defender</a>' in html


def test_article_wrong_slug_redirects_and_missing_is_404(client, seeded):
    article = Article.objects.first()
    response = client.get(f"/articles/{article.pk}/wrong-slug/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get("/articles/999999/x/").status_code == 404


def test_unpublished_article_is_404_for_readers(client, seeded):
    article = Article.objects.first()
    article.status = "hidden"
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_story_text_is_escaped(client):
    article = Article.objects.create(
        title="<script>alert(1)</script>",
        body="<b>bold</b>",
        raw="x",
        content_hash="x",
        status="published",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_bad_page_number_is_404(client, seeded):
    assert client.get("/?page=99").status_code == 404
    assert client.get("/?page=abc").status_code == 404
