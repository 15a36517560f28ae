"""What a reader gives: ``RawStory`` records (or a ``ReadError`` / ``RecordError`` saying
why not), text decoded from bytes, and the plain-text reader.

Plain Python with no Django imports.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_STRAY_NULS = 2  # a NUL or two in a text file is an accident (dropped); more means binary


class ReadError(Exception):
    """A file that cannot be read as a story; the message says why, for the import report."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` as a database can store it: NUL dropped (PostgreSQL refuses it in text and
    JSON), a lone surrogate (a JSON ``\\ud83d`` cut from its pair) replaced by U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


@dataclass
class RawStory:
    """One story as received, before extraction.

    ``text`` is what the pipeline reads: for a plain-text story the decoded input exactly as
    received; for a structured format (HTML, WARC, JSON Lines) the headline on the first line
    and the body already extracted, one paragraph per line.
    ``original`` is the record's own content when it differs from ``text`` (the HTML page, the
    JSON line): the archive stores ``stored_raw`` as ``Article.raw`` and hashes it, so that
    re-extraction can run the reader again (``raw_story_from_article``).
    ``meta`` carries what a structured format already knows (title, outlet, published,
    byline, url, standfirst, captured) so the pipeline does not have to guess it.
    """

    source: str
    text: str
    format: str = "text"
    encoding: str = "utf-8"
    url: str = ""
    meta: dict = field(default_factory=dict)
    original: str = ""

    def __post_init__(self):
        # Made storable here, once, so that extraction, hashing and storage all see the same
        # text: see ``storable``.
        self.text = storable(self.text)
        self.original = storable(self.original)
        self.url = storable(self.url)
        self.meta = {
            key: storable(value) if isinstance(value, str) else value
            for key, value in self.meta.items()
        }

    @property
    def stored_raw(self) -> str:
        """What the archive keeps as ``Article.raw``: the record as received."""
        return self.original or self.text

    @cached_property
    def content_hash(self) -> str:
        """Hash of the record's own content: the same record imported twice is stored once."""
        return content_hash(self.stored_raw)


@dataclass
class RecordError:
    """One record of a multi-record file (a JSON line, a WARC record) that could not be read.

    ``source`` names the file and the place in it: ``export.jsonl:17`` (line 17) or
    ``crawl.warc.gz#3`` (the third record). The other records of the file are still imported.
    """

    source: str
    reason: str


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


# Control characters (category Cc) other than line and page breaks and tabs, and U+FFFD.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    return len(_CONTROL.findall(sample)) / len(sample)


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
    if data[:8000].count(0) > MAX_STRAY_NULS:
        raise ReadError("binary file (contains NUL bytes), not a text story")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text, encoding = _guess_single_byte(data)
    if _control_ratio(text) > 0.05:
        raise ReadError("binary file (mostly control characters), not a text story")
    return text, encoding


HIGH_BYTE_SHARE = 0.05  # at most this share of non-ASCII bytes in Western 8-bit text


def _sparse_high_bytes(data: bytes) -> bool:
    """Non-ASCII bytes few and standing alone, as accented letters and symbols do in
    Western text; CJK and Cyrillic text has them in runs."""
    sample = data[:200000]
    high = [i for i, b in enumerate(sample) if b >= 0x80]
    if not high or len(high) > HIGH_BYTE_SHARE * len(sample):
        return False
    runs = sum(1 for a, b in zip(high, high[1:], strict=False) if b == a + 1)
    return runs <= len(high) // 4


def _guess_single_byte(data: bytes) -> tuple[str, str]:
    """Best 8-bit guess. Windows-1252 wins whenever it decodes as cleanly as the top guess:
    it is what most non-UTF-8 news text is in, and on short samples charset-normalizer
    cannot tell it from its relatives (cp775, mac_latin2, cp1250)."""
    from charset_normalizer import from_bytes

    if _sparse_high_bytes(data):
        # Western text: a £, an é or a curly quote here and there between ASCII. Latin-1 and
        # Windows-1252 agree on every printable byte, and Windows-1252 also has the curly
        # quotes and € of 0x80-0x9F; a multi-byte guess (cp932 reads a lone £ byte as a
        # half-width katakana) is wrong on such text.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"  # a byte Windows-1252 leaves undefined
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


def _guarded(records: Iterator, source: str) -> Iterator[RawStory | RecordError]:
    """Turn a reader failure in the middle of a file into a last ``RecordError``."""
    try:
        yield from records
    except Exception as exc:
        yield RecordError(source, f"unreadable: {type(exc).__name__}: {exc}")
