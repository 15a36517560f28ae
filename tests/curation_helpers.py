"""Shared helpers for the curation and admin tests."""

import re

import pytest
from django.contrib.auth.models import Group, User

from archive.ingest.people import name_key
from archive.models import Alias, Article, Person
from archive.signals import articles_changed


def make_article(title="A story", **fields):
    """An article with a unique hash; ``raw`` defaults to the title."""
    fields.setdefault("content_hash", f"hash-{title}-{Article.objects.count()}")
    fields.setdefault("raw", title)
    return Article.objects.create(title=title, **fields)


def make_person(name, *aliases):
    """A person with their own name and ``aliases`` as Alias rows."""
    person = Person.objects.create(name=name)
    for form in (name, *aliases):
        Alias.objects.create(person=person, name=form, key=name_key(form))
    return person


def changelist_titles(response):
    """The story titles of an article changelist page, in the order shown."""
    return re.findall(
        r'<th class="field-title"><a href="[^"]*">([^<]*)</a>', response.content.decode()
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def curator(db):
    """A staff user in the Curators group (created by the migration)."""
    user = User.objects.create_user("cora", password="s3cret-Curator", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def changed_ids():
    """Article ids sent to the search index, in the order sent."""
    sent = []

    def receiver(sender, ids, **kwargs):
        sent.extend(ids)

    articles_changed.connect(receiver)
    yield sent
    articles_changed.disconnect(receiver)
