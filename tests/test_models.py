"""Models: strings, URLs, slugs, constraints, migrations."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from archive.models import Alias, Article, Mention, Outlet, Person, Quote

pytestmark = pytest.mark.django_db


def test_no_missing_migrations():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_str_and_urls():
    outlet = Outlet.objects.create(name="The Daily Example")
    article = Article.objects.create(
        title="Putin meets Macron", raw="x", content_hash="a", outlet=outlet
    )
    person = Person.objects.create(name="Emmanuel Macron")
    alias = Alias.objects.create(person=person, name="Macron", key="macron")
    quote = Quote.objects.create(article=article, speaker=person, text="Dialogue is necessary.")
    mention = Mention.objects.create(article=article, person=person, count=2)
    assert str(outlet) == "The Daily Example"
    assert outlet.get_absolute_url() == "/outlets/the-daily-example/"
    assert article.get_absolute_url() == f"/articles/{article.pk}/putin-meets-macron/"
    assert person.get_absolute_url() == "/people/emmanuel-macron/"
    assert str(alias) == "Macron → Emmanuel Macron"
    assert str(quote) == "Emmanuel Macron: “Dialogue is necessary.”"
    assert str(mention) == "Emmanuel Macron in Putin meets Macron (2)"


def test_slugs_are_unique():
    a = Person.objects.create(name="John Smith")
    b = Person.objects.create(name="John Smith")
    assert (a.slug, b.slug) == ("john-smith", "john-smith-2")


def test_content_hash_is_unique():
    Article.objects.create(title="One", raw="x", content_hash="same")
    with pytest.raises(IntegrityError):
        Article.objects.create(title="Two", raw="y", content_hash="same")


def test_word_count_and_paragraphs():
    article = Article.objects.create(
        title="T", body="One two three.\n\nFour five.", raw="x", content_hash="w"
    )
    assert article.word_count == 5
    assert article.paragraphs == ["One two three.", "Four five."]


def test_published_queryset_and_ordering():
    old = Article.objects.create(
        title="Old", raw="1", content_hash="1", status="published", published="2020-01-01"
    )
    new = Article.objects.create(
        title="New", raw="2", content_hash="2", status="published", published="2022-01-01"
    )
    Article.objects.create(title="Hidden", raw="3", content_hash="3", status="hidden")
    assert list(Article.objects.published()) == [new, old]
