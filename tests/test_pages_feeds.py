"""Atom feeds: latest stories, per outlet, per person."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from tests.pages_data import make_archive, make_story

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return feed, [
        (
            e.findtext(f"{ATOM}title"),
            e.find(f"{ATOM}link").get("href"),
            e.findtext(f"{ATOM}published"),
        )
        for e in feed.findall(f"{ATOM}entry")
    ]


def test_latest_feed_lists_dated_published_stories_newest_first(client):
    stories = make_archive(3)
    make_story(title="Hidden", published=datetime.date(2022, 1, 1), status="hidden")
    make_story(title="Undated")
    feed, items = entries(client, "/feeds/latest/")
    assert feed.findtext(f"{ATOM}title") == "News archive: latest stories"
    assert [t for t, _, _ in items] == [s.title for s in reversed(stories)]
    assert items[0][1] == f"http://testserver{stories[2].get_absolute_url()}"
    assert items[0][2] == "2021-03-03T12:00:00+00:00"


def test_outlet_and_person_feeds(client):
    stories = make_archive(4)
    _, daily = entries(client, "/feeds/outlets/daily-gen/")
    assert [t for t, _, _ in daily] == [stories[2].title, stories[0].title]
    feed, carol = entries(client, "/feeds/people/carol-test/")
    assert feed.findtext(f"{ATOM}title") == "News archive: Carol Test"
    assert [t for t, _, _ in carol] == [stories[3].title, stories[0].title]
    assert client.get("/feeds/outlets/nope/").status_code == 404
    assert client.get("/feeds/people/nope/").status_code == 404


def test_feed_escapes_story_text(client):
    make_story(title="<b>Bold</b> & co", published=datetime.date(2021, 1, 1), standfirst="<i>x</i>")
    response = client.get("/feeds/latest/")
    assert b"&lt;b&gt;Bold&lt;/b&gt; &amp; co" in response.content
    _, items = entries(client, "/feeds/latest/")
    assert items[0][0] == "<b>Bold</b> & co"


def test_pages_advertise_their_feeds(client):
    make_archive(1)
    html = client.get("/outlets/daily-gen/").content.decode()
    assert (
        'type="application/atom+xml" title="Daily Gen: latest stories" href="/feeds/outlets/daily-gen/"'
        in html
    )
    html = client.get("/people/alice-example/").content.decode()
    assert 'href="/feeds/people/alice-example/"' in html
