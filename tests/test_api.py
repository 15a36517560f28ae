"""The JSON API (/api/): records, order, cursor pagination, filters, errors, ETags,
throttling, tokens and query counts."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from archive import pagecache
from archive.api import pages
from archive.models import ApiToken, Article, Outlet, Person, Quote
from tests.pages_data import make_archive, make_story, person

D = datetime.date

pytestmark = pytest.mark.usefixtures("own_throttle_counts")


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def walk(client, url):
    """Every page of a list from ``url`` by its next links: (ids, number of pages)."""
    found, pages_read = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        found += [row["id"] for row in body["results"]]
        pages_read += 1
        url = body["next"]
    return found, pages_read


def newest_first(queryset):
    """Published stories in the API's order: date descending, undated last, id descending."""
    stories = list(queryset.filter(status="published"))
    return [
        a.pk
        for a in sorted(
            stories,
            key=lambda a: (a.published is None, a.published and -a.published.toordinal(), -a.pk),
        )
    ]


@pytest.fixture
def mixed(db):
    """Stories dated, several on one day, and undated, over two outlets; a hidden one."""
    daily = Outlet.objects.create(name="Daily Gen", slug="daily-gen")
    weekly = Outlet.objects.create(name="Weekly Gen", slug="weekly-gen")
    alice, bob = person("Alice Example"), person("Bob Sample")
    days = [
        D(2022, 2, 8),
        D(2022, 2, 8),
        D(2022, 2, 8),
        D(2022, 1, 3),
        None,
        D(2021, 12, 31),
        None,
        None,
    ]
    stories = [
        make_story(
            outlet=daily if i % 2 else weekly,
            published=day,
            people=[alice] if i % 3 else [alice, bob],
            quotes=[(alice, f"Alice says number {i} of the quotes here")],
        )
        for i, day in enumerate(days)
    ]
    make_story(outlet=daily, published=D(2023, 1, 1), status="hidden", people=[alice])
    return {"stories": stories, "daily": daily, "weekly": weekly, "alice": alice, "bob": bob}


# -- articles -------------------------------------------------------------------------------


def test_articles_newest_first_undated_last_across_pages_without_gaps(client, mixed):
    expected = newest_first(Article.objects.all())
    assert len(expected) == 8
    for limit in (1, 2, 3, 8, 20):
        found, read = walk(client, f"/api/articles/?limit={limit}")
        assert found == expected, limit
        assert read == -(-8 // limit)  # no empty page at the end


def test_articles_pages_have_the_limit_and_a_next_link_keeping_the_filters(client, mixed):
    response = client.get("/api/articles/?outlet=daily-gen&limit=2")
    body = response.json()
    expected = newest_first(Article.objects.filter(outlet=mixed["daily"]))
    assert ids(response) == expected[:2]
    assert body["next"].startswith(
        "http://testserver/api/articles/?outlet=daily-gen&limit=2&cursor="
    )
    assert walk(client, "/api/articles/?outlet=daily-gen&limit=2")[0] == expected


def test_articles_of_a_person_and_between_dates(client, mixed):
    bob = mixed["bob"]
    expected = newest_first(Article.objects.filter(mentions__person=bob))
    assert walk(client, "/api/articles/?person=bob-sample&limit=1")[0] == expected
    dated = [
        a.pk
        for a in Article.objects.published()
        .filter(published__gte=D(2022, 1, 1), published__lte=D(2022, 1, 31))
        .order_by("-published", "-id")
    ]
    assert walk(client, "/api/articles/?from=2022-01&to=2022-01&limit=1")[0] == dated
    both = newest_first(
        Article.objects.filter(
            mentions__person=mixed["alice"], outlet=mixed["weekly"], published__year=2022
        )
    )
    url = "/api/articles/?person=alice-example&outlet=weekly-gen&from=2022&to=2022&limit=2"
    assert walk(client, url)[0] == both


def test_an_article_record_links_to_the_api_and_the_page(client, mixed):
    story = mixed["stories"][1]
    row = client.get("/api/articles/?limit=20").json()["results"]
    record = next(r for r in row if r["id"] == story.pk)
    assert record == {
        "id": story.pk,
        "title": story.title,
        "outlet": {
            "name": "Daily Gen",
            "slug": "daily-gen",
            "url": "http://testserver/api/outlets/daily-gen/",
            "html_url": "http://testserver/outlets/daily-gen/",
        },
        "published": "2022-02-08",
        "url": f"http://testserver/api/articles/{story.pk}/",
        "html_url": f"http://testserver{story.get_absolute_url()}",
        "standfirst": "",
        "authors": [],
        "wire": None,
        "word_count": story.word_count,
        "source_url": "",
    }


def test_article_detail_holds_body_people_quotes_and_copies(client, seeded):
    # Copies of one story filed in one cluster: the first seed republished by another outlet.
    article = Article.objects.published().exclude(quotes=None).order_by("id").first()
    copy = Article.objects.published().exclude(pk=article.pk).order_by("id").first()
    from archive.models import StoryCluster

    cluster = StoryCluster.objects.create(first=article)
    Article.objects.filter(pk__in=[article.pk, copy.pk]).update(cluster=cluster)
    body = client.get(f"/api/articles/{article.pk}/").json()
    assert body["body"] == article.paragraphs
    assert body["people"] == [
        {
            "person": {
                "name": m.person.name,
                "slug": m.person.slug,
                "url": f"http://testserver/api/people/{m.person.slug}/",
                "html_url": f"http://testserver/people/{m.person.slug}/",
            },
            "mentions": m.count,
        }
        for m in article.mentions.select_related("person")
    ]
    quotes = list(article.quotes.all())
    assert [q["id"] for q in body["quotes"]] == [q.pk for q in quotes]
    assert [q["text"] for q in body["quotes"]] == [q.text for q in quotes]
    assert [q["speaker"] and q["speaker"]["slug"] for q in body["quotes"]] == [
        q.speaker.slug if q.speaker else None for q in quotes
    ]
    assert [c["id"] for c in body["copies"]] == [copy.pk]
    assert body["cluster"] == cluster.pk
    assert body["first_published_copy"] == article.pk


def test_unpublished_or_unknown_articles_are_404_json(client, mixed):
    hidden = Article.objects.get(status="hidden")
    for url, message in [
        (f"/api/articles/{hidden.pk}/", f"No published story has the id {hidden.pk}."),
        ("/api/articles/999999/", "No published story has the id 999999."),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": message}


@pytest.mark.parametrize(
    "query, status, detail",
    [
        (
            "from=2022-13-01",
            400,
            '"2022-13-01" is not a date: from takes YYYY, YYYY-MM or YYYY-MM-DD.',
        ),
        ("to=yesterday", 400, '"yesterday" is not a date: to takes YYYY, YYYY-MM or YYYY-MM-DD.'),
        ("from=2022-03&to=2022-02", 400, "from (2022-03-01) is after to (2022-02-28)."),
        ("outlet=nowhere", 400, 'No outlet has the slug "nowhere" (see /api/outlets/).'),
        ("person=nobody", 400, 'No person has the slug "nobody" (see /api/people/).'),
        ("cursor=not-a-cursor", 400, pages.BAD_CURSOR),
        ("cursor=" + pages.encode("people", "a", "b", 1), 400, pages.BAD_CURSOR),
        ("cursor=" + pages.encode("articles", "2022-02-30", 1), 400, pages.BAD_CURSOR),
        ("cursor=" + pages.encode("articles", None, True), 400, pages.BAD_CURSOR),
    ],
)
def test_bad_parameters_are_400_with_the_reason(client, mixed, query, status, detail):
    response = client.get(f"/api/articles/?{query}")
    assert response.status_code == status
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x"])
def test_a_limit_out_of_range_is_422_naming_the_parameter(client, mixed, query):
    response = client.get(f"/api/articles/?{query}")
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["query", "limit"]]


def test_unknown_api_addresses_are_json_404_and_a_missing_slash_redirects(client, db):
    response = client.get("/api/nothing/here/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No such API address: see /api/docs/ for the API's addresses."
    }
    response = client.get("/api/articles?limit=2")
    assert response.status_code == 301
    assert response["Location"] == "/api/articles/?limit=2"
    response = client.get("/api/articles/99999999999999999999999/")
    assert response.status_code == 422


# -- people, outlets, quotes ----------------------------------------------------------------


def test_people_a_to_z_across_pages(client, db):
    names = ["Émile Zola", "anna Berg", "Anna Berg", "Zed Last", "Bob Sample", "Carl de Gaulle"]
    for name in names:
        make_story(people=[person(name)])
    person("Nobody Mentioned")  # in no published story: not listed
    expected = list(Person.objects.mentioned().a_to_z().values_list("name", flat=True))
    assert expected[0].lower() == "anna berg" and expected[-1] == "Zed Last"
    for limit in (1, 2, 4):
        found, url = [], f"/api/people/?limit={limit}"
        while url:
            body = client.get(url).json()
            found += [row["name"] for row in body["results"]]
            url = body["next"]
        assert found == expected


def test_person_detail_counts(client, mixed):
    alice = Person.objects.get(pk=mixed["alice"].pk)
    body = client.get("/api/people/alice-example/").json()
    published = Article.objects.published().filter(mentions__person=alice)
    assert body["stories"] == published.count() == 8
    assert (
        body["quotes"] == Quote.objects.filter(speaker=alice, article__status="published").count()
    )
    assert body["outlets"] == [
        {
            "outlet": {
                "name": "Daily Gen",
                "slug": "daily-gen",
                "url": "http://testserver/api/outlets/daily-gen/",
                "html_url": "http://testserver/outlets/daily-gen/",
            },
            "stories": 4,
        },
        {
            "outlet": {
                "name": "Weekly Gen",
                "slug": "weekly-gen",
                "url": "http://testserver/api/outlets/weekly-gen/",
                "html_url": "http://testserver/outlets/weekly-gen/",
            },
            "stories": 4,
        },
    ]
    assert [(r["person"]["slug"], r["stories"]) for r in body["related"]] == [("bob-sample", 3)]
    assert body["articles_url"] == "http://testserver/api/articles/?person=alice-example"
    assert body["quotes_url"] == "http://testserver/api/quotes/?speaker=alice-example"
    assert client.get("/api/people/nobody-at-all/").json() == {
        "detail": 'No person has the slug "nobody-at-all".'
    }


def test_outlets_by_name_and_detail_by_month(client, mixed):
    Outlet.objects.create(name="Another Outlet", slug="another-outlet")
    found, url = [], "/api/outlets/?limit=1"
    while url:
        body = client.get(url).json()
        found += [row["slug"] for row in body["results"]]
        url = body["next"]
    assert found == ["another-outlet", "daily-gen", "weekly-gen"]
    body = client.get("/api/outlets/daily-gen/").json()
    daily = Article.objects.published().filter(outlet=mixed["daily"])
    assert body["stories"] == daily.count() == 4
    assert body["months"] == [
        {"month": f"{m.year:04d}-{m.month:02d}", "stories": n}
        for m, n in sorted(
            {
                (
                    a.published.replace(day=1),
                    daily.filter(
                        published__year=a.published.year, published__month=a.published.month
                    ).count(),
                )
                for a in daily.dated()
            },
            reverse=True,
        )
    ]
    assert body["undated"] == daily.undated().count()


def test_quotes_latest_first_by_speaker_outlet_and_date(client, mixed):
    def expected(quotes):
        rows = list(quotes.filter(is_published=True, is_fragment=False))
        rows.sort(
            key=lambda q: (
                q.published is None,
                q.published and -q.published.toordinal(),
                -q.article_id,
                q.position,
            )
        )
        return [q.pk for q in rows]

    assert walk(client, "/api/quotes/?limit=3")[0] == expected(Quote.objects.all())
    assert walk(client, "/api/quotes/?speaker=alice-example&outlet=daily-gen&limit=1")[
        0
    ] == expected(Quote.objects.filter(speaker=mixed["alice"], article__outlet=mixed["daily"]))
    assert walk(client, "/api/quotes/?from=2022-02-08&to=2022-02-08&limit=2")[0] == expected(
        Quote.objects.filter(published=D(2022, 2, 8))
    )
    record = client.get("/api/quotes/?limit=1").json()["results"][0]
    quote = Quote.objects.get(pk=record["id"])
    assert (
        record["html_url"]
        == f"http://testserver{quote.article.get_absolute_url()}#quote-{quote.pk}"
    )
    assert record["speaker"]["slug"] == "alice-example"


# -- conditional GET ---------------------------------------------------------------------


def test_etag_gives_304_until_the_archive_changes(client, mixed, django_assert_num_queries):
    pagecache.bump()
    first = client.get("/api/articles/?limit=2")
    etag = first["ETag"]
    assert etag.startswith('W/"g') and first["Cache-Control"] == "public, max-age=60"
    with django_assert_num_queries(0):  # answered from the generation alone
        again = client.get("/api/articles/?limit=2", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert client.get("/api/articles/?limit=3", HTTP_IF_NONE_MATCH=etag).status_code == 200
    pagecache.bump()  # what a committed change does
    changed = client.get("/api/articles/?limit=2", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_without_a_generation_the_etag_is_the_contents(client, mixed, settings, tmp_path):
    settings.ARCHIVE_PAGE_CACHE_STAMP = tmp_path / "no-stamp-yet"
    first = client.get("/api/outlets/")
    assert first["ETag"].startswith('W/"c')
    assert client.get("/api/outlets/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    Outlet.objects.create(name="New Outlet", slug="new-outlet")
    assert client.get("/api/outlets/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


# -- throttling and tokens -------------------------------------------------------------------


def make_token(name="research", active=True):
    user = User.objects.create_user(f"curator-{uuid.uuid4().hex[:8]}", is_staff=True)
    key = ApiToken.new_key()
    token = ApiToken(name=name, owner=user, active=active)
    token.set_key(key)
    token.save()
    return token, key


def test_anonymous_requests_are_limited_per_address_with_retry_after(client, db, settings):
    settings.ARCHIVE_API_ANON_RATE = "3/min"
    for remaining in (2, 1, 0):
        response = client.get("/api/outlets/")
        assert response.status_code == 200
        assert response["X-RateLimit-Remaining"] == str(remaining)
    refused = client.get("/api/outlets/")
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many requests."}
    assert 1 <= int(refused["Retry-After"]) <= 60
    # another address has its own count
    assert client.get("/api/outlets/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_token_has_its_own_higher_limit(client, db, settings):
    settings.ARCHIVE_API_ANON_RATE, settings.ARCHIVE_API_TOKEN_RATE = "1/min", "4/min"
    token, key = make_token()
    assert client.get("/api/outlets/").status_code == 200
    assert client.get("/api/outlets/").status_code == 429
    for _ in range(4):
        response = client.get("/api/outlets/", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200 and response["X-RateLimit-Limit"] == "4"
    assert client.get("/api/outlets/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 429
    token.refresh_from_db()
    assert token.last_used is not None


@pytest.mark.parametrize(
    "header, message",
    [
        (
            "Bearer na_not-a-real-key",
            "This API token is not valid: it is unknown or has been revoked.",
        ),
        ("Token abc", 'The Authorization header must be "Bearer <token>".'),
        ("Bearer ", 'The Authorization header must be "Bearer <token>".'),
    ],
)
def test_a_bad_token_is_401_with_the_reason(client, db, header, message):
    response = client.get("/api/outlets/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": message}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_token_is_refused(client, db):
    token, key = make_token(active=False)
    response = client.get("/api/outlets/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert ApiToken.objects.get(pk=token.pk).key_hash == ApiToken.hash_key(key) != key


def test_curators_make_a_token_in_the_admin_and_see_its_key_once(client, db):
    from archive.curation.common import ensure_curators_group

    ensure_curators_group()
    curator = User.objects.create_user("cura", password="pw-long-enough-1", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curators"))
    client.force_login(curator)
    response = client.post(reverse("admin:archive_apitoken_add"), {"name": "Newsroom project"})
    assert response.status_code == 200
    key = response.context["key"]
    assert key.startswith("na_") and len(key) > 40
    assert f'value="{key}"' in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.name, token.owner, token.key_hash, token.active) == (
        "Newsroom project",
        curator,
        ApiToken.hash_key(key),
        True,
    )
    listing = client.get(reverse("admin:archive_apitoken_changelist")).content.decode()
    assert token.key_start in listing and key not in listing
    change = client.get(reverse("admin:archive_apitoken_change", args=[token.pk])).content.decode()
    assert key not in change
    client.logout()
    assert client.get("/api/outlets/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_readers_cannot_reach_the_tokens_admin(client, db):
    reader = User.objects.create_user("reader", password="pw-long-enough-1")
    client.force_login(reader)
    response = client.get(reverse("admin:archive_apitoken_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# -- query counts ---------------------------------------------------------------------------


def test_query_counts_stay_fixed(client, db, django_assert_num_queries):
    make_archive(30)
    Article.objects.filter(pk__in=Article.objects.order_by("id").values("id")[:3]).update(
        published=None
    )
    from archive.stats import refresh_counts

    refresh_counts()
    first = client.get("/api/articles/?limit=5").json()
    story = first["results"][0]["id"]
    cases = [
        ("/api/articles/?limit=5", 1),  # dated stories only
        ("/api/articles/?limit=100", 2),  # the dated ones end: the undated ones
        ("/api/articles/?outlet=daily-gen&limit=5", 2),  # + the outlet
        ("/api/articles/?person=alice-example&limit=5", 2),  # + the person
        (first["next"], 1),
        (f"/api/articles/{story}/", 3),  # the story, its mentions, its quotes
        ("/api/people/?limit=2", 1),
        ("/api/people/alice-example/", 5),  # person, names, quotes, outlets, related
        ("/api/outlets/", 1),
        ("/api/outlets/daily-gen/", 2),
        ("/api/quotes/?limit=5", 1),
        ("/api/quotes/?speaker=alice-example&limit=5", 2),
    ]
    for url, queries in cases:
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url


def test_a_token_costs_one_query_and_an_update_a_minute(client, db, django_assert_num_queries):
    token, key = make_token()
    with django_assert_num_queries(3):  # the token, its last use, the outlets
        client.get("/api/outlets/", HTTP_AUTHORIZATION=f"Bearer {key}")
    with django_assert_num_queries(2):  # the token, the outlets
        client.get("/api/outlets/", HTTP_AUTHORIZATION=f"Bearer {key}")
