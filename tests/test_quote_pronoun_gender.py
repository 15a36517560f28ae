"""He and she never stand for a person the story shows to be of the other gender; with
nobody who fits, the quotation keeps the pronoun as its label and no person."""

from archive.ingest import people, quotes


def find(*paragraphs):
    paragraphs = list(paragraphs)
    return quotes.find_quotes(paragraphs, people.find_people(paragraphs))


def quote_starting(found, words):
    matches = [q for q in found if q.text.startswith(words)]
    assert len(matches) == 1, [q.text for q in found]
    return matches[0]


def test_she_is_not_the_man_named_last_when_the_woman_was_not_found():
    found = find(
        "Donald Trump told a rally in Ohio that the election was rigged.",
        "A spokeswoman for the campaign disagreed. "
        '"We expect a fair count in every state," she said.',
    )
    quote = quote_starting(found, "We expect a fair count")
    assert (quote.speaker, quote.speaker_label) == (None, "she")


def test_he_is_not_the_woman_named_last():
    found = find(
        "Hillary Clinton spoke in Iowa on Monday.",
        '"The plan does not add up," he said.',
    )
    quote = quote_starting(found, "The plan does not add up")
    assert (quote.speaker, quote.speaker_label) == (None, "he")


def test_she_is_the_woman_named_before_the_man_named_last():
    found = find(
        "Angela Merkel met Volker Beck in Berlin.",
        '"We will not close the borders," she said.',
    )
    assert quote_starting(found, "We will not close").speaker == "Angela Merkel"


def test_a_person_of_unknown_gender_taken_for_he_is_not_she_afterwards():
    found = find(
        "On Monday the envoy Riyad Tabbara said the delegation would leave Geneva.",
        '"The talks are over," he said.',
        'A government spokeswoman answered later. "Nothing is over," she said.',
    )
    assert quote_starting(found, "The talks are over").speaker == "Riyad Tabbara"
    quote = quote_starting(found, "Nothing is over")
    assert (quote.speaker, quote.speaker_label) == (None, "she")


def test_a_pronoun_of_the_right_gender_still_finds_the_person():
    found = find(
        "Joe Biden visited Scranton on Friday.",
        '"This is where I grew up," he said.',
        "Kamala Harris was in Atlanta.",
        '"We are going to win Georgia," she said.',
    )
    assert quote_starting(found, "This is where").speaker == "Joe Biden"
    assert quote_starting(found, "We are going to win").speaker == "Kamala Harris"


def test_mr_before_her_surname_is_another_person_not_the_woman_of_the_story():
    found = people.find_people(
        [
            "Hillary Clinton spoke in Iowa. Mrs. Clinton said the plan was sound.",
            "Mr. Clinton, her husband, stayed in New York.",
        ]
    )
    assert [(p.name, p.count) for p in found] == [("Hillary Clinton", 2)]
    assert "Mr." not in found[0].roles
