"""Outlet and person counters the reader pages show, the cached archive figures, /healthz/."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from archive import curation
from archive.models import Article, Mention, Outlet, Person
from archive.stats import OutletFigures, refresh_counts
from tests.pages_data import make_story, person

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def true_outlet_figures():
    """``{outlet name: (published stories, first date, last date)}`` counted the slow way."""
    figures = {}
    for outlet in Outlet.objects.all():
        dates = [
            a.published
            for a in Article.objects.published().filter(outlet=outlet)
            if a.published is not None
        ]
        n = Article.objects.published().filter(outlet=outlet).count()
        figures[outlet.name] = (n, min(dates, default=None), max(dates, default=None))
    return figures


def stored_outlet_figures():
    return {
        o.name: (o.article_count, o.first_published, o.last_published) for o in Outlet.objects.all()
    }


def stored_mentions():
    return dict(Person.objects.values_list("name", "mention_count"))


def test_import_fills_the_counters(seeded):
    figures = stored_outlet_figures()
    assert figures == true_outlet_figures()
    assert (
        sum(n for n, _, _ in figures.values())
        == Article.objects.filter(outlet__isnull=False).count()
    )
    for p in Person.objects.all():
        assert p.mention_count == Mention.objects.filter(person=p).count(), p.name


def test_curation_keeps_outlet_counters_and_people_counts_current(
    django_capture_on_commit_callbacks,
):
    wire, daily = Outlet.objects.create(name="Wire"), Outlet.objects.create(name="Daily")
    ann = person("Ann Lee")
    a = make_story(outlet=wire, published=D(2022, 1, 5), people=[ann])
    b = make_story(outlet=wire, published=D(2022, 3, 1), people=[ann])
    assert stored_outlet_figures()["Wire"] == (2, D(2022, 1, 5), D(2022, 3, 1))
    assert stored_mentions() == {"Ann Lee": 2}

    with django_capture_on_commit_callbacks(execute=True):
        curation.set_articles(Article.objects.filter(pk=b.pk), status=Article.Status.HIDDEN)
    assert stored_outlet_figures() == {
        "Daily": (0, None, None),
        "Wire": (1, a.published, a.published),
    }
    assert stored_mentions() == {"Ann Lee": 1}

    # moving a story to another outlet recounts the one it left too
    with django_capture_on_commit_callbacks(execute=True):
        curation.set_articles(Article.objects.filter(pk=a.pk), outlet=daily)
    assert stored_outlet_figures() == {
        "Daily": (1, D(2022, 1, 5), D(2022, 1, 5)),
        "Wire": (0, None, None),
    }
    assert stored_outlet_figures() == true_outlet_figures()


def test_deleted_mentions_are_recounted_on_the_next_change(django_capture_on_commit_callbacks):
    ann, bob = person("Ann Lee"), person("Bob Ray")
    story = make_story(outlet=Outlet.objects.create(name="Wire"), people=[ann, bob])
    assert stored_mentions() == {"Ann Lee": 1, "Bob Ray": 1}
    with django_capture_on_commit_callbacks(execute=True):
        Mention.objects.filter(article=story, person=bob).delete()
        curation.set_articles(Article.objects.filter(pk=story.pk), published=D(2022, 2, 2))
    assert stored_mentions() == {"Ann Lee": 1, "Bob Ray": 0}


def test_recount_command_repairs_counters_changed_behind_the_archives_back(capsys):
    wire = Outlet.objects.create(name="Wire")
    ann = person("Ann Lee")
    make_story(outlet=wire, published=D(2022, 1, 5), people=[ann])
    make_story(outlet=wire, published=D(2022, 1, 6), people=[ann])
    Outlet.objects.update(article_count=7, first_published=None)
    Person.objects.update(mention_count=0)
    call_command("recount")
    assert "1 outlets and 1 people had stale counts" in capsys.readouterr().out
    assert stored_outlet_figures() == {"Wire": (2, D(2022, 1, 5), D(2022, 1, 6))}
    assert stored_mentions() == {"Ann Lee": 2}
    call_command("recount")
    assert "0 outlets and 0 people" in capsys.readouterr().out


def test_refresh_counts_only_counts_published_stories():
    wire = Outlet.objects.create(name="Wire")
    ann = person("Ann Lee")
    make_story(outlet=wire, published=D(2022, 1, 5), people=[ann], status="new")
    make_story(outlet=wire, published=D(2021, 1, 5), people=[ann], status="hidden")
    make_story(outlet=wire, people=[ann])  # published, undated
    refresh_counts()
    assert stored_outlet_figures() == {"Wire": (1, None, None)}
    assert stored_mentions() == {"Ann Lee": 1}


def test_home_figures_are_dropped_when_articles_change(client, django_capture_on_commit_callbacks):
    wire = Outlet.objects.create(name="Wire")
    story = make_story(title="First", outlet=wire, published=D(2022, 1, 5))
    html = client.get("/").content.decode()
    assert '<a href="/outlets/wire/">Wire</a> <span class="count">1</span>' in html
    assert "<title>January 2022: 1 story</title>" in html
    make_story(title="Second", outlet=wire, published=D(2022, 1, 9))
    html = client.get("/").content.decode()
    assert "<title>January 2022: 1 story</title>" in html  # still the cached figures
    with django_capture_on_commit_callbacks(execute=True):
        curation.set_articles(Article.objects.filter(pk=story.pk), published=D(2022, 1, 6))
    html = client.get("/").content.decode()
    assert "<title>January 2022: 2 stories</title>" in html
    assert '<a href="/outlets/wire/">Wire</a> <span class="count">2</span>' in html
    assert (
        '<a href="/dates/2022/"><span class="period">2022</span> <span class="count">2 stories'
        in (client.get("/dates/").content.decode())
    )


def test_healthz_is_plain_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"ok"


def test_mentions_and_quotes_follow_their_story(client, django_capture_on_commit_callbacks):
    """Person pages and quote lists read the story's date, state and outlet from copies on
    the mentions and quotes: a change to the story reaches them."""
    wire, daily = Outlet.objects.create(name="Wire"), Outlet.objects.create(name="Daily")
    ann = person("Ann Lee")
    early = make_story(
        title="Early", outlet=wire, published=D(2022, 1, 1), people=[ann], quotes=[(ann, "One")]
    )
    late = make_story(
        title="Late", outlet=wire, published=D(2022, 2, 1), people=[ann], quotes=[(ann, "Two")]
    )

    def person_page():
        """``(story titles in order, outlets section)`` of Ann Lee's page."""
        html = client.get("/people/ann-lee/").content.decode()
        stories = html.split('id="stories-heading"')[1]
        titles = re.findall(r'<h3 class="story-title"><a href="[^"]+">([^<]+)</a>', stories)
        return titles, html.split('id="outlets-heading"')[1].split("</section>")[0]

    assert person_page()[0] == ["Late", "Early"]  # newest first
    quotes = client.get("/quotes/").content.decode()
    assert quotes.index("“Two”") < quotes.index("“One”")

    with django_capture_on_commit_callbacks(execute=True):
        curation.set_articles(Article.objects.filter(pk=early.pk), published=D(2022, 3, 1))
        curation.set_articles(Article.objects.filter(pk=late.pk), outlet=daily)
    stories, outlets = person_page()
    assert stories == ["Early", "Late"]
    assert '<a href="/outlets/daily/">Daily</a> <span class="count" title="stories">1</span>' in (
        outlets
    )
    cache.clear()
    quotes = client.get("/quotes/").content.decode()
    assert quotes.index("“One”") < quotes.index("“Two”")

    with django_capture_on_commit_callbacks(execute=True):
        curation.set_articles(Article.objects.filter(pk=early.pk), status=Article.Status.HIDDEN)
    assert person_page()[0] == ["Late"]
    assert "“One”" not in client.get("/quotes/").content.decode()
    assert "Mentioned in 1 story." in client.get("/people/ann-lee/").content.decode()


def test_a_story_hidden_behind_the_archives_back_is_never_listed(client, settings):
    # The views themselves: the page cache follows only changes made through the archive.
    settings.ARCHIVE_PAGE_CACHE_SECONDS = 0
    ann = person("Ann Lee")
    wire = Outlet.objects.create(name="Wire")
    make_story(title="Kept", outlet=wire, published=D(2022, 1, 1), people=[ann])
    make_story(title="Pulled", outlet=wire, published=D(2022, 1, 2), people=[ann])
    Article.objects.filter(title="Pulled").update(status="hidden")  # no signal: copies stale
    for url in ("/people/ann-lee/", "/outlets/wire/"):
        html = client.get(url).content.decode()
        assert ">Kept</a></h3>" in html and "Pulled" not in html, url
    call_command("recount")
    assert "Mentioned in 1 story." in client.get("/people/ann-lee/").content.decode()


def test_a_change_recounts_only_the_outlets_of_its_articles():
    wire, daily = Outlet.objects.create(name="Wire"), Outlet.objects.create(name="Daily")
    make_story(outlet=wire, published=D(2022, 1, 5))
    make_story(outlet=daily, published=D(2022, 1, 7))
    # A wrong date on Daily that a full recount would fix (the counts still add up).
    Outlet.objects.filter(pk=daily.pk).update(first_published=D(1999, 1, 1))
    new = make_story(outlet=wire, published=D(2022, 2, 1))
    refresh_counts([new.pk])
    assert stored_outlet_figures() == {
        "Daily": (1, D(1999, 1, 1), D(2022, 1, 7)),  # not among the changed articles' outlets
        "Wire": (2, D(2022, 1, 5), D(2022, 2, 1)),
    }


def test_new_stories_are_added_to_their_outlets_figures():
    wire, daily = Outlet.objects.create(name="Wire"), Outlet.objects.create(name="Daily")
    make_story(outlet=wire, published=D(2021, 5, 1))
    make_story(outlet=wire, published=D(2021, 6, 1))
    new = [
        make_story(outlet=wire, published=D(2020, 1, 1)),
        make_story(outlet=wire, published=D(2022, 1, 1)),
        make_story(outlet=wire),  # undated
        make_story(outlet=wire, published=D(2019, 1, 1), status="new"),  # held for review
        make_story(outlet=daily),  # Daily's first story, undated
        make_story(outlet=daily, published=D(2023, 3, 3)),
        make_story(published=D(2018, 1, 1)),  # no outlet
    ]
    # The figures before the new stories (saving them counted them already), except that
    # another import raised Wire's count meanwhile: adding is relative to what is stored.
    Outlet.objects.filter(pk=wire.pk).update(
        article_count=12, first_published=D(2021, 5, 1), last_published=D(2021, 6, 1)
    )
    Outlet.objects.filter(pk=daily.pk).update(
        article_count=0, first_published=None, last_published=None
    )
    figures = OutletFigures()
    for article in new:
        figures.add(article)
    figures.save()
    assert stored_outlet_figures() == {
        "Daily": (2, D(2023, 3, 3), D(2023, 3, 3)),
        "Wire": (15, D(2020, 1, 1), D(2022, 1, 1)),
    }
    # Once saved (by the importer, in the transaction of its chunk), the signal sent for
    # the new stories after the commit counts nothing again.
    refresh_counts([a.pk for a in new], created=True)
    assert stored_outlet_figures()["Wire"] == (15, D(2020, 1, 1), D(2022, 1, 1))
    # An undated story adds to the count and leaves the dates alone; saved figures start
    # again from nothing.
    figures.add(make_story(outlet=daily))
    Outlet.objects.filter(pk=daily.pk).update(article_count=2)
    figures.save()
    assert stored_outlet_figures()["Daily"] == (3, D(2023, 3, 3), D(2023, 3, 3))


def test_the_outlets_of_deleted_and_moved_articles_are_recounted(
    django_capture_on_commit_callbacks,
):
    wire, daily = Outlet.objects.create(name="Wire"), Outlet.objects.create(name="Daily")
    gone = make_story(outlet=wire, published=D(2022, 1, 5))
    kept = make_story(outlet=wire, published=D(2022, 1, 9))
    moved = make_story(outlet=daily, published=D(2022, 3, 1))
    assert stored_outlet_figures() == true_outlet_figures()
    gone_id = gone.pk
    gone.delete()
    refresh_counts([gone_id])  # the article is gone: its id no longer shows its outlet
    assert stored_outlet_figures()["Wire"] == (1, D(2022, 1, 9), D(2022, 1, 9))
    # moved with a queryset update, announced with the outlet it joined only
    Article.objects.filter(pk=moved.pk).update(outlet=wire)
    refresh_counts([moved.pk])
    assert stored_outlet_figures() == {
        "Daily": (0, None, None),
        "Wire": (2, kept.published, D(2022, 3, 1)),
    }
    assert stored_outlet_figures() == true_outlet_figures()


def test_imported_mentions_and_quotes_carry_their_storys_fields(
    seeds_dir, settings, django_capture_on_commit_callbacks
):
    from archive.importer import import_paths, import_uploads
    from archive.models import Quote

    settings.ARCHIVE_IMPORT_CHUNK = 2  # three chunks
    first = sorted(seeds_dir.iterdir())[0].read_bytes()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_paths([str(seeds_dir)])
        held = import_uploads([("held.txt", first + b"\nA line more.\n")], review=True)
    assert held.created == 1 and len(callbacks) >= 4

    def copies():
        return (
            sorted(Mention.objects.values_list("id", "published", "is_published", "outlet")),
            sorted(Quote.objects.values_list("id", "published", "is_published")),
        )

    mentions, quotes = copies()
    assert {m[2] for m in mentions} == {True, False}  # the story held for review: False
    assert {m[3] for m in mentions} - {None} and {m[1] for m in mentions} - {None}
    figures, counts = stored_outlet_figures(), stored_mentions()
    refresh_counts()  # copies every field again and recounts everything
    assert copies() == (mentions, quotes)
    assert (stored_outlet_figures(), stored_mentions()) == (figures, counts)
    assert figures == true_outlet_figures()
