from archive.ingest import names


def test_each_list_holds_known_entries_and_leaves_others_out():
    expected = {
        "GIVEN_NAMES": ({"aaron", "zachary", "jarrod", "thaddeus"}, {"will", "virginia"}),
        "FEMALE_GIVEN_NAMES": ({"hillary", "ursula", "zenaida"}, {"virginia", "donald"}),
        "UNISEX_GIVEN_NAMES": ({"jordan", "kim", "aubrey"}, {"donald"}),
        "NOT_GIVEN_NAMES": ({"will", "clinton", "madison"}, {"donald"}),
        "HONORIFICS": ({"mr", "sen", "messrs"}, {"president"}),
        "ROLE_WORDS": ({"president", "minister", "assemblywoman"}, {"kyiv"}),
        "DEMONYMS": ({"french", "u.s", "soviet"}, {"france"}),
        "PLACES": ({"kyiv", "gaza", "normandy"}, {"french"}),
        "ORG_WORDS": ({"news", "palace", "holdings"}, {"kyiv"}),
        "STOP": ({"the", "don’t", "whether"}, {"putin"}),
        "FEMALE_TITLES": ({"mrs", "duchess", "businesswoman"}, {"mr"}),
        "MALE_TITLES": ({"mr", "duke", "businessman"}, {"mrs"}),
    }
    for name, (members, others) in expected.items():
        words = getattr(names, name)
        assert isinstance(words, frozenset), name
        assert members <= words, (name, members - words)
        assert not others & words, (name, others & words)


def test_list_sizes():
    sizes = {name: len(getattr(names, name)) for name in ("GIVEN_NAMES", "STOP", "PLACES")}
    assert sizes == {"GIVEN_NAMES": 1164, "STOP": 176, "PLACES": 269}


def test_word_list_skips_comments_and_blank_lines(tmp_path, monkeypatch):
    (tmp_path / "sample.txt").write_text(
        "# a note\n\nalpha\n  beta  # a note after an entry\n#gamma\n", encoding="utf-8"
    )
    monkeypatch.setattr(names, "WORDS_DIR", tmp_path)
    names.word_list.cache_clear()
    try:
        assert names.word_list("sample") == frozenset({"alpha", "beta"})
    finally:
        names.word_list.cache_clear()


def test_word_list_is_read_once():
    assert names.word_list("stop") is names.word_list("stop")
