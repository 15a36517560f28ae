"""Undo of bulk actions and merges from the change records: the values before come back,
in one transaction with its own record; refused after the day, twice, or once changed."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from archive import curation, history
from archive.curation import CurationError
from archive.history import records_for
from archive.models import (
    Alias,
    Article,
    ChangeRecord,
    Mention,
    Outlet,
    Person,
    Quote,
    SlugRedirect,
)
from archive.redirects import redirect_for
from tests import curation_helpers
from tests.curation_helpers import make_article, make_person, messages_of

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client
changed_ids = curation_helpers.changed_ids

QUEUE = "/admin/archive/article/"


def _values(*articles):
    return [
        (a.title, a.status, a.outlet_id, a.published, a.curated_fields)
        for a in Article.objects.filter(pk__in=[x.pk for x in articles]).order_by("pk")
    ]


@pytest.fixture
def stories():
    times = Outlet.objects.create(name="The Times")
    one = make_article("one", outlet=times, published=dt.date(2022, 2, 7))
    two = make_article("two", curated_fields=["title"])
    three = make_article("three", status=Article.Status.PUBLISHED)
    return one, two, three


def test_undo_a_bulk_change_puts_back_status_outlet_date_and_curated_fields(
    stories, changed_ids, django_capture_on_commit_callbacks
):
    one, two, three = stories
    before = _values(*stories)
    post = Outlet.objects.create(name="Daily Post")
    picked = Article.objects.filter(pk__in=[one.pk, two.pk, three.pk])
    result = curation.set_articles(
        picked, status=Article.Status.PUBLISHED, outlet=post, published=dt.date(2022, 3, 1)
    )
    assert result.changed == 3 and len(result.operation) == 32
    with django_capture_on_commit_callbacks(execute=True):
        undone = curation.undo_operation(result.operation)
    assert undone.summary() == "Undid the bulk change of 3 stories."
    assert _values(*stories) == before
    (entry, *_) = records_for(one)
    assert (entry.action, entry.operation) == ("undo", "undo:" + result.operation)
    assert entry.changes == {
        "status": ["published", "new"],
        "outlet": ["Daily Post", "The Times"],
        "published": ["2022-03-01", "2022-02-07"],
        "curated_fields": [["outlet", "published"], []],
    }
    assert changed_ids[-3:] == sorted([one.pk, two.pk, three.pk])
    with pytest.raises(CurationError, match="^This change has already been undone.$"):
        curation.undo_operation(result.operation)


def test_undo_is_refused_after_the_day(stories):
    result = curation.set_articles(Article.objects.all(), status=Article.Status.HIDDEN)
    yesterday = timezone.now() - dt.timedelta(days=1)
    ChangeRecord.objects.filter(operation=result.operation).update(created=yesterday)
    made = timezone.localdate(yesterday).isoformat()
    with pytest.raises(CurationError) as excinfo:
        curation.undo_operation(result.operation)
    assert str(excinfo.value) == (
        f"Only changes made today can be undone; this one was made on {made}."
    )
    assert set(Article.objects.values_list("status", flat=True)) == {"hidden"}


def test_undo_is_refused_once_a_story_changed_since(stories):
    one, _, _ = stories
    result = curation.set_articles(Article.objects.all(), status=Article.Status.HIDDEN)
    Article.objects.filter(pk=one.pk).update(title="one, edited")
    history.record(one, action="change", changes={"title": ["one", "one, edited"]})
    with pytest.raises(CurationError) as excinfo:
        curation.undo_operation(result.operation)
    assert str(excinfo.value) == "“one” has changed since; the change cannot be undone."
    # a value changed without a record is caught too
    other = curation.set_articles(Article.objects.all(), status=Article.Status.NEW)
    Article.objects.filter(pk=one.pk).update(status=Article.Status.PUBLISHED)
    with pytest.raises(CurationError, match="^“one, edited” has changed since"):
        curation.undo_operation(other.operation)
    assert ChangeRecord.objects.filter(action="undo").count() == 0


def test_only_bulk_changes_and_merges_can_be_undone(stories):
    one, _, _ = stories
    entry = history.record(one, action="change", operation="abc")
    with pytest.raises(CurationError, match="^Only bulk actions and merges can be undone.$"):
        curation.undo_operation(entry.operation)
    with pytest.raises(CurationError, match="^There is no such change to undo.$"):
        curation.undo_operation("nothing")


def test_undo_a_merge_of_people_splits_them_back_out(
    changed_ids, django_capture_on_commit_callbacks
):
    keep = make_person("Emmanuel Macron", "Macron")
    typo = make_person("Emanuel Macron")
    other = make_person("E. Macron", "Mr Macron", "Macron")
    both, only_typo = make_article("both"), make_article("typo")
    Mention.objects.create(article=both, person=keep, count=2)
    Mention.objects.create(article=both, person=typo, count=1, name="Emanuel Macron")
    Mention.objects.create(article=both, person=other, count=4)
    Mention.objects.create(article=only_typo, person=typo, count=3)
    Quote.objects.create(article=only_typo, speaker=typo, text="We talk.", speaker_label="Emanuel")
    Quote.objects.create(article=both, speaker=keep, text="Hello.")
    SlugRedirect.objects.create(kind="person", old_slug="emanuel-macronn", new_slug="e-macron")

    def state():
        return (
            sorted(Person.objects.values_list("id", "name", "slug")),
            sorted(Mention.objects.values_list("id", "article_id", "person_id", "count", "name")),
            sorted(Quote.objects.values_list("id", "speaker_id")),
            sorted(Alias.objects.values_list("id", "person_id", "name", "key")),
            sorted(SlugRedirect.objects.values_list("kind", "old_slug", "new_slug")),
        )

    before = state()
    result = curation.merge_people(keep, [typo, other])
    assert redirect_for("person", "emanuel-macronn") == "emmanuel-macron"
    with django_capture_on_commit_callbacks(execute=True):
        undone = curation.undo_operation(result.operation)
    assert undone.summary() == "Undid the merge: Emanuel Macron, E. Macron split back out."
    assert state() == before
    assert redirect_for("person", "e-macron") is None
    assert changed_ids[-2:] == sorted([both.pk, only_typo.pk])
    entry = records_for(keep)[0]
    assert (entry.action, entry.message) == (
        "undo",
        "Undid the merge: Emanuel Macron, E. Macron split back out.",
    )
    assert entry.changes == {
        "merged": [None, ["Emanuel Macron (emanuel-macron)", "E. Macron (e-macron)"]]
    }
    assert [r.action for r in records_for(Person.objects.get(pk=typo.pk))] == ["undo"]


def test_undo_a_merge_of_people_is_refused_once_a_quote_moved_on():
    keep, typo = make_person("Emmanuel Macron"), make_person("Emanuel Macron")
    quote = Quote.objects.create(article=make_article("a"), speaker=typo, text="Hi.")
    result = curation.merge_people(keep, [typo])
    Quote.objects.filter(pk=quote.pk).update(speaker=None)
    with pytest.raises(CurationError) as excinfo:
        curation.undo_operation(result.operation)
    assert str(excinfo.value) == (
        "“Emmanuel Macron” has changed since; the change cannot be undone."
    )
    assert list(Person.objects.values_list("name", flat=True)) == ["Emmanuel Macron"]


def test_undo_a_merge_that_set_the_final_name_gives_the_kept_person_its_name_back():
    keep = make_person("E. Macron")
    typo = make_person("Emanuel Macron")
    Mention.objects.create(article=make_article("a"), person=typo, count=1)

    def state():
        return (
            sorted(Person.objects.values_list("id", "name", "slug")),
            sorted(Alias.objects.values_list("person_id", "name")),
        )

    before = state()
    result = curation.merge_people(keep, [typo], name="Emmanuel Macron")
    assert Person.objects.get(pk=keep.pk).name == "Emmanuel Macron"
    curation.undo_operation(result.operation)
    assert state() == before


def test_undo_a_merge_that_set_the_final_name_is_refused_once_renamed_again():
    keep, typo = make_person("E. Macron"), make_person("Emanuel Macron")
    result = curation.merge_people(keep, [typo], name="Emmanuel Macron")
    Person.objects.filter(pk=keep.pk).update(name="Emmanuel J. Macron")
    with pytest.raises(CurationError) as excinfo:
        curation.undo_operation(result.operation)
    assert str(excinfo.value) == (
        "“Emmanuel J. Macron” has changed since; the change cannot be undone."
    )
    assert Person.objects.filter(pk=typo.pk).exists() is False


def test_undo_a_merge_of_outlets_moves_the_stories_back():
    keep = Outlet.objects.create(name="The Times", homepage="https://thetimes.example")
    old = Outlet.objects.create(name="Times, The", homepage="https://old.example")
    one = make_article("one", outlet=old, curated_fields=["title"])
    two = make_article("two", outlet=old)
    three = make_article("three", outlet=keep)
    before = _values(one, two, three)
    result = curation.merge_outlets(keep, [old])
    undone = curation.undo_operation(result.operation)
    assert undone.summary() == "Undid the merge: Times, The split back out."
    assert _values(one, two, three) == before
    restored = Outlet.objects.get(pk=old.pk)
    assert (restored.name, restored.slug, restored.homepage) == (
        "Times, The",
        "times-the",
        "https://old.example",
    )
    assert redirect_for("outlet", "times-the") is None
    assert restored.article_count == 0  # none published


# --- the admin ----------------------------------------------------------------------------


def _bulk(client, action, ids, **extra):
    data = {"action": action, "index": "0", "_selected_action": [str(i) for i in ids], **extra}
    return client.post(QUEUE, data, follow=True)


def test_bulk_action_message_offers_undo_and_undo_puts_values_back(curator_client, stories):
    one, two, _ = stories
    response = _bulk(curator_client, "hide", [one.pk, two.pk])
    operation = ChangeRecord.objects.get(object_id=str(one.pk), action="bulk").operation
    url = f"/admin/archive/changerecord/undo/{operation}/"
    assert messages_of(response) == [f'Hid 2 stories. <a href="{url}">Undo</a>']
    assert f'Hid 2 stories. <a href="{url}">Undo</a>' in response.content.decode()
    page = curator_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<li>one — status: new</li><li>two — status: new</li>" in html
    assert '<input type="submit" class="default" value="Undo">' in html
    assert Article.objects.get(pk=one.pk).status == "hidden"  # a GET changes nothing
    response = curator_client.post(url, follow=True)
    assert response.redirect_chain == [(QUEUE, 302)]
    assert messages_of(response) == ["Undid the bulk change of 2 stories."]
    assert set(
        Article.objects.filter(pk__in=[one.pk, two.pk]).values_list("status", flat=True)
    ) == {"new"}
    response = curator_client.post(url, follow=True)
    assert messages_of(response) == ["This change has already been undone."]


def test_change_records_page_offers_undo_for_todays_merges(curator_client):
    keep, typo = make_person("Emmanuel Macron"), make_person("Emanuel Macron")
    result = curation.merge_people(keep, [typo])
    url = f"/admin/archive/changerecord/undo/{result.operation}/"
    html = curator_client.get("/admin/archive/changerecord/").content.decode()
    assert f'<td class="field-undo_link"><a href="{url}">Undo</a></td>' in html
    response = curator_client.post(url, follow=True)
    assert response.redirect_chain == [("/admin/archive/person/", 302)]
    assert messages_of(response) == ["Undid the merge: Emanuel Macron split back out."]
    assert sorted(Person.objects.values_list("name", flat=True)) == [
        "Emanuel Macron",
        "Emmanuel Macron",
    ]
    ChangeRecord.objects.update(created=timezone.now() - dt.timedelta(days=2))
    html = curator_client.get("/admin/archive/changerecord/").content.decode()
    assert "Undo</a>" not in html


def test_undo_needs_a_curator(client, stories):
    one, two, _ = stories
    result = curation.set_articles(Article.objects.all(), status=Article.Status.HIDDEN)
    url = f"/admin/archive/changerecord/undo/{result.operation}/"
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    reader = User.objects.create_user("reader", password="x")
    client.force_login(reader)
    assert client.post(url)["Location"].startswith("/admin/login/")
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_changerecord"))
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert set(Article.objects.values_list("status", flat=True)) == {"hidden"}
    assert ChangeRecord.objects.filter(action="undo").count() == 0
