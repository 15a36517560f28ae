"""Readers and decoding, on bytes, without a database."""

import pytest

from archive.ingest.readers import (
    PathProblem,
    ReadError,
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
