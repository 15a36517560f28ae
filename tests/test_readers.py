"""Readers and decoding, on bytes, without a database."""

import pytest

from archive.ingest.readers import (
    PathProblem,
    ReadError,
    SkippedFile,
    content_hash,
    decode_bytes,
    expand_paths,
    read_bytes,
    read_path,
)

STORY = "Headline of the story\n\nFirst paragraph of the story, with a café and “quotes”.\n"


def test_utf8_story_reads_unchanged():
    [raw] = read_bytes(STORY.encode("utf-8"), "a.txt")
    assert raw.text == STORY
    assert raw.encoding == "utf-8"
    assert raw.source == "a.txt"


def test_cp1252_story_is_decoded_not_mangled():
    [raw] = read_bytes(STORY.encode("cp1252"), "win.txt")
    assert "café" in raw.text
    assert "“quotes”" in raw.text
    assert raw.encoding == "cp1252"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_story_is_decoded_with_or_without_bom(encoding):
    [raw] = read_bytes(STORY.encode(encoding), "u16.txt")
    assert raw.text.lstrip("\ufeff") == STORY
    assert raw.encoding.startswith("utf-16")


def test_utf8_bom_is_dropped():
    text, encoding = decode_bytes(b"\xef\xbb\xbf" + STORY.encode())
    assert text == STORY
    assert encoding == "utf-8"


def test_empty_file_is_an_error():
    with pytest.raises(ReadError, match="empty story"):
        read_bytes(b"", "empty.txt")
    with pytest.raises(ReadError, match="empty story"):
        read_bytes(b"  \n\n \t\n", "blank.txt")


def test_binary_file_is_an_error():
    data = bytes(range(256)) * 20
    with pytest.raises(ReadError, match="binary file"):
        read_bytes(data, "photo.jpg")


def test_file_over_the_limit_is_an_error(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"Headline\n\n" + b"word " * 300)
    with pytest.raises(ReadError, match=r"file too large: 1,510 bytes, the limit is 1,000 bytes"):
        read_path(path, max_bytes=1000)


def test_content_hash_ignores_line_endings_and_trailing_space():
    assert content_hash("A\r\nB  \r\n") == content_hash("A\nB\n")
    assert content_hash("A\nB") != content_hash("A\nC")


def test_expand_paths_reports_missing_paths_and_empty_folders(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "stories" / "nested").mkdir(parents=True)
    (tmp_path / "stories" / "b.txt").write_text("B")
    (tmp_path / "stories" / "nested" / "a.txt").write_text("A")
    (tmp_path / "stories" / ".hidden").write_text("H")
    found = list(
        expand_paths(
            [
                str(tmp_path / "stories"),
                str(tmp_path / "empty"),
                str(tmp_path / "missing.txt"),
                str(tmp_path / "stories" / "*.txt"),
                str(tmp_path / "nothing" / "*.txt"),
            ]
        )
    )
    names = [p.name if not isinstance(p, PathProblem) else (p.path, p.reason) for p in found]
    assert names == [
        (str(tmp_path / "stories" / ".hidden"), "not a story: a hidden file"),
        "b.txt",
        "a.txt",
        (str(tmp_path / "empty"), "folder has no stories"),
        (str(tmp_path / "missing.txt"), "no such file or folder"),
        "b.txt",
        (str(tmp_path / "nothing" / "*.txt"), "no file matches this pattern"),
    ]


def test_cyrillic_cp1251_is_not_forced_to_cp1252():
    text = "Президент заявил, что переговоры продолжатся на следующей неделе.\n"
    decoded, encoding = decode_bytes(text.encode("cp1251"))
    assert decoded == text
    assert encoding == "cp1251"


# Western text in each 8-bit encoding: pound, euro, curly quotes, accented names.
WESTERN = (
    "Transfer talk\n\n"
    "Chelsea paid a £15.8m fee, about €18m, for Zoë Müller and José Martínez.\n\n"
    "“It’s a great day,” said Françoise Léger.\n"
)


def test_windows_1252_text_keeps_pound_euro_quotes_and_accents():
    [raw] = read_bytes(WESTERN.encode("cp1252"), "win.txt")
    assert raw.text == WESTERN
    assert raw.encoding == "cp1252"


def test_latin1_text_keeps_pound_and_accents():
    # Latin-1 has no € or curly quotes: the same story with plain ones
    text = WESTERN.replace("€", "EUR ").replace("“", '"').replace("”", '"').replace("’", "'")
    [raw] = read_bytes(text.encode("latin-1"), "latin1.txt")
    assert raw.text == text
    assert "£15.8m" in raw.text and "Zoë Müller" in raw.text and "Françoise Léger" in raw.text


def test_a_lone_pound_byte_is_a_pound_not_a_katakana():
    # one 0xA3 byte in ASCII text: the BBC corpus's sport/199.txt
    sentence = "The club agreed a fee with the player. "
    data = ("Arsenal striker\n\n" + sentence * 5).encode() + b"It was a \xa315.8m signing.\n\n"
    data += (sentence * 60).encode()  # (charset-normalizer alone calls this cp932)
    [raw] = read_bytes(data, "sport/199.txt")
    assert "It was a £15.8m signing." in raw.text
    assert raw.encoding == "cp1252"


def test_shift_jis_text_is_not_forced_to_cp1252():
    text = "日本の首相は来週ワシントンを訪問すると発表した。会談では貿易が議題になる。\n"
    decoded, encoding = decode_bytes(text.encode("shift_jis"))
    assert decoded == text


def test_files_that_are_not_stories_are_skipped_with_the_reason(tmp_path):
    folder = tmp_path / "bbc"
    (folder / "sport").mkdir(parents=True)
    for name in ("README.TXT", "LICENSE", ".DS_Store", "index.txt", "Thumbs.db"):
        (folder / name).write_text("x")
    (folder / "sport" / "001.txt").write_text("A\n\nB")
    found = list(expand_paths([str(folder)]))
    assert [p.name for p in found if not isinstance(p, PathProblem)] == ["001.txt"]
    skipped = {p.path.rsplit("/", 1)[1]: p.reason for p in found if isinstance(p, SkippedFile)}
    assert skipped == {
        "README.TXT": "not a story: a README file",
        "LICENSE": "not a story: a licence file",
        ".DS_Store": "not a story: a system file",
        "index.txt": "not a story: an index file",
        "Thumbs.db": "not a story: a system file",
    }
    # a file named on its own is read, whatever its name
    assert list(expand_paths([str(folder / "README.TXT")])) == [folder / "README.TXT"]
