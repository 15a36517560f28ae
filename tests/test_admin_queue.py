"""The review queue: order, attention filters, bulk actions, search and query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.admin import articles as articles_admin
from archive.history import records_for
from archive.models import Article, ImportBatch, Mention, Outlet, Person, Quote, StoryCluster
from tests import curation_helpers
from tests.curation_helpers import changelist_titles, make_article, messages_of

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client
changed_ids = curation_helpers.changed_ids

URL = "/admin/archive/article/"


@pytest.fixture
def queue(db):
    """Stories each lacking one thing, plus one complete story."""
    outlet = Outlet.objects.create(name="Wire")
    person = Person.objects.create(name="Ann Lee")
    day = dt.date(2022, 2, 7)
    batch = ImportBatch.objects.create(origin="upload", label="morning")
    stories = {
        "complete": make_article("complete", outlet=outlet, published=day, status="published"),
        "no outlet": make_article("no outlet", published=day, batch=batch),
        "no date": make_article("no date", outlet=outlet, batch=batch),
        "unattributed": make_article("unattributed", outlet=outlet, published=day),
        "twin one": make_article("twin one", outlet=outlet, published=day, status="hidden"),
        "twin two": make_article("twin two", outlet=outlet, published=day),
        "alone in cluster": make_article("alone in cluster", outlet=outlet, published=day),
    }
    for title, article in stories.items():
        if title != "no date":  # "no date" also has no people
            Mention.objects.create(article=article, person=person)
    Quote.objects.create(article=stories["unattributed"], text="We will see.", speaker=None)
    Quote.objects.create(article=stories["complete"], text="Yes.", speaker=person)
    twins, single = StoryCluster.objects.create(), StoryCluster.objects.create()
    Article.objects.filter(title__startswith="twin").update(cluster=twins)
    Article.objects.filter(title="alone in cluster").update(cluster=single)
    return stories


def test_queue_lists_new_stories_first_newest_first(curator_client, queue):
    response = curator_client.get(URL)
    assert response.status_code == 200
    assert changelist_titles(response) == [
        "alone in cluster",
        "twin two",
        "unattributed",
        "no date",
        "no outlet",
        "twin one",
        "complete",
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("attention=no_outlet", {"no outlet"}),
        ("attention=no_date", {"no date"}),
        ("attention=no_people", {"no date"}),
        ("attention=unattributed_quotes", {"unattributed"}),
        ("attention=possible_duplicate", {"twin one", "twin two"}),
        ("status__exact=new&attention=possible_duplicate", {"twin two"}),
        ("batch=BATCH", {"no outlet", "no date"}),
        ("batch=abc", set()),
    ],
)
def test_attention_filters_find_the_right_stories(curator_client, queue, query, expected):
    batch = ImportBatch.objects.get(label="morning")
    response = curator_client.get(f"{URL}?{query.replace('BATCH', str(batch.pk))}")
    assert response.status_code == 200
    assert set(changelist_titles(response)) == expected


def test_changelist_columns_show_counts_and_flags(curator_client, queue):
    one, two = queue["twin one"].pk, queue["twin two"].pk  # same date: the lower id is first
    html = curator_client.get(URL).content.decode()
    # duplicates flagged only where there is one, each linking to the other copy
    assert html.count('<td class="field-duplicate"><a ') == 2
    assert html.count('<td class="field-duplicate"></td>') == 5
    assert (
        f'<td class="field-duplicate"><a href="/admin/archive/article/{one}/change/">'
        f"copy of #{one}</a></td>"
    ) in html
    assert (
        f'<td class="field-duplicate"><a href="/admin/archive/article/{two}/change/">'
        f"has copy #{two}</a></td>"
    ) in html
    # what a story lacks, as short labels; nothing for a complete story
    flags = '<td class="field-attention">{}</td>'
    assert flags.format('<span class="flag">1 unattributed</span>') in html
    assert flags.format('<span class="flag">no outlet</span>') in html
    both = '<span class="flag">no date</span> <span class="flag">no people</span>'
    assert flags.format(both) in html
    assert html.count(flags.format("")) == 4
    # the import batch is a filter, not a column
    assert "field-batch_link" not in html and 'id="changelist-filter"' in html
    assert "?batch=" in html.split('id="changelist-filter"')[1]


def test_changelist_query_count_does_not_grow_with_the_page(curator_client, queue):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert curator_client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    small = count_queries()
    outlet = Outlet.objects.get()
    person = Person.objects.get()
    for n in range(30):
        article = make_article(f"more {n}", outlet=outlet, batch=ImportBatch.objects.first())
        Mention.objects.create(article=article, person=person)
        Quote.objects.create(article=article, text="Hm.")
    assert count_queries() == small
    assert small == 10  # session, user, permissions, counts, dates, batches, the page


def post_action(client, action, ids, **extra):
    data = {"action": action, "_selected_action": [str(i) for i in ids], **extra}
    return client.post(URL, data, follow=False)


def test_bulk_publish_and_hide(
    curator_client, queue, curator, changed_ids, django_capture_on_commit_callbacks
):
    ids = [queue["no outlet"].pk, queue["complete"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(curator_client, "publish", ids, index="0")
    assert response.status_code == 302
    assert Article.objects.get(pk=queue["no outlet"].pk).status == "published"
    assert changed_ids == [queue["no outlet"].pk]  # the other one was published already
    entry = records_for(queue["no outlet"]).get()
    assert (entry.user, entry.action, entry.changes) == (
        curator,
        "bulk",
        {"status": ["new", "published"]},
    )
    response = post_action(curator_client, "hide", ids, index="0")
    assert set(Article.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"hidden"}
    response = curator_client.get(URL)
    undo = records_for(queue["no outlet"]).first().operation  # the bulk change offers its undo
    assert f'Hid 2 stories. <a href="/admin/archive/changerecord/undo/{undo}/">Undo</a>' in (
        messages_of(response)
    )


def test_bulk_set_outlet_asks_then_applies_and_marks_curated(curator_client, queue):
    ids = [queue["no outlet"].pk, queue["no date"].pk]
    response = post_action(curator_client, "set_outlet", ids)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Set the outlet of these 2 stories" in html or "Set the outlet of these 2 articles" in html
    )
    assert "<li>no outlet</li>" in html
    other = Outlet.objects.create(name="Daily Post")
    response = post_action(curator_client, "set_outlet", ids, apply="Apply", outlet=str(other.pk))
    assert response.status_code == 302
    for article in Article.objects.filter(pk__in=ids):
        assert article.outlet == other
        assert "outlet" in article.curated_fields
    undo = records_for(queue["no outlet"]).first().operation
    assert messages_of(curator_client.get(URL)) == [
        "Set the outlet of 2 stories to Daily Post. "
        f'<a href="/admin/archive/changerecord/undo/{undo}/">Undo</a>'
    ]


def test_bulk_set_date_rejects_a_bad_date(curator_client, queue):
    ids = [queue["no date"].pk]
    response = post_action(curator_client, "set_date", ids, apply="Apply", published="2022-13-45")
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert Article.objects.get(pk=ids[0]).published is None
    response = post_action(curator_client, "set_date", ids, apply="Apply", published="2022-02-09")
    assert response.status_code == 302
    article = Article.objects.get(pk=ids[0])
    assert (article.published, article.curated_fields) == (dt.date(2022, 2, 9), ["published"])


def test_forget_curation_action(curator_client, queue):
    Article.objects.filter(pk=queue["complete"].pk).update(curated_fields=["title", "body"])
    post_action(curator_client, "forget_curation", [queue["complete"].pk], index="0")
    assert Article.objects.get(pk=queue["complete"].pk).curated_fields == []


def test_search_falls_back_to_the_database(curator_client, queue, settings, tmp_path):
    Article.objects.filter(pk=queue["complete"].pk).update(
        body="The talks in Moscow lasted five hours."
    )
    settings.ARCHIVE_INDEX_DIR = tmp_path / "no-index"  # no index to search
    response = curator_client.get(URL, {"q": '"talks in Moscow"'})
    assert changelist_titles(response) == ["complete"]
    response = curator_client.get(URL, {"q": '"Moscow talks"'})
    assert changelist_titles(response) == []


def test_search_uses_the_index_when_there_is_one(
    curator_client, queue, monkeypatch, settings, tmp_path
):
    calls = []

    def article_ids(text, limit):
        calls.append((text, limit))
        return [queue["complete"].pk, queue["twin one"].pk]

    monkeypatch.setattr(articles_admin, "search_article_ids", article_ids)
    monkeypatch.setattr(articles_admin.search_api, "ready", lambda: True)
    Article.objects.filter(pk=queue["no date"].pk).update(body="ceasefire talks")  # new: database
    response = curator_client.get(URL, {"q": "ceasefire"})
    assert calls == [("ceasefire", 1000)]
    assert changelist_titles(response) == ["no date", "twin one", "complete"]

    def broken(text, limit):
        raise RuntimeError("index locked")

    monkeypatch.setattr(articles_admin, "search_article_ids", broken)
    response = curator_client.get(URL, {"q": "ceasefire"})
    assert changelist_titles(response) == ["no date"]


def test_reextract_action_runs_the_service_and_reports(curator_client, queue):
    raw = "Wire story headline\nThe council met on Tuesday to agree the budget for the year.\n"
    Article.objects.filter(pk=queue["complete"].pk).update(curated_fields=["title"], raw=raw)
    ids = sorted([queue["complete"].pk, queue["no date"].pk])
    post_action(curator_client, "reextract", ids, index="0")
    # "no date" has only a headline as its raw input: nothing to extract, reported as failed.
    assert messages_of(curator_client.get(URL)) == [
        "Re-extracted 2 stories: 1 updated, 0 unchanged, 1 failed"
    ]
    complete = Article.objects.get(pk=queue["complete"].pk)
    assert complete.title == "complete"
    assert complete.body == "The council met on Tuesday to agree the budget for the year."
    assert records_for(queue["complete"]).get().action == "reextract"


def test_possible_duplicate_flags_an_imported_copy_of_a_story_already_in_the_archive(
    curator_client, seeded
):
    from archive.importer import import_uploads
    from tests.test_dedupe import NEW_FOOTER, NEW_HEADER, rehost, seed_text

    copy_text = rehost(seed_text(3), NEW_HEADER, NEW_FOOTER, drop_head=4, drop_tail=1)
    fresh = "\n\n".join(
        [
            "Harbour bridge reopens after repairs",
            "The city's harbour bridge reopened to traffic on Monday after eight months of "
            "repairs to its cables and deck, the transport office said.",
            "Engineers replaced more than two hundred hangers and resurfaced the roadway, "
            "which carries about forty thousand vehicles a day between the two districts.",
            "Cyclists will get a separate lane from next spring, when the second phase of the "
            "works begins on the eastern approach and the old toll booths are removed.",
            "Local shops near the southern ramp said trade had fallen sharply during the "
            "closure and welcomed the return of passing customers and delivery vans.",
        ]
    )
    result = import_uploads(
        [
            ("wire/copy.txt", copy_text.encode()),
            ("wire/fresh.txt", fresh.encode()),
        ],
        review=True,
    )
    assert result.created == 2, result.report_lines()
    copy = Article.objects.get(source__endswith="copy.txt")
    original = Article.objects.get(source__endswith="003_2c509556c5da08e6.txt")
    assert copy.status == "new" and copy.cluster_id == original.cluster_id
    response = curator_client.get(URL + "?status__exact=new&attention=possible_duplicate")
    assert changelist_titles(response) == [copy.title]
    # the whole queue: only the copy and the story it copies carry the flag
    html = curator_client.get(URL + "?attention=possible_duplicate").content.decode()
    assert set(changelist_titles(curator_client.get(URL + "?attention=possible_duplicate"))) == {
        copy.title,
        original.title,
    }
    assert html.count('<td class="field-duplicate"><a ') == 2
    html = curator_client.get(URL).content.decode()
    assert html.count('<td class="field-duplicate"><a ') == 2
    assert f"copy of #{original.pk}</a>" in html
