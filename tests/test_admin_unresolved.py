"""The queue of names left unresolved: filled by the importer and re-extraction, worked in
the admin with one click per link, every action a curation service with a change record."""

import pytest
from django.contrib.auth.models import User

from archive import curation
from archive.history import records_for
from archive.importer import import_uploads
from archive.models import Alias, Article, Mention, Person, Quote, UnresolvedName
from archive.reextract import reextract_articles
from tests import curation_helpers
from tests.curation_helpers import make_article, make_person, messages_of

pytestmark = pytest.mark.django_db
curator = curation_helpers.curator
curator_client = curation_helpers.curator_client

QUEUE = "/admin/archive/unresolvedname/"
STORY = (
    "Senate vote delayed again\n\n"
    "Hillary Clinton said on Monday that the vote would wait. Obama said the delay was a "
    "mistake.\n\n"
    "“We cannot wait another week for this,” Obama said. Mr. Pence did not comment.\n"
)


def resolve_url(item):
    return f"{QUEUE}{item.pk}/resolve/"


def import_story(text=STORY, name="vote.txt"):
    result = import_uploads([(name, text.encode())])
    assert result.created == 1
    return Article.objects.get(source__endswith=name)


def queue():
    return list(UnresolvedName.objects.values_list("article__title", "name", "count"))


def test_the_importer_keeps_the_names_it_links_to_nobody():
    article = import_story()
    assert queue() == [
        ("Senate vote delayed again", "Obama", 2),
        ("Senate vote delayed again", "Pence", 1),
    ]
    assert list(Mention.objects.values_list("person__name", "name")) == [
        ("Hillary Clinton", "Hillary Clinton")
    ]
    assert Quote.objects.get().speaker_id is None
    # re-extraction replaces them: the same names, not twice
    result = reextract_articles([article])
    assert result.failed == 0
    assert queue() == [
        ("Senate vote delayed again", "Obama", 2),
        ("Senate vote delayed again", "Pence", 1),
    ]
    article.delete()
    assert queue() == []


def test_the_queue_shows_the_story_the_sentence_and_the_candidates(curator_client):
    obama = make_person("Barack Obama")
    michelle = make_person("Michelle Obama")
    make_person("Mike Pence")
    article = import_story()
    html = curator_client.get(QUEUE).content.decode()
    assert "2 names" in html
    assert html.index('<th scope="row">Obama') < html.index('<th scope="row">Pence')
    assert (
        f'<a href="/admin/archive/article/{article.pk}/change/">Senate vote delayed again</a>'
        in html
    )
    assert '<td class="context"><mark>Obama</mark> said the delay was a mistake.</td>' in html
    obama_row = html[html.index('<th scope="row">Obama') : html.index('<th scope="row">Pence')]
    # people of the archive with that surname, by name, then the story's other people
    assert [
        line.split("Link to ")[1].split("<")[0]
        for line in obama_row.splitlines()
        if "Link to " in line
    ] == ["Barack Obama", "Michelle Obama", "Hillary Clinton"]
    assert f'name="person" value="{obama.pk}"' in obama_row
    assert f'name="person" value="{michelle.pk}"' in obama_row
    assert 'name="new_name" id="new-name-' in obama_row and 'value="Obama"' in obama_row
    assert "Leave unlinked" in obama_row
    assert "style=" not in html


def test_context_sentence_and_candidates_from_the_service():
    article = make_article(
        "Talks", body="The talks ended. Mr. Trump left early.\n\nDonald Trump Jr. stayed."
    )
    assert curation.context_sentence(article, "Trump") == "Mr. Trump left early."
    assert curation.context_sentence(article, "Biden") == ""
    junior = make_person("Donald Trump Jr.")
    senior = make_person("Donald Trump")
    other = make_person("Ann Lee")
    Mention.objects.create(article=article, person=other, count=3)
    Mention.objects.create(article=article, person=senior, count=1)
    item = UnresolvedName.objects.create(article=article, name="Trump", count=1)
    # the story's people with that surname first, then the archive's, then the story's others
    assert curation.unresolved_candidates(item) == [senior, other]
    Alias.objects.create(person=junior, name="Donald J. Trump Jr", key="donald j trump")
    assert curation.unresolved_candidates(item) == [senior, junior, other]


def test_one_click_links_the_name_its_quotes_and_keeps_it_on_reextract(curator_client, curator):
    obama = make_person("Barack Obama")
    article = import_story()
    item = UnresolvedName.objects.get(name="Obama")
    response = curator_client.post(resolve_url(item), {"person": str(obama.pk)})
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert messages_of(curator_client.get(QUEUE)) == [
        "Linked “Obama” in “Senate vote delayed again” to Barack Obama: 1 quotes linked."
    ]
    assert sorted(article.mentions.values_list("person__name", "count", "name")) == [
        ("Barack Obama", 2, "Obama"),
        ("Hillary Clinton", 1, "Hillary Clinton"),
    ]
    assert Quote.objects.get().speaker == obama
    assert queue() == [("Senate vote delayed again", "Pence", 1)]
    article.refresh_from_db()
    assert article.curated_fields == ["mentions", "quotes"]
    record = records_for(article).get()
    assert (record.user, record.action) == (curator, "link")
    assert record.changes == {
        "mentions": [None, "Obama → Barack Obama"],
        "curated_fields": [[], ["mentions", "quotes"]],
    }
    obama.refresh_from_db()
    assert obama.mention_count == 1
    # re-extraction keeps the curator's link and the names not yet linked
    reextract_articles([article])
    assert sorted(article.mentions.values_list("person__name", "count")) == [
        ("Barack Obama", 2),
        ("Hillary Clinton", 1),
    ]
    assert queue() == [("Senate vote delayed again", "Pence", 1)]
    assert Quote.objects.get().speaker == obama


def test_linking_to_a_person_the_story_already_mentions_adds_to_their_count():
    article = make_article("Talks", body="Ann Lee spoke. Lee left.")
    ann = make_person("Ann Lee")
    Mention.objects.create(article=article, person=ann, count=1, name="Ann Lee")
    item = UnresolvedName.objects.create(article=article, name="Lee", count=2)
    result = curation.link_unresolved(item, ann)
    assert result.summary() == "Linked “Lee” in “Talks” to Ann Lee: 0 quotes linked."
    assert list(article.mentions.values_list("person__name", "count", "name")) == [
        ("Ann Lee", 3, "Ann Lee")
    ]
    article.refresh_from_db()
    assert article.curated_fields == ["mentions"]
    with pytest.raises(curation.CurationError, match="^That name has already been dealt with.$"):
        curation.link_unresolved(item, ann)


def test_new_person_from_the_queue(curator_client, curator):
    make_person("Barack Obama")
    article = import_story()
    item = UnresolvedName.objects.get(name="Pence")
    curator_client.post(resolve_url(item), {"new_name": "  Mike   Pence "})
    assert messages_of(curator_client.get(QUEUE)) == [
        "Linked “Pence” in “Senate vote delayed again” to Mike Pence (new person): 0 quotes linked."
    ]
    pence = Person.objects.get(name="Mike Pence")
    assert pence.slug == "mike-pence"
    assert list(pence.aliases.values_list("name", flat=True)) == ["Mike Pence"]
    assert list(article.mentions.filter(person=pence).values_list("count", "name")) == [
        (1, "Pence")
    ]
    assert records_for(pence).get().changes == {"name": [None, "Mike Pence"]}
    # a name the archive has already: link instead, nothing changes
    item = UnresolvedName.objects.get(name="Obama")
    curator_client.post(resolve_url(item), {"new_name": "barack obama"})
    assert messages_of(curator_client.get(QUEUE)) == [
        "Barack Obama is already in the archive; link to them instead."
    ]
    curator_client.post(resolve_url(item), {"new_name": "  ?! "})
    assert messages_of(curator_client.get(QUEUE)) == ["A name needs at least one letter or digit."]
    assert Person.objects.count() == 3
    assert queue() == [("Senate vote delayed again", "Obama", 2)]


def test_leave_unlinked_and_stale_or_bad_requests_never_fail(curator_client, curator):
    article = import_story()
    item = UnresolvedName.objects.get(name="Pence")
    curator_client.post(resolve_url(item), {"dismiss": "1"})
    assert messages_of(curator_client.get(QUEUE)) == ["“Pence” left unlinked."]
    assert records_for(article).get().changes == {"unresolved": ["Pence", None]}
    # the same button again, a person that does not exist, a bad id, a GET
    curator_client.post(resolve_url(item), {"dismiss": "1"})
    assert messages_of(curator_client.get(QUEUE)) == ["That name has already been dealt with."]
    obama = UnresolvedName.objects.get(name="Obama")
    for person in ("999999", "abc", ""):
        response = curator_client.post(resolve_url(obama), {"person": person})
        assert response.status_code == 302
        assert messages_of(curator_client.get(QUEUE)) == ["That person no longer exists."]
    assert curator_client.get(resolve_url(obama)).status_code == 302
    assert curator_client.get(f"{QUEUE}{obama.pk}/change/").status_code == 302
    assert queue() == [("Senate vote delayed again", "Obama", 2)]


def test_the_queue_searches_and_pages(curator_client):
    article = make_article("Talks")
    for n in range(30):
        UnresolvedName.objects.create(article=article, name=f"Name{n:02d}", count=1)
    html = curator_client.get(QUEUE).content.decode()
    assert "30 names" in html and "Page 1 of 2" in html
    assert html.count('<tr class="unresolved">') == 25
    html = curator_client.get(QUEUE, {"p": "2"}).content.decode()
    assert html.count('<tr class="unresolved">') == 5
    html = curator_client.get(QUEUE, {"q": "name1"}).content.decode()
    assert "10 names" in html


def test_who_may_use_the_queue(client):
    article = make_article("Talks", body="Lee spoke.")
    item = UnresolvedName.objects.create(article=article, name="Lee", count=1)
    ann = make_person("Ann Lee")
    # anonymous and non-staff users are sent to sign in
    for user in (None, User.objects.create_user("reader", password="x")):
        if user:
            client.force_login(user)
        response = client.get(QUEUE)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        response = client.post(resolve_url(item), {"person": str(ann.pk)})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # staff outside the Curators group may not
    client.force_login(User.objects.create_user("staff", password="x", is_staff=True))
    assert client.get(QUEUE).status_code == 403
    assert client.post(resolve_url(item), {"person": str(ann.pk)}).status_code == 403
    assert client.post(resolve_url(item), {"dismiss": "1"}).status_code == 403
    assert UnresolvedName.objects.count() == 1 and Mention.objects.count() == 0


def test_curators_may(curator_client):
    html = curator_client.get("/admin/").content.decode()
    assert '<a href="/admin/archive/unresolvedname/">Unresolved names</a>' in html
    assert curator_client.get(QUEUE).status_code == 200


BLINKEN_ONE = (
    "Talks in Geneva\n\n"
    "Secretary of State Antony Blinken said on Monday that the talks had been useful. "
    "“We will keep talking as long as there is a chance,” Antony Blinken said.\n"
)
BLINKEN_TWO = (
    "Talks resume\n\n"
    "Anthony Blinken said on Tuesday that the talks would resume next week in Vienna. "
    "“There is still a chance for peace here,” Anthony Blinken said.\n"
)


def test_a_link_by_a_close_spelling_is_queued_for_a_curator(curator_client, curator):
    import_story(BLINKEN_ONE, "one.txt")
    assert queue() == []
    two = import_story(BLINKEN_TWO, "two.txt")
    antony = Person.objects.get()
    assert list(UnresolvedName.objects.values_list("name", "count", "person")) == [
        ("Anthony Blinken", 2, antony.pk)
    ]
    # re-extraction keeps it while the link stands
    reextract_articles(Article.objects.order_by("pk"))
    assert list(UnresolvedName.objects.values_list("name", "person")) == [
        ("Anthony Blinken", antony.pk)
    ]
    html = curator_client.get(QUEUE).content.decode()
    assert (
        f'Linked to <a href="/admin/archive/person/{antony.pk}/change/">{antony.name}</a> '
        "by a close spelling."
    ) in html
    assert f"Confirm {antony.name}</button>" in html
    assert "Leave unlinked" not in html
    assert f"Link to {antony.name}<" not in html
    # a new person: the story's mention, quotes and the spelling move to them
    item = UnresolvedName.objects.get()
    curator_client.post(resolve_url(item), {"new_name": "Anthony Blinken"})
    anthony = Person.objects.get(name="Anthony Blinken")
    assert messages_of(curator_client.get(QUEUE)) == [
        "Linked “Anthony Blinken” in “Talks resume” to Anthony Blinken (new person): "
        "1 quotes linked."
    ]
    assert list(two.mentions.values_list("person__name", "count")) == [("Anthony Blinken", 2)]
    assert list(two.quotes.values_list("speaker__name", flat=True)) == ["Anthony Blinken"]
    assert list(antony.mentions.values_list("article__title", flat=True)) == ["Talks in Geneva"]
    assert list(antony.aliases.values_list("name", flat=True)) == ["Antony Blinken"]
    antony.refresh_from_db()
    assert antony.name == "Antony Blinken"
    assert records_for(antony).get().changes == {"name": ["Anthony Blinken", "Antony Blinken"]}
    assert list(anthony.aliases.values_list("name", flat=True)) == ["Anthony Blinken"]
    two.refresh_from_db()
    assert two.curated_fields == ["mentions", "quotes"]
    assert records_for(two).get().changes["mentions"] == [
        "Antony Blinken",
        "Anthony Blinken → Anthony Blinken",
    ]


def test_confirming_a_close_spelling_changes_nothing_but_the_queue():
    import_story(BLINKEN_ONE, "one.txt")
    two = import_story(BLINKEN_TWO, "two.txt")
    antony = Person.objects.get()
    before = list(Mention.objects.order_by("pk").values_list("article", "person", "count"))
    result = curation.link_unresolved(UnresolvedName.objects.get(), antony)
    assert result.summary() == f"Confirmed “Anthony Blinken” in “Talks resume” as {antony.name}."
    assert list(Mention.objects.order_by("pk").values_list("article", "person", "count")) == before
    assert queue() == []
    assert Person.objects.count() == 1
    assert list(two.quotes.values_list("speaker", flat=True)) == [antony.pk]
