"""The people bench's scoring (``tests.bench.people.score``), on made-up labels."""

from archive.ingest.people import name_key
from tests.bench.people import differing, score, story_file_name

STORIES = [
    {
        "set": "bbc",
        "id": "politics/001",
        "people": [
            {"key": "Hillary Clinton", "forms": ["Hillary Rodham Clinton", "Clinton"]},
            {"key": "Bill Clinton", "forms": ["Bill Clinton"]},
            {"key": "Peter Blake (artist)", "forms": ["Sir Peter Blake"]},
            {"key": "Joe Biden", "forms": ["Biden"], "ambiguous": True},
        ],
        "not_people": ["Clinton Foundation"],
        "borderline": [{"key": "Amanda Becker", "forms": ["Amanda Becker"], "reason": "credit"}],
    },
    {
        "set": "bbc",
        "id": "politics/002",
        "people": [{"key": "Chelsea Clinton", "forms": ["Chelsea Clinton", "Clinton"]}],
        "not_people": [],
        "borderline": [],
    },
]


def shown(*names):
    return {"people": [(name, 1) for name in names], "speakers": []}


def test_right_names_wrong_people_splits_traps_and_misses_are_counted():
    result = score(
        STORIES,
        {
            story_file_name(STORIES[0]): shown(
                "Hillary Rodham Clinton",  # a full form the story uses: right
                "Peter Blake",  # the key without its qualifier, the form without "Sir"
                "Clinton Foundation",  # a trap
                "Amanda Becker",  # borderline: not counted
            ),
            story_file_name(STORIES[1]): shown(
                "Bill Clinton",  # another labelled person's key: wrong person
                "Clinton",  # a surname alone: the right person, not the right name
            ),
        },
        name_key,
    )
    assert (result["shown"], result["right"], result["wrong_person"]) == (5, 2, 1)
    assert (result["traps"], result["surname_only"], result["other"]) == (1, 1, 0)
    assert (result["labelled"], result["found"]) == (4, 2)  # Biden ambiguous: left out
    assert result["split"] == {}  # one name each
    assert result["errors"][story_file_name(STORIES[0])] == [
        "trap: 'Clinton Foundation'",
        "missed: 'Bill Clinton' ['Bill Clinton']",
    ]


def test_one_person_under_two_names_is_a_split():
    result = score(
        STORIES[:1],
        {story_file_name(STORIES[0]): shown("Hillary Clinton", "Hillary Rodham Clinton")},
        name_key,
    )
    assert result["split"] == {"Hillary Clinton": ["Hillary Clinton", "Hillary Rodham Clinton"]}


def test_stories_whose_people_differ_by_order():
    first = {"a": shown("Bill Clinton"), "b": shown("Hillary Clinton")}
    second = {"a": shown("Bill Clinton"), "b": shown("Hillary Rodham Clinton")}
    assert differing(first, second) == ["b"]
