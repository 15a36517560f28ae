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


def test_a_surname_shared_by_two_people_of_the_story_stays_unresolved():
    found = people(
        [
            "Joe Biden said the bill would pass.",
            "Hunter Biden said nothing.",
            "Hunter Biden told reporters he would stay.",
            "Biden declined to comment.",
        ]
    )
    assert found == [("Hunter Biden", [], 2), ("Joe Biden", [], 1)]


def test_a_courtesy_title_points_a_shared_surname_to_one_person():
    found = people(
        [
            "Bill Clinton spoke first. Hillary Clinton spoke next.",
            "Mrs. Clinton said the plan would work. Clinton left.",
        ]
    )
    assert found == [("Hillary Clinton", ["Clinton"], 2), ("Bill Clinton", [], 1)]


def test_a_bare_surname_said_twice_is_one_person():
    found = people(["Peskov said the talks failed.", "Later Peskov said it again."])
    assert found == [("Peskov", [], 2)]


def test_what_the_archive_knows_changes_nothing():
    paragraphs = ["The chancellor, Scholz, was in Paris.", "Scholz met Macron."]
    assert people(paragraphs) == []
    known = KnownNames.from_names(["Olaf Scholz"]).recording()
    assert people(paragraphs, known) == []
    assert known.surnames.asked == set()


def test_the_name_shown_is_the_most_common_full_form_not_the_longest():
    found = people(
        [
            "Donald J. Trump arrived. Donald Trump said he would win.",
            "Donald Trump told reporters. Trump left.",
        ]
    )
    assert found == [("Donald Trump", ["Donald J. Trump", "Trump"], 4)]


def test_roles_places_and_descriptions_before_a_name_are_not_the_name():
    found = find_people(
        [
            "Vermont Sen. Bernie Sanders spoke. U.N. Ambassador John Bolton listened.",
            "Billionaire Sheldon Adelson gave. National Chairperson Donna Brazile said no.",
        ]
    )
    assert sorted((p.name, sorted(p.roles)) for p in found) == [
        ("Bernie Sanders", ["Vermont Sen."]),
        ("Donna Brazile", ["National Chairperson"]),
        ("John Bolton", ["U.N. Ambassador"]),
        ("Sheldon Adelson", ["Billionaire"]),
    ]


def test_a_title_case_headline_adds_no_words_to_a_name():
    found = people(
        [
            "Poll Gives Hillary Clinton Big Lead Over Donald Trump Claims",
            "Hillary Clinton leads Donald Trump by ten points, the poll said.",
            "Mary Steenburgen Wrote A Song",
        ]
    )
    assert found == [("Donald Trump", [], 2), ("Hillary Clinton", [], 2)]


def test_groups_teams_and_contractions_are_not_people():
    found = people(
        [
            "Native Americans voted. The Lakers won and the Tories lost.",
            "Native Americans said they would vote. Bernie Sanders isn't done, Bernie Sanders said.",
        ]
    )
    assert found == [("Bernie Sanders", [], 2)]


def test_family_members_and_suffixes_are_different_people():
    found = people(
        [
            "Eric Garner died. Erica Garner said the family would fight.",
            "Donald Trump Jr. said his father Donald Trump would win.",
            "George W. Bush and George H.W. Bush said nothing.",
        ]
    )
    assert sorted(name for name, _aliases, _count in found) == [
        "Donald Trump",
        "Donald Trump Jr.",
        "Eric Garner",
        "Erica Garner",
        "George H.W. Bush",
        "George W. Bush",
    ]


def test_middle_initials_regnal_numbers_and_place_words_that_are_given_names():
    found = people(
        [
            "Then George W Bush met her. Later he met Pope John Paul II in Rome.",
            "The prince met 17-year-old Virginia Giuffre, the court heard.",
            "Illinois Sen. Barack Obama said so.",
        ]
    )
    assert [name for name, _aliases, _count in found] == [
        "Barack Obama",
        "George W Bush",
        "Pope John Paul II",
        "Virginia Giuffre",
    ]


def test_a_name_listed_beside_names_is_a_name():
    found = people(
        ["Rafael Nadal, Novak Djokovic and Andy Murray won. The New York-based fund lost."]
    )
    assert [name for name, _aliases, _count in found] == [
        "Andy Murray",
        "Novak Djokovic",
        "Rafael Nadal",
    ]


def test_a_team_line_up_names_its_players_by_initial_and_surname():
    found = people(
        [
            "Shane Williams scored twice for Wales.",
            "Wales: G Thomas (capt); H Luscombe, T Shanklin, S Williams; D Peel; "
            "A Lo Cicero, R McBryde, Mirco Bergamasco, W Pozzebon.",
        ]
    )
    names = [name for name, _, _ in found]
    assert names == [
        "Shane Williams",
        "A Lo Cicero",
        "D Peel",
        "G Thomas",
        "H Luscombe",
        "Mirco Bergamasco",
        "R McBryde",
        "T Shanklin",
        "W Pozzebon",
    ]
    assert found[0] == ("Shane Williams", ["S Williams"], 2)


def test_a_list_of_events_or_places_is_not_a_line_up():
    found = people(
        [
            "US Open, UK Championship, EU Summit, US Masters, UN Assembly.",
            "The calendar: Paris, Madrid, Rome, Berlin, Vienna and Prague.",
        ]
    )
    assert found == []


def test_a_role_noun_before_or_an_apposition_after_is_evidence_of_a_name():
    found = people(
        [
            "Rudolph had thrown the ball to running back Trey Edmunds.",
            "The results pleased Strauss Zelnick, the company's chief executive.",
            "Another actress, Annabelle Wallace, plays the lead.",
        ]
    )
    assert [name for name, _, _ in found] == [
        "Annabelle Wallace",
        "Strauss Zelnick",
        "Trey Edmunds",
    ]


def test_a_place_or_a_label_described_the_same_way_is_not_a_person():
    found = people(
        [
            "The fair moved to Fort Worth, the city's center of trade.",
            "She left the record label Big Machine, a company in Nashville.",
        ]
    )
    assert found == []


def test_an_organisation_or_acronym_before_a_given_name_is_the_role():
    found = find_people(
        [
            "Virgin Radio DJ Pete Mitchell said it was a fine year.",
            "He met the European Union Gordon Sondland there.",
        ]
    )
    assert [(p.name, sorted(p.roles)) for p in found] == [
        ("Gordon Sondland", ["European Union"]),
        ("Pete Mitchell", ["Virgin Radio DJ"]),
    ]


def test_an_organisation_ending_in_a_word_that_is_a_given_name_stays_out():
    found = people(
        [
            "The Clinton Foundation gave money to the NFL Network.",
            "Fans of the BBC Young Musician went to Royal Albert Hall.",
        ]
    )
    assert found == []


def test_the_players_of_a_result_in_sets_are_people():
    found = people(
        [
            "In the Davis Cup, Vasek Pospisil edged Reilly Opelka 7-6 (5), 7-6 (7) and "
            "Denis Shapovalov "
            "defeated Taylor Fritz 7-6 (6), 6-3.",
        ]
    )
    assert [name for name, _, _ in found] == [
        "Denis Shapovalov",
        "Reilly Opelka",
        "Taylor Fritz",
        "Vasek Pospisil",
    ]


def test_teams_beside_a_match_score_are_not_people():
    found = people(["Aston Villa beat Crystal Palace 2-1 and Leeds United drew 0-0."])
    assert found == []


def test_a_list_passes_its_evidence_along_in_both_directions():
    found = people(["It was decided when Maximo Gonzalez, Vasek Pospisil and Andy Murray met."])
    assert [name for name, _, _ in found] == ["Andy Murray", "Maximo Gonzalez", "Vasek Pospisil"]


def test_given_names_of_the_census_lists_mark_a_name():
    found = people(["The award went to Dylan Nelson and the jury thanked Damien Greaves."])
    assert [name for name, _, _ in found] == ["Damien Greaves", "Dylan Nelson"]


def test_a_census_given_name_that_is_a_surname_or_a_word_marks_nothing():
    found = people(["Fans of Harley Davidson met at Rocky Mountain and Sterling Bridge."])
    assert found == []


def test_a_character_played_is_not_a_person():
    found = people(["Diane Guerrero is known for her roles as Mary Jones on the show."])
    assert [name for name, _, _ in found] == ["Diane Guerrero"]


def test_an_apposition_keeps_a_sentence_first_name_whole():
    found = find_people(
        ['"It works," Strauss Zelnick, CEO of Take-Two, adds. Luay Sami, 38, agreed.']
    )
    assert sorted(p.name for p in found if " " in p.name) == ["Luay Sami", "Strauss Zelnick"]


def test_a_sentence_word_before_a_surname_with_a_clause_after_is_stripped():
    found = people(["Absent Trump, the rally went on. Fort Worth, Texas, was hot."])
    assert found == []


def test_the_signature_of_an_embedded_post_names_its_author():
    found = people(
        [
            "Kristi Noem said the state would act.",
            "— Robert Maguire (@RobertMaguire_) November 18, 2019",
            "— Fox News Politics (@FoxNewsPolitics) November 18, 2019",
        ]
    )
    assert [name for name, _, _ in found] == ["Kristi Noem", "Robert Maguire"]
