"""Readers: bytes in, ``RawStory`` records out. One reader per format.

Plain Python with no Django imports, so that every reader is tested on strings and bytes.
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import os
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


class ReadError(Exception):
    """A file that cannot be read as a story; the message says why, for the import report."""


@dataclass
class RawStory:
    """One story as received, before extraction.

    ``text`` is the decoded input exactly as received (the archive stores it as ``raw``).
    ``meta`` carries what a structured format already knows (title, outlet, published,
    byline, url, paragraphs) so the pipeline does not have to guess it.
    """

    source: str
    text: str
    format: str = "text"
    encoding: str = "utf-8"
    url: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


def normalise_text(text: str) -> str:
    """The form used to tell whether two inputs are the same story.

    Unicode NFC, one kind of line break, no trailing spaces, no leading or trailing blank lines.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _looks_like_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark: ASCII text leaves every other byte zero."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / len(sample[0::2])
    odd_zero = sample[1::2].count(0) / len(sample[1::2])
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    bad = sum(
        1
        for ch in sample
        if (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v") or ch == "\ufffd"
    )
    return bad / len(sample)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a story's bytes to text and name the encoding used.

    Order: a byte order mark; UTF-16 by its zero bytes; strict UTF-8; then the best
    guess of charset-normalizer, preferring Windows-1252 among the single-byte
    encodings since it is what most non-UTF-8 news text is in. Raises ``ReadError``
    for binary data.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ReadError(
                    f"invalid {encoding} text: {exc.reason} at byte {exc.start}"
                ) from exc
    utf16 = _looks_like_utf16(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8000]:
        raise ReadError("binary file (contains NUL bytes), not a text story")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text, encoding = _guess_single_byte(data)
    if _control_ratio(text) > 0.05:
        raise ReadError("binary file (mostly control characters), not a text story")
    return text, encoding


def _guess_single_byte(data: bytes) -> tuple[str, str]:
    """Best 8-bit guess. Windows-1252 wins whenever it decodes as cleanly as the top guess:
    it is what most non-UTF-8 news text is in, and on short samples charset-normalizer
    cannot tell it from its relatives (cp775, mac_latin2, cp1250)."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[:200000]))
    candidates = []
    if matches:
        best_chaos = matches[0].chaos
        if any(
            "cp1252" in m.could_be_from_charset and m.chaos <= best_chaos + 0.05 for m in matches
        ):
            candidates.append("cp1252")
        candidates.append(matches[0].encoding)
    candidates.append("cp1252")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReadError("unknown text encoding: not UTF-8, UTF-16 or a recognisable 8-bit encoding")


def read_text_story(data: bytes, source: str) -> list[RawStory]:
    """The plain-text reader: one story per file, like the seeds."""
    text, encoding = decode_bytes(data)
    if not normalise_text(text):
        raise ReadError("empty story: the file has no text")
    return [RawStory(source=source, text=text, format="text", encoding=encoding)]


def detect_format(data: bytes, name: str = "") -> str:
    """Name the reader for these bytes, by content first and the file name second."""
    return "text"


READERS = {"text": read_text_story}


def read_bytes(data: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[RawStory]:
    """Read one file's bytes with the reader its content calls for."""
    if max_bytes and len(data) > max_bytes:
        raise ReadError(f"file too large: {len(data):,} bytes, the limit is {max_bytes:,} bytes")
    if not data.strip():
        raise ReadError("empty story: the file has no text")
    fmt = detect_format(data, source)
    reader = READERS.get(fmt)
    if reader is None:
        raise ReadError(f"unknown format {fmt!r}")
    return reader(data, source)


def read_path(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[RawStory]:
    """Read a file from disk, checking its size before loading it."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror}") from exc
    if max_bytes and size > max_bytes:
        raise ReadError(f"file too large: {size:,} bytes, the limit is {max_bytes:,} bytes")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror}") from exc
    return read_bytes(data, str(path), max_bytes=max_bytes)


STORY_SUFFIXES = {".txt", ".text", ".md", ""}
SKIP_NAMES = {".DS_Store", "Thumbs.db"}


@dataclass
class PathProblem:
    """A path given to the importer that yields no file to read."""

    path: str
    reason: str


def expand_paths(paths: Iterable[str]) -> Iterator[Path | PathProblem]:
    """Files named by ``paths``: files as given, folders walked recursively, globs expanded.

    Yields a ``PathProblem`` for a path that does not exist, a glob that matches nothing
    and a folder with no stories, so the caller reports them by name.
    """
    for given in paths:
        given = str(given)
        if any(ch in given for ch in "*?[") and not os.path.exists(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                yield PathProblem(given, "no file matches this pattern")
                continue
            candidates = [Path(m) for m in matches]
        else:
            candidates = [Path(given)]
        for candidate in candidates:
            if candidate.is_dir():
                found = False
                for root, dirs, files in os.walk(candidate):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(files):
                        if name.startswith(".") or name in SKIP_NAMES:
                            continue
                        found = True
                        yield Path(root) / name
                if not found:
                    yield PathProblem(str(candidate), "folder has no stories")
            elif candidate.is_file():
                yield candidate
            elif candidate.exists():
                yield PathProblem(str(candidate), "not a regular file")
            else:
                yield PathProblem(str(candidate), "no such file or folder")
