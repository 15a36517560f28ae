"""Small builders shared by the search tests."""

import hashlib
from datetime import date

from archive.models import Alias, Article, Mention, Outlet, Person, Quote


def person(name, *aliases):
    """A Person with its name and ``aliases`` as Alias rows."""
    from archive.ingest.people import name_key

    p = Person.objects.create(name=name)
    for form in (name, *aliases):
        Alias.objects.create(person=p, name=form, key=name_key(form))
    return p


def article(
    title,
    body="",
    *,
    outlet=None,
    published=None,
    status="published",
    people=(),
    quotes=(),
    standfirst="",
):
    """An Article saved the way the admin saves one (post_save hooks fire)."""
    if isinstance(outlet, str):
        outlet = Outlet.objects.get_or_create(name=outlet)[0]
    if isinstance(published, str):
        published = date.fromisoformat(published)
    a = Article.objects.create(
        title=title,
        standfirst=standfirst,
        body=body,
        outlet=outlet,
        published=published,
        status=status,
        raw=f"{title}\n\n{body}",
        content_hash=hashlib.sha256(f"{title}|{body}|{standfirst}".encode()).hexdigest(),
    )
    for p in people:
        Mention.objects.create(article=a, person=p, count=1)
    for position, (speaker, text) in enumerate(quotes):
        Quote.objects.create(
            article=a,
            speaker=speaker if isinstance(speaker, Person) else None,
            speaker_label=speaker.name if isinstance(speaker, Person) else speaker,
            text=text,
            position=position,
        )
    return a
