"""Middle names and initials keep people apart: in one story (``find_people``) and across the
archive (``PersonResolver``). "George W." and "George H. W. Bush" are two people; "Donald
Trump" is "Donald J. Trump"; "Hillary Clinton" is "Hillary Rodham Clinton"."""

import pytest

from archive.ingest.people import PersonMention, find_people, middles_differ, same_person
from archive.models import Alias, Person
from archive.people import PersonResolver


def people(paragraphs):
    return [(p.name, sorted(p.aliases), p.count) for p in find_people(paragraphs)]


@pytest.mark.parametrize(
    ("a", "b", "differ"),
    [
        ("George W. Bush", "George H.W. Bush", True),
        ("George P. Bush", "George W. Bush", True),
        ("Paul S. Ryan", "Paul D. Ryan", True),
        ("George W. Bush", "George Walker Bush", False),  # an initial and its name agree
        ("Donald J. Trump", "Donald Trump", False),  # no middle name contradicts none
        ("Hillary Rodham Clinton", "Hillary Clinton", False),
        ("Hillary Rodham Clinton", "Hillary R. Clinton", False),
    ],
)
def test_middle_names_that_contradict(a, b, differ):
    assert middles_differ(a, b) is differ
    assert middles_differ(b, a) is differ


def test_a_bare_name_is_one_person_with_a_middle_named_form_not_a_suffixed_one():
    assert same_person("Donald J. Trump", "Donald Trump")
    assert same_person("Hillary Rodham Clinton", "Hillary Clinton")
    assert not same_person("Donald Trump Jr.", "Donald Trump")
    assert not same_person("George H.W. Bush", "George W. Bush")


def test_two_presidents_bush_in_one_story_are_two_people_whatever_the_bare_form_before():
    found = people(
        [
            "Former President George W. Bush said on Tuesday that George Bush the elder had "
            "been a father to the nation.",
            "George H.W. Bush died in Houston at 94, his office said.",
            "George W. Bush said his father was a man of the highest character.",
        ]
    )
    names = [name for name, _aliases, _count in found]
    assert sorted(names) == ["George H.W. Bush", "George W. Bush"]
    by_name = {name: aliases for name, aliases, _count in found}
    assert "George H.W. Bush" not in by_name["George W. Bush"]
    assert "George W. Bush" not in by_name["George H.W. Bush"]


def test_a_bare_name_that_fits_two_people_of_the_story_joins_neither():
    found = people(
        [
            "George W. Bush said his brother would run.",
            "George P. Bush, the land commissioner, said he was ready.",
            "A spokesman said George Bush would campaign in Texas.",
        ]
    )
    assert sorted(found) == [
        ("George P. Bush", [], 1),
        ("George W. Bush", [], 1),
    ]


def test_donald_j_trump_and_hillary_rodham_clinton_stay_one_person_each():
    found = people(
        [
            "Donald J. Trump said on Monday that he would win.",
            "Donald Trump spoke in Ohio. Hillary Rodham Clinton said he was unfit.",
            "Hillary Clinton said later that Donald Trump Jr. had spoken too.",
        ]
    )
    by_name = {name: (aliases, count) for name, aliases, count in found}
    trump = next(n for n in by_name if n.startswith("Donald") and "Jr" not in n)
    assert set(by_name[trump][0]) | {trump} == {"Donald J. Trump", "Donald Trump"}
    clinton = next(n for n in by_name if n.startswith("Hillary"))
    assert set(by_name[clinton][0]) | {clinton} == {"Hillary Rodham Clinton", "Hillary Clinton"}
    assert "Donald Trump Jr." in by_name


@pytest.mark.django_db
def test_a_middle_named_form_never_links_through_a_bare_alias():
    resolver = PersonResolver()
    w = resolver.resolve(PersonMention("George W. Bush", {"George Bush", "Bush"}, 3))
    hw = resolver.resolve(PersonMention("George H.W. Bush", {"Bush"}, 2))
    p = resolver.resolve(PersonMention("George P. Bush", set(), 1))
    assert len({w.pk, hw.pk, p.pk}) == 3
    assert (hw.name, p.name) == ("George H.W. Bush", "George P. Bush")
    aliases = set(Alias.objects.filter(person=w).values_list("name", flat=True))
    assert "George H.W. Bush" not in aliases and "George P. Bush" not in aliases
    # a later story naming the elder links to him, not to his son by the bare alias
    assert resolver.resolve(PersonMention("George H. W. Bush", set(), 1)) == hw


@pytest.mark.django_db
def test_a_bare_name_two_people_told_apart_by_middle_names_fit_links_neither():
    resolver = PersonResolver()
    w = resolver.resolve(PersonMention("George W. Bush", {"George Bush"}, 3))
    resolver.resolve(PersonMention("George H.W. Bush", set(), 2))
    assert resolver.resolve(PersonMention("George Bush", {"Bush"}, 2)) is None
    assert Person.objects.count() == 2
    # with the middle-named form in the same story, the story says which one it is
    assert resolver.resolve(PersonMention("George W. Bush", {"George Bush"}, 2)) == w


@pytest.mark.django_db
def test_a_story_form_contradicting_the_person_found_keeps_them_apart():
    resolver = PersonResolver()
    hw = resolver.resolve(PersonMention("George H.W. Bush", {"George Bush"}, 2))
    # the story calls its Bush "George Bush" most often, and "George W. Bush" once
    other = resolver.resolve(PersonMention("George Bush", {"George W. Bush"}, 3))
    assert other != hw
    assert not Alias.objects.filter(person=hw, name="George W. Bush").exists()


@pytest.mark.django_db
def test_the_same_person_with_and_without_a_middle_name_is_one_person():
    resolver = PersonResolver()
    trump = resolver.resolve(PersonMention("Donald J. Trump", {"Trump"}, 3))
    assert resolver.resolve(PersonMention("Donald Trump", {"Trump"}, 5)) == trump
    assert resolver.resolve(PersonMention("Donald John Trump", set(), 1)) == trump
    junior = resolver.resolve(PersonMention("Donald Trump Jr.", set(), 1))
    assert junior != trump
    clinton = resolver.resolve(PersonMention("Hillary Rodham Clinton", set(), 2))
    assert resolver.resolve(PersonMention("Hillary Clinton", {"Clinton"}, 4)) == clinton
    assert Person.objects.count() == 3


@pytest.mark.django_db
def test_a_bare_name_one_person_goes_by_stays_theirs_beside_a_middle_named_namesake():
    resolver = PersonResolver()
    speaker = resolver.resolve(PersonMention("Paul Ryan", {"Ryan"}, 5))
    assert resolver.resolve(PersonMention("Paul D. Ryan", {"Ryan"}, 2)) == speaker
    other = resolver.resolve(PersonMention("Paul S. Ryan", set(), 1))  # of Common Cause
    assert other != speaker
    # "Paul Ryan" is the Speaker's own name: later stories giving only it are his, and the
    # namesake's form never becomes his alias
    assert resolver.resolve(PersonMention("Paul Ryan", {"Ryan"}, 3)) == speaker
    assert not Alias.objects.filter(person=speaker, name="Paul S. Ryan").exists()
