"""A name printed twice in a row (hover cards, flattened tables: "Joe Biden Joe Biden", "Ted
Cruz Cruz") is the name once, never a form with extra middle names."""

import pytest

from archive.ingest.people import find_people, name_restart, same_person


def people(paragraphs):
    return [(p.name, sorted(p.aliases), p.count) for p in find_people(paragraphs)]


@pytest.mark.parametrize(
    ("run", "restart"),
    [
        ("Joe Biden Joe Biden", 2),
        ("Ted Cruz Cruz", 2),
        ("Donald J. Trump Trump", 3),
        ("Donald J. Trump Donald Trump", 3),
        ("Joe Biden", 0),
        ("Sirhan Bishara Sirhan", 0),  # a given name that is also the surname
        ("Boutros Boutros-Ghali", 0),
        ("Hillary Rodham Clinton", 0),
    ],
)
def test_where_a_run_starts_its_name_again(run, restart):
    assert name_restart(run.split()) == restart


def test_a_run_printed_twice_is_no_spelling_of_the_name():
    assert not same_person("Ted Cruz Cruz", "Ted Cruz")
    assert not same_person("Joe Biden", "Joe Biden Joe Biden")
    assert same_person("Donald J. Trump", "Donald Trump")


def test_a_name_printed_twice_counts_once_under_the_name():
    found = people(
        [
            "Joe Biden Joe Biden said on Tuesday that the vote would be close.",
            "Sen. Ted Cruz Cruz, R-Texas, disagreed. Donald J. Trump Trump did not comment.",
            "Ted Cruz said later he would vote no. Donald J. Trump spoke in Ohio.",
        ]
    )
    assert sorted(found) == [
        ("Donald J. Trump", [], 2),
        ("Joe Biden", [], 1),
        ("Ted Cruz", [], 2),
    ]
