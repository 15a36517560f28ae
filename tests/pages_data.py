"""Generated stories for the reader-page tests: outlets, dated stories, people, quotes."""

import datetime
import itertools

from archive.models import Alias, Article, Mention, Outlet, Person, Quote
from archive.stats import refresh_counts

_serial = itertools.count(1)


def make_story(
    *,
    title=None,
    outlet=None,
    published=None,
    people=(),
    quotes=(),
    status="published",
    body=None,
    standfirst="",
    byline="",
):
    """One stored story; ``people`` are Person objects, ``quotes`` ``(speaker, text)`` pairs."""
    n = next(_serial)
    paragraphs = [f"Paragraph one of story {n}."]
    for speaker, text in quotes:
        who = speaker.name if isinstance(speaker, Person) else speaker
        paragraphs.append(f"“{text}” said {who}.")
    article = Article.objects.create(
        title=title or f"Generated story {n}",
        outlet=outlet,
        published=published,
        body=body if body is not None else "\n\n".join(paragraphs),
        standfirst=standfirst,
        byline=byline,
        raw=f"raw {n}",
        content_hash=f"generated-{n}",
        status=status,
    )
    Mention.objects.bulk_create(Mention(article=article, person=p, count=2) for p in people)
    Quote.objects.bulk_create(
        Quote(
            article=article,
            speaker=speaker if isinstance(speaker, Person) else None,
            speaker_label="" if isinstance(speaker, Person) else speaker,
            text=text,
            paragraph=i + 1,
            position=i,
        )
        for i, (speaker, text) in enumerate(quotes)
    )
    # What the articles_changed signal does after an import or an edit in the admin.
    refresh_counts([article.pk])
    return article


def make_archive(n, *, start=datetime.date(2021, 3, 1)):
    """``n`` published stories over two outlets and three people, one story per day."""
    outlet_a, _ = Outlet.objects.get_or_create(name="Daily Gen", defaults={"slug": "daily-gen"})
    outlet_b, _ = Outlet.objects.get_or_create(name="Weekly Gen", defaults={"slug": "weekly-gen"})
    alice = person("Alice Example", aliases=["A. Example", "Example"])
    bob = person("Bob Sample")
    carol = person("Carol Test")
    stories = []
    for i in range(n):
        stories.append(
            make_story(
                outlet=outlet_a if i % 2 == 0 else outlet_b,
                published=start + datetime.timedelta(days=i),
                people=[alice, bob] if i % 3 else [alice, carol],
                quotes=[(alice, f"Quote number {i} from Alice"), ("an official", f"Official {i}")],
            )
        )
    return stories


def person(name, aliases=()):
    """The person called ``name`` (created on first use) with ``aliases``."""
    p = Person.objects.filter(name=name).first() or Person.objects.create(name=name)
    for alias in (name, *aliases):
        Alias.objects.get_or_create(person=p, key=alias.lower(), defaults={"name": alias})
    return p
