"""``/api/people/``: people mentioned in published stories, A–Z; one person with counts."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from ninja import Path, Query, Router

from ...models import Mention, Person, Quote
from ...views import RELATED_SAMPLE
from .. import pages
from ..caching import by_generation
from ..schemas import (
    PersonDetail,
    PersonList,
    absolute,
    outlet_ref,
    person_ref,
    person_summary,
    responses,
)
from .common import MAX_SLUG_CHARS, by_slug

router = Router()

KIND = "people"
TOP = 10  # outlets and related people listed on a person


@router.get("/", response=responses(PersonList), url_name="person_list")
@by_generation
def person_list(
    request,
    cursor: str | None = Query(None, max_length=pages.MAX_CURSOR_CHARS),
    limit: int = Query(pages.DEFAULT_LIMIT, ge=1, le=pages.MAX_LIMIT),
):
    """People mentioned in published stories, A–Z (case and accents ignored), with their
    number of stories."""
    people = Person.objects.mentioned()
    if cursor:
        sort_name, name, pk = pages.decode(cursor, KIND, (str, str, int))
        # The first condition starts the read in the (sort name, name) index; the second
        # picks the rows after the cursor's.
        people = (
            people.filter(sort_name__gte=sort_name)
            .exclude(sort_name=sort_name, name__lt=name)
            .exclude(sort_name=sort_name, name=name, id__lte=pk)
        )
    rows = list(people.a_to_z()[: limit + 1])
    rows, cursor = pages.page_of(rows, limit, KIND, lambda p: (p.sort_name, p.name, p.pk))
    return {
        "results": [person_summary(request, p) for p in rows],
        "next": pages.next_link(request, cursor),
    }


@router.get("/{slug}/", response=responses(PersonDetail), url_name="person_detail")
@by_generation
def person_detail(request, slug: str = Path(..., max_length=MAX_SLUG_CHARS)):
    """A person: their other spellings, their numbers of stories and quotations, the
    outlets covering them most and the people mentioned with them most."""
    person = by_slug(Person, "person", slug)
    if person is None:
        raise Http404(f'No person has the slug "{slug}".')
    mentions = Mention.objects.of_person(person)
    related = Person.objects.mentioned_with(person, mentions.latest_article_ids(RELATED_SAMPLE))
    quotes = Quote.objects.filter(is_published=True, speaker=person).complete().count()
    return {
        **person_summary(request, person),
        "aliases": [alias.name for alias in Person.objects.shown_aliases(person)],
        "quotes": quotes,
        "outlets": [
            {"outlet": outlet_ref(request, o), "stories": o.n} for o in mentions.top_outlets(TOP)
        ],
        "related": [{"person": person_ref(request, p), "stories": p.n} for p in related[:TOP]],
        "articles_url": absolute(request, f"{reverse('api:article_list')}?person={person.slug}"),
        "quotes_url": absolute(request, f"{reverse('api:quote_list')}?speaker={person.slug}"),
    }
