"""Reader pages: content, order, pagination, filters and 404s for every page type."""

import datetime
import re

import pytest
from django.core.cache import cache

from archive import views
from archive.models import Article, Outlet, Person, Quote, SlugRedirect
from archive.timeline import timeline
from tests.pages_data import make_archive, make_story, person

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def titles(html):
    """Story titles in the order a list shows them."""
    return re.findall(r'<h3 class="story-title"><a href="[^"]+">([^<]+)</a>', html)


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


# -- Home ---------------------------------------------------------------------------------


def test_home_lists_latest_dated_stories_outlets_people_and_timeline(client):
    stories = make_archive(4)  # 1-4 March 2021, outlets alternate
    make_story(title="Undated story")
    make_story(title="Hidden story", published=D(2021, 4, 1), status="hidden")
    html = get(client, "/")
    latest, undated = html.split('<h2 id="undated-title">Recently added, date unknown</h2>')
    assert titles(latest) == [s.title for s in reversed(stories)]
    assert titles(undated.split("</section>")[0]) == ["Undated story"]
    assert "Hidden story" not in html
    assert '<a href="/outlets/daily-gen/">Daily Gen</a> <span class="count">2</span>' in html
    assert '<a href="/people/alice-example/">Alice Example</a> <span class="count">4</span>' in html
    assert '<a href="/dates/2021/03/"><rect' in html
    assert "<title>March 2021: 4 stories</title>" in html
    assert 'action="/search/"' in html
    assert '<label for="home-search-q">Search the archive</label>' in html


def test_home_lists_newest_first(client):
    make_story(title="Older", published=D(2020, 1, 1))
    make_story(title="Newest", published=D(2022, 5, 1))
    make_story(title="Middle", published=D(2021, 1, 1))
    assert titles(get(client, "/")) == ["Newest", "Middle", "Older"]


def test_timeline_fills_empty_months_and_switches_to_years_for_long_spans():
    rows = [(D(2021, 1, 1), 2), (D(2021, 3, 1), 4)]
    chart = timeline(rows)
    assert [(b["label"], b["count"], b["height"]) for b in chart["bars"]] == [
        ("January 2021", 2, 60),
        ("February 2021", 0, 0),
        ("March 2021", 4, 120),
    ]
    assert chart["bars"][1]["url"] == ""
    long = timeline([(D(2000, 1, 1), 1), (D(2015, 6, 1), 3)])
    assert long["per"] == "year" and len(long["bars"]) == 16
    assert long["bars"][-1]["url"] == "/dates/2015/"
    assert timeline([]) is None


# -- Article ------------------------------------------------------------------------------


def test_article_marks_quotes_in_text_and_lists_them_with_speakers(client):
    alice = person("Alice Example")
    article = make_story(
        title="Talks",
        outlet=Outlet.objects.create(name="Paper"),
        published=D(2021, 5, 1),
        byline="By Jo Writer",
        people=[alice],
        quotes=[(alice, "We will <b>win</b>"), ("a spokesman", "No comment")],
    )
    q1, q2 = article.quotes.order_by("position")
    html = get(client, article.get_absolute_url())
    assert (
        f'<p dir="auto">“<q class="quote" id="quote-{q1.pk}" title="Alice Example">'
        "We will &lt;b&gt;win&lt;/b&gt;</q>” said Alice Example.</p>"
    ) in html
    assert f'id="quote-{q2.pk}" title="a spokesman">No comment</q>' in html
    assert '— <a href="/people/alice-example/">Alice Example</a>' in html
    assert "— a spokesman" in html
    assert f'<a href="#quote-{q1.pk}">in context' in html
    assert '<span class="byline">By Jo Writer</span>' in html
    assert '<h2 id="people-heading">People in this story</h2>' in html
    assert '<a href="/people/alice-example/">Alice Example</a> <span class="count"' in html
    assert "<b>win</b>" not in html


def test_quote_not_found_in_text_keeps_its_anchor_in_the_list(client):
    article = make_story(body="Nothing quoted here.", published=D(2021, 1, 1))
    article.quotes.create(text="elsewhere", speaker_label="someone", paragraph=0)
    quote = article.quotes.get()
    html = get(client, article.get_absolute_url())
    assert f'<li id="quote-{quote.pk}">' in html
    assert "<q " not in html


def test_article_previous_and_next_stay_within_the_outlet(client):
    stories = make_archive(6)  # even indexes: Daily Gen
    html = get(client, stories[2].get_absolute_url())
    assert f'<a rel="prev" href="{stories[0].get_absolute_url()}">' in html
    assert f'<a rel="next" href="{stories[4].get_absolute_url()}">' in html
    first = get(client, stories[0].get_absolute_url())
    assert 'rel="prev"' not in first.split('class="prev-next"')[-1]
    assert f'<a rel="next" href="{stories[2].get_absolute_url()}">' in first


def test_adjacent_orders_undated_stories_after_dated_ones():
    outlet = Outlet.objects.create(name="Paper")
    old = make_story(outlet=outlet, published=D(2020, 1, 1))
    new = make_story(outlet=outlet, published=D(2021, 1, 1))
    u1 = make_story(outlet=outlet)
    u2 = make_story(outlet=outlet)
    qs = Article.objects.filter(outlet=outlet)
    assert list(qs.newest_first()) == [new, old, u2, u1]
    assert qs.adjacent(old, newer=False) == u2
    assert qs.adjacent(u2, newer=False) == u1
    assert qs.adjacent(u1, newer=True) == u2
    assert qs.adjacent(u2, newer=True) == old
    assert qs.adjacent(new, newer=True) is None
    assert qs.adjacent(u1, newer=False) is None


def test_neighbours_walk_the_newest_first_order_with_ties_and_undated(django_assert_num_queries):
    outlet = Outlet.objects.create(name="Paper")
    other = Outlet.objects.create(name="Other")
    for day in (D(2020, 1, 1), D(2021, 6, 1), D(2021, 6, 1), D(2019, 3, 3), None, D(2021, 6, 1)):
        make_story(outlet=outlet, published=day)
        make_story(outlet=other, published=day)  # never a neighbour: another outlet
    make_story(outlet=outlet, published=D(2022, 1, 1), status="hidden")
    qs = Article.objects.published().filter(outlet=outlet)
    order = list(qs.newest_first())
    assert len(order) == 6
    for i, article in enumerate(order):
        with django_assert_num_queries(1):
            older, newer = qs.neighbours(article)
        assert older == (order[i + 1] if i + 1 < len(order) else None), i
        assert newer == (order[i - 1] if i > 0 else None), i


def test_more_like_this_hook_lists_published_similar_stories(client, monkeypatch):
    a = make_story(title="Main", published=D(2021, 1, 1))
    b = make_story(title="Similar one", published=D(2021, 1, 2))
    c = make_story(title="Similar two", published=D(2021, 1, 3))
    hidden = make_story(title="Similar hidden", published=D(2021, 1, 4), status="hidden")
    monkeypatch.setattr(
        views, "more_like_this", lambda article, limit=5: [c.pk, a.pk, hidden.pk, 999999, b.pk]
    )
    html = get(client, a.get_absolute_url())
    section = html.split('<h2 id="similar-heading">More like this</h2>')[1]
    assert titles(section)[:2] == ["Similar two", "Similar one"]
    assert "Similar hidden" not in html


def test_more_like_this_without_search_index_is_empty(client):
    a = make_story(title="Main", published=D(2021, 1, 1))
    assert views.more_like_this(a) == []
    assert "More like this" not in get(client, a.get_absolute_url())


def test_more_like_this_failure_is_logged_not_fatal(client, monkeypatch, caplog):
    def broken(article_id, limit=5, text=None):
        raise RuntimeError("index is locked")

    monkeypatch.setattr(views, "search_more_like_this", broken)
    a = make_story(title="Main", published=D(2021, 1, 1))
    assert views.more_like_this(a) == []
    assert f"More like this failed for article {a.pk}" in caplog.text
    assert "<h1>Main</h1>" in get(client, a.get_absolute_url())


def test_staff_see_edit_link_and_unpublished_stories(client, admin_user):
    article = make_story(title="Draft", status="new", published=D(2021, 1, 1))
    get(client, article.get_absolute_url(), 404)
    client.force_login(admin_user)
    html = get(client, article.get_absolute_url())
    assert (
        f'<a href="/admin/archive/article/{article.pk}/change/">Edit this story in the admin</a>'
        in html
    )
    assert "This story is not published (new): only staff can see it." in html


def test_anonymous_reader_sees_no_edit_link(client):
    article = make_story(published=D(2021, 1, 1))
    assert "Edit this story" not in get(client, article.get_absolute_url())


# -- Outlets ------------------------------------------------------------------------------


def test_outlet_list_shows_counts_and_date_span(client):
    make_archive(5)
    make_story(
        outlet=Outlet.objects.get(slug="daily-gen"), status="hidden", published=D(2030, 1, 1)
    )
    html = get(client, "/outlets/")
    row = html.split('<a href="/outlets/daily-gen/">Daily Gen</a></th>')[1].split("</tr>")[0]
    assert '<td class="num">3</td>' in row
    assert "1 Mar 2021" in row and "5 Mar 2021" in row and "2030" not in row


def test_outlet_page_lists_newest_first_paginated_with_month_breakdown(client):
    make_archive(46, start=D(2021, 3, 1))  # 23 per outlet, March and April 2021
    outlet = Outlet.objects.get(slug="daily-gen")
    make_story(title="Undated daily", outlet=outlet)
    html = get(client, "/outlets/daily-gen/")
    listed = titles(html)
    assert len(listed) == 20
    expected = list(
        Article.objects.filter(outlet=outlet).newest_first().values_list("title", flat=True)
    )
    assert listed == expected[:20]
    assert "24 published stories, <time" in html
    assert '<a href="?month=2021-04">Apr 2021</a>' in html
    assert 'href="?page=2"' in html
    page2 = titles(get(client, "/outlets/daily-gen/?page=2"))
    assert page2 == expected[20:] and page2[-1] == "Undated daily"
    march = get(client, "/outlets/daily-gen/?month=2021-03")
    assert all(a.published.month == 3 for a in Article.objects.filter(title__in=titles(march)))
    assert "16 stories in March 2021" in march
    for bad in ("2021-13", "March", "2021-3"):
        get(client, f"/outlets/daily-gen/?month={bad}", 404)
    get(client, "/outlets/daily-gen/?page=9", 404)


def test_outlet_old_slug_redirects_and_unknown_is_404(client):
    Outlet.objects.create(name="New Name", slug="new-name")
    SlugRedirect.objects.create(kind="outlet", old_slug="old-name", new_slug="new-name")
    response = client.get("/outlets/old-name/")
    assert response.status_code == 301 and response["Location"] == "/outlets/new-name/"
    get(client, "/outlets/never-was/", 404)
    get(client, "/outlets/bad%20slug/", 404)


# -- People -------------------------------------------------------------------------------


def test_people_list_counts_mentions_filters_by_letter_and_name(client):
    make_archive(6)
    person("Nobody Mentioned")
    html = get(client, "/people/")
    assert (
        '<a href="/people/alice-example/">Alice Example</a> <span class="count" title="stories">6</span>'
        in html
    )
    assert (
        '<a href="/people/bob-sample/">Bob Sample</a> <span class="count" title="stories">4</span>'
        in html
    )
    assert "Nobody Mentioned" not in html
    b = get(client, "/people/?letter=b")
    assert "Bob Sample" in b and "Alice Example" not in b and 'aria-current="true">B<' in b
    by_alias = get(client, "/people/?q=A.+Example")
    assert "Alice Example" in by_alias and "Bob Sample" not in by_alias
    get(client, "/people/?letter=ab", 404)
    get(client, "/people/?letter=%C3%A9", 404)


def test_people_list_pager_keeps_the_filter(client):
    for i in range(65):
        make_story(people=[person(f"Zed Person {i:02d}")], published=D(2021, 1, 1))
    html = get(client, "/people/?q=zed")
    assert 'href="?q=zed&amp;page=2"' in html
    assert "Zed Person 64" in get(client, "/people/?q=zed&page=2")


def test_person_page_shows_aliases_quotes_stories_related_and_outlets(client):
    stories = make_archive(6)
    html = get(client, "/people/alice-example/")
    # the surname alone ("Example") still links stories but is not shown as a name
    assert 'Also written as <span class="alias">A. Example</span>.' in html
    quotes = re.findall(r"<blockquote><p>“(Quote number \d+) from Alice”", html)
    assert quotes == [f"Quote number {i}" for i in range(5, -1, -1)]
    assert stories[5].get_absolute_url() in html
    assert titles(html) == [s.title for s in reversed(stories)]
    related = html.split('id="related-heading"')[1].split("</section>")[0]
    assert re.findall(
        r">([A-Z][a-z]+ [A-Z][a-z]+)</a> <span class=\"count\"[^>]*>(\d+)<", related
    ) == [
        ("Bob Sample", "4"),
        ("Carol Test", "2"),
    ]
    outlets = html.split('id="outlets-heading"')[1].split("</section>")[0]
    assert '>Daily Gen</a> <span class="count" title="stories">3<' in outlets
    assert "Mentioned in 6 stories." in html


def test_person_without_quotes_and_person_redirects(client):
    p = person("Quiet Person")
    make_story(people=[p], published=D(2021, 1, 1))
    assert "No quotes attributed to Quiet Person." in get(client, "/people/quiet-person/")
    SlugRedirect.objects.create(kind="person", old_slug="quiet", new_slug="quiet-person")
    response = client.get("/people/quiet/")
    assert response.status_code == 301 and response["Location"] == "/people/quiet-person/"
    get(client, "/people/nobody/", 404)


# -- Quotes -------------------------------------------------------------------------------


def test_quotes_newest_first_and_filtered_by_speaker_and_outlet(client):
    make_archive(4)
    html = get(client, "/quotes/")
    texts = re.findall(r"<blockquote><p>“([^”]+)”", html)
    assert texts[:4] == [
        "Quote number 3 from Alice",
        "Official 3",
        "Quote number 2 from Alice",
        "Official 2",
    ]
    by_slug = re.findall(r"<blockquote><p>“([^”]+)”", get(client, "/quotes/?speaker=alice-example"))
    assert by_slug == [f"Quote number {i} from Alice" for i in (3, 2, 1, 0)]
    by_label = re.findall(r"<blockquote><p>“([^”]+)”", get(client, "/quotes/?speaker=official"))
    assert by_label == ["Official 3", "Official 2", "Official 1", "Official 0"]
    daily = get(client, "/quotes/?outlet=daily-gen")
    assert re.findall(r"<blockquote><p>“([^”]+)”", daily) == [
        "Quote number 2 from Alice",
        "Official 2",
        "Quote number 0 from Alice",
        "Official 0",
    ]
    assert '<option value="daily-gen" selected>Daily Gen</option>' in daily
    assert "No quotes match." in get(client, "/quotes/?outlet=nope")


def test_quotes_and_person_pages_leave_fragments_out_unless_asked(client):
    alice = person("Alice Example")
    make_story(
        title="A story",
        people=[alice],
        quotes=[(alice, "We will keep going whatever happens next"), (alice, "dangerous")],
    )
    Quote.objects.filter(text="dangerous").update(is_fragment=True)
    quoted = re.compile(r"<blockquote><p>“([^”]+)”")
    assert quoted.findall(get(client, "/quotes/")) == ["We will keep going whatever happens next"]
    assert quoted.findall(get(client, "/quotes/?fragments=1")) == [
        "We will keep going whatever happens next",
        "dangerous",
    ]
    page = get(client, alice.get_absolute_url())
    assert "We will keep going whatever happens next" in page
    assert "dangerous" not in page


def test_quotes_from_undated_stories_come_last_on_every_database(client):
    alice = person("Alice Example")
    make_story(published=None, people=[alice], quotes=[(alice, "Undated words")])
    make_story(published=D(2020, 5, 1), people=[alice], quotes=[(alice, "Older words")])
    make_story(published=D(2021, 5, 1), people=[alice], quotes=[(alice, "Newer words")])
    expected = ["Newer words", "Older words", "Undated words"]
    assert re.findall(r"<blockquote><p>“([^”]+)”", get(client, "/quotes/")) == expected
    assert re.findall(r"<blockquote><p>“([^”]+)”", get(client, "/people/alice-example/")) == (
        expected
    )


# -- Dates --------------------------------------------------------------------------------


@pytest.fixture
def spread():
    """Stories in 2019 and 2021 (none in 2020), a gap in the months and days, one undated."""
    return {
        "a": make_story(title="Early 2019", published=D(2019, 11, 5)),
        "b": make_story(title="March first", published=D(2021, 3, 1)),
        "c": make_story(title="March first again", published=D(2021, 3, 1)),
        "d": make_story(title="March tenth", published=D(2021, 3, 10)),
        "e": make_story(title="June", published=D(2021, 6, 30)),
        "u": make_story(title="No date"),
    }


def test_dates_index_lists_years_with_counts_and_undated(client, spread):
    html = get(client, "/dates/")
    assert re.findall(
        r'<a href="/dates/(\d{4})/"><span class="period">\d+</span> <span class="count">(\d+) stor',
        html,
    ) == [
        ("2019", "1"),
        ("2021", "4"),
    ]
    assert '<a href="/dates/undated/">1 story with no known date</a>' in html


def test_year_page_months_and_links_skip_empty_years(client, spread):
    html = get(client, "/dates/2021/")
    assert (
        '<a href="/dates/2021/03/"><span class="period">March</span> <span class="count">3 stories</span>'
        in html
    )
    assert '<span class="period">April</span> <span class="count">no stories</span>' in html
    assert (
        '<a rel="prev" href="/dates/2019/"><span class="label">Previous year</span> 2019</a>'
        in html
    )
    assert 'rel="next"' not in html.split("period-nav")[-1]
    get(client, "/dates/2020/", 404)


def test_month_page_calendar_counts_stories_and_neighbours(client, spread):
    html = get(client, "/dates/2021/03/")
    assert (
        '<a href="/dates/2021/03/01/" aria-label="1 March: 2 stories"><span class="day">1</span><span class="n">2</span></a>'
        in html
    )
    assert 'aria-label="10 March: 1 story"' in html
    assert '<td><span class="day">2</span></td>' in html
    assert (
        '<a rel="prev" href="/dates/2019/11/"><span class="label">Previous month</span> November 2019</a>'
        in html
    )
    assert (
        '<a rel="next" href="/dates/2021/06/"><span class="label">Next month</span> June 2021</a>'
        in html
    )
    assert titles(html) == ["March tenth", "March first again", "March first"]
    get(client, "/dates/2021/04/", 404)


def test_day_page_lists_stories_and_skips_empty_days(client, spread):
    html = get(client, "/dates/2021/03/01/")
    assert titles(html) == ["March first again", "March first"]
    assert (
        '<a rel="next" href="/dates/2021/03/10/"><span class="label">Next day</span> 10 March 2021</a>'
        in html
    )
    assert (
        '<a rel="prev" href="/dates/2019/11/05/"><span class="label">Previous day</span> 5 November 2019</a>'
        in html
    )
    get(client, "/dates/2021/03/02/", 404)


@pytest.mark.parametrize(
    "url",
    [
        "/dates/2021/13/",
        "/dates/2021/00/",
        "/dates/2021/02/30/",
        "/dates/2021/3/",
        "/dates/21/",
        "/dates/0000/",
        "/dates/2021/03/01/x/",
        "/dates/abcd/",
        "/dates/2021/03/01/?page=2",
        "/dates/2021/03/01/?page=x",
    ],
)
def test_bad_dates_are_404(client, spread, url):
    get(client, url, 404)


def test_undated_stories_are_reachable(client, spread):
    html = get(client, "/dates/undated/")
    assert titles(html) == ["No date"]


# -- Escaping and search box --------------------------------------------------------------


def test_story_text_is_escaped_on_every_list(client):
    evil = "<script>alert(1)</script>"
    p = person("Eve <img>")
    outlet = Outlet.objects.create(name="Bad <i>Outlet</i>")
    make_story(title=evil, outlet=outlet, people=[p], quotes=[(p, evil)], published=D(2021, 1, 1))
    for url in (
        "/",
        "/outlets/",
        outlet.get_absolute_url(),
        "/people/",
        Person.objects.get().get_absolute_url(),
        "/quotes/",
        "/dates/2021/01/01/",
    ):
        html = get(client, url)
        assert "<script>alert" not in html and "<img>" not in html and "<i>Outlet" not in html, url
        assert "&lt;" in html, url


def test_header_search_is_a_plain_get_form(client):
    html = get(client, "/outlets/")
    assert '<form class="site-search" role="search" action="/search/" method="get">' in html
    assert '<label class="visually-hidden" for="site-search-q">Search stories</label>' in html


@pytest.mark.parametrize(
    "standfirst, points",
    [
        (
            "Spy agencies piggyback on data • Details can include age • Tools target phones",
            ["Spy agencies piggyback on data", "Details can include age", "Tools target phones"],
        ),
        (
            "Macron boasted of a deal\nThe Kremlin ridiculed it",
            ["Macron boasted of a deal", "The Kremlin ridiculed it"],
        ),
    ],
)
def test_standfirst_bullet_points_are_listed_one_by_one(client, standfirst, points):
    story = make_story(title="Points", standfirst=standfirst)
    html = client.get(story.get_absolute_url()).content.decode()
    items = re.findall(r'<ul class="standfirst">(.*?)</ul>', html, re.S)
    assert len(items) == 1
    assert re.findall(r'<li dir="auto">(.*?)</li>', items[0]) == points


def test_single_standfirst_is_one_escaped_paragraph(client):
    story = make_story(title="One", standfirst="Talks <b>resume</b> in Geneva")
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<p class="standfirst" dir="auto">Talks &lt;b&gt;resume&lt;/b&gt; in Geneva</p>' in html
    assert '<ul class="standfirst">' not in html


# -- Names A-Z, the unknown outlet, one search box, feed notes ---------------------------


def test_outlet_list_sorts_names_ignoring_case_and_accents(client):
    for name, slug in [
        ("BET", "bet"),
        ("Ben Shapiro", "ben-shapiro"),
        ("Élysée Daily", "elysee-daily"),
        ("Zeta", "zeta"),
        ("apple Times", "apple-times"),
        ("Ebony", "ebony"),
        ("Eve", "eve"),
    ]:
        Outlet.objects.create(name=name, slug=slug)
    html = get(client, "/outlets/")
    names = re.findall(r'<th scope="row"><a href="/outlets/[^"]+/">([^<]+)</a></th>', html)
    assert names == ["apple Times", "Ben Shapiro", "BET", "Ebony", "Élysée Daily", "Eve", "Zeta"]


def test_outlet_list_has_an_unknown_outlet_entry_with_its_count(client, django_assert_num_queries):
    make_archive(2)
    make_story(title="No outlet, dated", published=D(2021, 5, 1))
    make_story(title="No outlet, undated")
    make_story(title="No outlet, hidden", status="hidden")
    with django_assert_num_queries(2):
        html = get(client, "/outlets/")
    assert (
        '<tr><th scope="row"><a href="/unknown-outlet/">Unknown outlet</a></th>\n'
        '        <td class="num">2</td>'
    ) in html
    assert html.index("Unknown outlet") < html.index("Daily Gen")
    page = get(client, "/unknown-outlet/")
    assert titles(page) == ["No outlet, dated", "No outlet, undated"]
    assert "2 published stories whose outlet is not known yet" in page
    # the meta line of a story without an outlet or a date links to these lists
    assert '<a href="/unknown-outlet/">Unknown outlet</a>' in page
    assert '<a href="/dates/undated/">undated</a>' in page
    assert "Unknown outlet" not in get(client, "/outlets/?page=1").split("<tbody>")[1]
    get(client, "/unknown-outlet/?page=2", 404)


def test_outlet_list_without_unknown_stories_has_no_unknown_entry(client):
    make_archive(2)
    assert "Unknown outlet" not in get(client, "/outlets/")


def test_people_list_sorts_names_ignoring_case(client):
    for name in ["de Gaulle", "Dan Brown", "Zoe Ball", "DJ Shadow", "alan Key"]:
        make_story(people=[person(name)], published=D(2021, 1, 1))
    html = get(client, "/people/")
    names = re.findall(r'<li><a href="/people/[^"]+/">([^<]+)</a> <span class="count"', html)
    assert names == ["alan Key", "Dan Brown", "de Gaulle", "DJ Shadow", "Zoe Ball"]


def test_search_page_has_one_search_box(client):
    html = get(client, "/search/?q=anything")
    assert html.count('type="search"') == 1
    assert 'id="site-search-q"' not in html


def test_feed_links_say_what_they_are_for(client):
    make_archive(2)
    note = "(for a feed reader: copy the link's address into one to follow new stories)"
    for url in ("/", "/outlets/daily-gen/", "/people/alice-example/"):
        assert note in get(client, url), url
