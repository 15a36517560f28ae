"""Grouping the forms of one story's people (``people.find_people``), without a database."""

from archive.ingest.people import KnownNames, find_people


def people(paragraphs, known=None):
    return [(p.name, sorted(p.aliases), p.count) for p in find_people(paragraphs, known)]


def test_a_given_name_spelt_two_ways_is_one_person():
    found = people(
        [
            "Secretary of State Antony Blinken arrived in Kyiv.",
            "Anthony Blinken said the talks would go on.",
            "Antony Blinken met the prime minister.",
            "Blinken said little else.",
        ]
    )
    assert found == [("Antony Blinken", ["Anthony Blinken", "Blinken"], 4)]


def test_a_surname_one_letter_off_joins_the_same_given_name():
    found = people(
        [
            "President Emmanuel Macron spoke first.",
            "Emmanuel Macon, as one caption spelt it, then left.",
            "Zelensky thanked him. Volodymyr Zelensky said the aid mattered.",
            "Mr Zelenskyy added more.",
        ]
    )
    assert found == [
        ("Volodymyr Zelensky", ["Zelensky", "Zelenskyy"], 3),
        ("Emmanuel Macron", ["Emmanuel Macon"], 2),
    ]


def test_a_shared_surname_goes_to_the_person_named_most():
    found = people(
        [
            "Joe Biden said the bill would pass.",
            "Hunter Biden said nothing.",
            "Hunter Biden told reporters he would stay.",
            "Biden declined to comment.",
        ]
    )
    assert found == [("Hunter Biden", ["Biden"], 3), ("Joe Biden", [], 1)]


def test_a_shared_surname_named_as_often_goes_to_the_first_person():
    found = people(
        ["Joe Biden said the bill would pass.", "Hunter Biden said nothing.", "Biden left."]
    )
    assert found == [("Joe Biden", ["Biden"], 2), ("Hunter Biden", [], 1)]


def test_a_bare_surname_said_twice_is_one_person():
    found = people(["Peskov said the talks failed.", "Later Peskov said it again."])
    assert found == [("Peskov", [], 2)]


def test_a_surname_without_evidence_is_a_person_only_when_the_archive_knows_it():
    paragraphs = ["The chancellor, Scholz, was in Paris.", "Scholz met Macron."]
    assert people(paragraphs) == []
    known = KnownNames.from_names(["Olaf Scholz"]).recording()
    assert people(paragraphs, known) == [("Scholz", [], 2)]
    assert known.surnames.asked == {"scholz", "macron"}  # the single words without evidence
