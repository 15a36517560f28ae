"""Plurals of names are not people: "the Clintons", "the Bidens", "the Mike Pences and Chris
Christies of the world" are neither aliases of the person nor people of their own."""

import pytest

from archive.ingest.people import PersonMention, find_people, same_person, similar_surname
from archive.models import Alias, Person
from archive.people import PersonResolver


def people(paragraphs):
    return [(p.name, sorted(p.aliases), p.count) for p in find_people(paragraphs)]


@pytest.mark.parametrize(
    ("a", "b"), [("Bidens", "Biden"), ("Clintons", "Clinton"), ("Christies", "Christie")]
)
def test_a_surname_with_s_added_is_its_plural_not_a_spelling(a, b):
    assert not similar_surname(a, b)
    assert not similar_surname(b, a)


def test_spellings_one_letter_apart_still_match():
    assert similar_surname("Zelensky", "Zelenskyy")
    assert similar_surname("Macron", "Macon")
    assert not same_person("Mike Pences", "Mike Pence")
    assert same_person("Volodymyr Zelensky", "Volodymyr Zelenskyy")


def test_the_family_is_nobody_and_the_surname_still_joins_the_person():
    found = people(
        [
            "Joe Biden said on Friday the family would stay in Delaware.",
            "The Bidens have lived in Wilmington for decades, and the Bidens' dog went too.",
            "Biden added that he was grateful.",
        ]
    )
    assert found == [("Joe Biden", ["Biden"], 2)]


def test_the_at_the_start_of_a_sentence_makes_a_plural_group_too():
    assert people(["The Hendersons said they would sue the council.", "It declined."]) == []
    assert people(["Lawyers for the Hendersons said they would sue the council."]) == []
    found = people(
        [
            "Bill Clinton said he would campaign in Ohio.",
            "The Clintons said nothing more on Friday.",
        ]
    )
    assert found == [("Bill Clinton", [], 1)]


def test_a_given_name_and_a_plural_surname_is_nobody_beside_the_person():
    found = people(
        [
            "Mike Pence said the party would unite.",
            "Voters are tired of the Mike Pences and Chris Christies of the world, she said.",
            "Chris Christie said he disagreed.",
        ]
    )
    assert found == [("Chris Christie", [], 1), ("Mike Pence", [], 1)]


def test_a_surname_ending_in_s_is_no_plural():
    found = people(
        [
            "Bernie Sanders said the Sanders campaign would go on.",
            "Chris Evans, the actor, said he would vote.",
        ]
    )
    assert sorted(name for name, _aliases, _count in found) == ["Bernie Sanders", "Chris Evans"]


@pytest.mark.django_db
def test_the_plural_of_a_known_name_is_no_new_person_and_no_alias():
    resolver = PersonResolver()
    pence = resolver.resolve(PersonMention("Mike Pence", {"Pence"}, 3))
    assert resolver.resolve(PersonMention("Mike Pences", set(), 1)) is None
    assert Person.objects.count() == 1
    assert not Alias.objects.filter(person=pence, name="Mike Pences").exists()


@pytest.mark.django_db
def test_a_surname_ending_in_s_used_as_a_name_is_a_person_beside_its_singular():
    resolver = PersonResolver()
    resolver.resolve(PersonMention("Mark Meadow", set(), 1))  # a typo, or another man
    meadows = resolver.resolve(PersonMention("Mark Meadows", {"Meadows"}, 11))
    assert meadows is not None and meadows.name == "Mark Meadows"
    assert resolver.resolve(PersonMention("Mark Meadows", set(), 2)) == meadows
