"""The article page's "Also published by": the other copies of a story, first copy marked."""

import datetime
import re

import pytest
from django.core.cache import cache

from archive.importer import import_uploads
from archive.models import Article, Outlet, StoryCluster
from tests.pages_data import make_story
from tests.test_dedupe import NEW_FOOTER, NEW_HEADER, rehost, seed_text

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def outlet(name):
    return Outlet.objects.get_or_create(name=name)[0]


def copies_section(html):
    """``(note, [(outlet and title, date text, first?)])`` of the "Also published by" list."""
    match = re.search(r'<section class="copies".*?</section>', html, re.S)
    if match is None:
        return None
    section = match.group(0)
    note = re.search(r'<p class="first-copy-note">([^<]+)</p>', section)
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    rows = []
    for item in items:
        link = re.search(r'<a href="([^"]+)">([^<]+)</a>', item)
        date = re.search(r"<time datetime=\"([^\"]+)\">", item)
        rows.append(
            (
                link.group(2),
                date.group(1) if date else ("date unknown" if "date unknown" in item else ""),
                '<strong class="first-copy">published first</strong>' in item,
            )
        )
    return (note.group(1) if note else None), rows


@pytest.fixture
def story():
    """One story in four copies: three published on different days, one hidden."""
    cluster = StoryCluster.objects.create()
    copies = {
        "wire": make_story(title="Talks end", outlet=outlet("Wire"), published=D(2022, 2, 5)),
        "daily": make_story(title="Talks over", outlet=outlet("Daily"), published=D(2022, 2, 7)),
        "weekly": make_story(title="The talks", outlet=outlet("Weekly"), published=D(2022, 2, 6)),
        "hidden": make_story(
            title="Talks (draft)",
            outlet=outlet("Gazette"),
            published=D(2022, 2, 1),
            status="hidden",
        ),
    }
    Article.objects.filter(pk__in=[a.pk for a in copies.values()]).update(cluster=cluster)
    for article in copies.values():
        article.refresh_from_db()
    return copies


def test_copies_are_listed_first_copy_first_with_outlet_date_and_link(client, story):
    html = client.get(story["daily"].get_absolute_url()).content.decode()
    note, rows = copies_section(html)
    assert note is None
    assert rows == [
        ("Wire: Talks end", "2022-02-05", True),
        ("Weekly: The talks", "2022-02-06", False),
    ]
    assert f'<a href="{story["wire"].get_absolute_url()}">Wire: Talks end</a>' in html
    assert "Talks (draft)" not in html  # a hidden copy is not offered to readers


def test_the_first_copy_says_so_and_lists_the_later_ones(client, story):
    html = client.get(story["wire"].get_absolute_url()).content.decode()
    note, rows = copies_section(html)
    assert note == "This copy was published first."
    assert rows == [
        ("Weekly: The talks", "2022-02-06", False),
        ("Daily: Talks over", "2022-02-07", False),
    ]


def test_no_first_copy_is_claimed_when_dates_do_not_tell(client, story):
    Article.objects.filter(pk=story["weekly"].pk).update(published=D(2022, 2, 5))  # a tie
    _note, rows = copies_section(client.get(story["daily"].get_absolute_url()).content.decode())
    assert [first for _, _, first in rows] == [False, False]
    Article.objects.filter(pk=story["weekly"].pk).update(published=None)  # an undated copy
    note, rows = copies_section(client.get(story["wire"].get_absolute_url()).content.decode())
    assert note is None
    assert rows == [
        ("Daily: Talks over", "2022-02-07", False),
        ("Weekly: The talks", "date unknown", False),
    ]


def test_a_story_without_copies_has_no_such_section(client, story):
    alone = make_story(title="Alone", outlet=outlet("Wire"), published=D(2022, 2, 5))
    html = client.get(alone.get_absolute_url()).content.decode()
    assert copies_section(html) is None and "Also published by" not in html
    # nor one whose only other copy is hidden
    Article.objects.filter(pk__in=[story["wire"].pk, story["daily"].pk, story["weekly"].pk]).update(
        cluster=None
    )
    html = client.get(story["hidden"].get_absolute_url()).content.decode()
    assert "Also published by" not in html


def test_copies_cost_one_query_whatever_their_number(
    client, story, django_assert_num_queries, settings
):
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 0  # what the view itself costs
    alone = make_story(title="Alone", outlet=outlet("Wire"), published=D(2022, 2, 5))
    with django_assert_num_queries(4):  # article, mentions, quotes, older and newer
        client.get(alone.get_absolute_url())
    url = story["daily"].get_absolute_url()
    with django_assert_num_queries(5):  # and the copies
        client.get(url)
    cluster = story["daily"].cluster
    for n in range(5):
        extra = make_story(
            title=f"Copy {n}", outlet=outlet(f"Outlet {n}"), published=D(2022, 3, n + 1)
        )
        Article.objects.filter(pk=extra.pk).update(cluster=cluster)
    with django_assert_num_queries(5):
        html = client.get(url).content.decode()
    assert len(copies_section(html)[1]) == 7


def test_an_imported_copy_is_listed_on_the_original_and_back(client, seeded):
    original = Article.objects.get(source__endswith="003_2c509556c5da08e6.txt")
    copy_text = rehost(seed_text(3), NEW_HEADER, NEW_FOOTER, drop_head=4, drop_tail=1)
    result = import_uploads([("wire/copy.txt", copy_text.encode())])
    copy = Article.objects.get(pk=result.outcomes[0].article_id)
    assert copy.cluster_id is not None
    html = client.get(original.get_absolute_url()).content.decode()
    _note, rows = copies_section(html)
    assert rows == [(f"{copy.outlet.name}: {copy.title}", "date unknown", False)]
    _note, rows = copies_section(client.get(copy.get_absolute_url()).content.decode())
    assert len(rows) == 1 and rows[0][0].endswith(original.title)


@pytest.mark.django_db
def test_more_like_this_is_searched_once_then_kept(client, monkeypatch):
    from archive import views

    calls = []
    monkeypatch.setattr(
        views, "search_more_like_this", lambda pk, limit, text: calls.append(pk) or []
    )
    article = make_story(title="A story with neighbours")
    for _ in range(3):
        assert client.get(article.get_absolute_url()).status_code == 200
    assert calls == [article.pk]
