"""Bylines and wire credits: stored by the importer, shown, exported and searchable."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.importer import run_import
from archive.models import Article
from search.api import parse
from tests.search_helpers import article

BODY = "The council met on Tuesday and voted on the new budget for the city after a long debate."


@pytest.fixture
def bylined(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        roe = article("Budget passes", BODY, outlet="Example Post", published="2022-02-01")
        roe.authors, roe.wire = ["Jane Roe", "John Doe"], "Associated Press"
        roe.save()
        other = article("Budget fails", BODY, outlet="Example Post", published="2022-02-02")
        other.authors = ["Jane Smith"]
        other.save()
    return roe, other


def test_import_stores_authors_and_wire_from_the_story(db, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(
        f"Budget passes\n\nBy Jane Roe and John Doe\n\nLONDON (AP) — {BODY}\n\n{BODY} Again.\n",
        encoding="utf-8",
    )
    run_import([str(path)])
    stored = Article.objects.get()
    assert stored.authors == ["Jane Roe", "John Doe"]
    assert stored.wire == "Associated Press"
    assert "Jane Roe" not in stored.body and "Jane Roe" not in stored.standfirst


def test_author_filter_finds_only_that_bylines_stories(client, bylined):
    def titles(q):
        response = client.get(reverse("search:search"), {"q": q})
        return sorted(h.headline for h in response.context["result"].hits)

    assert parse('author:"Jane Roe" budget').authors == ["Jane Roe"]
    assert titles('author:"Jane Roe" budget') == ["Budget passes"]
    assert titles('author:"John Doe"') == ["Budget passes"]
    assert titles("author:jane-smith") == ["Budget fails"]
    assert titles('author:"Nobody Here" budget') == []
    assert titles("budget") == ["Budget fails", "Budget passes"]


def test_article_page_shows_authors_and_wire(client, bylined):
    roe, _ = bylined
    html = client.get(roe.get_absolute_url()).content.decode()
    assert (
        '<span class="byline">By <a href="/search/?q=author:%22Jane%20Roe%22" rel="author">Jane Roe</a> and <a href="/search/?q=author:%22John%20Doe%22" rel="author">John Doe</a></span>'
        in html
    )
    assert '<span class="wire">Associated Press</span>' in html


def test_export_has_authors_and_wire(bylined):
    out = io.StringIO()
    call_command("export_articles", stdout=out)
    records = {r["title"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert records["Budget passes"]["authors"] == ["Jane Roe", "John Doe"]
    assert records["Budget passes"]["wire"] == "Associated Press"
    assert records["Budget fails"]["authors"] == ["Jane Smith"]
    assert records["Budget fails"]["wire"] is None
