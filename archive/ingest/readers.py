"""Readers: bytes in, ``RawStory`` records out. One reader per format.

Plain Python with no Django imports, so that every reader is tested on strings and bytes.
"""

from __future__ import annotations

import codecs
import glob
import gzip
import hashlib
import io
import json
import os
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import pagemeta

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


# ---------------------------------------------------------------------------
# Format detection: by content first, the file name only breaks ties.

_BINARY_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file"),
    (b"\xfd7zXZ\x00", "an XZ-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
FORMATS_READ = "plain text, HTML, WARC/ARC (.warc, .warc.gz) and JSON Lines"
_HTML_START = re.compile(
    rb"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)
_HTML_TAG = re.compile(rb"<(?:html|head|body|article|main|div|p|h1|meta|title)\b[^>]*>", re.I)
_JSON_OBJECT_START = re.compile(rb'^\{\s*(?:"|\})')
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines", ".json")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")


class UnknownFormat(ReadError):
    """Bytes that are none of the formats the archive reads."""


def _strip_gz(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


def _gunzip_head(data: bytes, size: int = 65536) -> bytes:
    """The first ``size`` bytes of gzip data, tolerating a truncated stream."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, size)
    except zlib.error:
        return b""


def _sniff(head: bytes, name: str) -> str:
    """The format of uncompressed bytes that start with ``head``."""
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            return "binary:" + what
    lead = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if lead.startswith(b"WARC/") or lead.startswith(b"filedesc://"):
        return "warc"
    lower = name.lower()
    if lead.startswith(b"{") and (
        _JSON_OBJECT_START.match(lead) or _strip_gz(lower).endswith(JSONL_SUFFIXES)
    ):
        return "jsonl"
    if lead.startswith(b"<") and (
        _HTML_START.match(lead)
        or (lead.startswith((b"<?xml", b"<!--")) and _HTML_TAG.search(lead[:4096]))
        or (lower.endswith(HTML_SUFFIXES) and _HTML_TAG.search(lead[:4096]))
        or len(_HTML_TAG.findall(lead[:4096])) >= 2
    ):
        return "html"
    return "text"


def detect_format(data: bytes, name: str = "") -> str:
    """Name the reader for these bytes: ``text``, ``html``, ``warc`` or ``jsonl``.

    The content decides (a WARC header, a JSON object on the first line, HTML tags); the
    file name only settles a JSON Lines file whose first line is broken or an HTML fragment.
    Gzip data is looked into: ``.warc.gz`` and ``.jsonl.gz`` are read as they are, any other
    gzipped story is unpacked first. Returns ``binary:<what>`` for a known non-text format,
    which ``read_bytes`` reports as an unknown format.
    """
    if data.startswith(b"\x1f\x8b"):
        inner = _sniff(_gunzip_head(data), _strip_gz(name))
        if inner == "text" and not _gunzip_head(data, 16):
            return "binary:a broken gzip file"
        return inner if inner in ("warc", "jsonl") else "gzip:" + inner
    return _sniff(data[:65536], name)


def _gunzip_all(data: bytes, max_bytes: int) -> bytes:
    """Unpack gzip data, refusing more than ``max_bytes`` of output (a zip bomb guard)."""
    stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = stream.decompress(data, max_bytes + 1 if max_bytes else 0)
    except zlib.error as exc:
        raise ReadError(f"broken gzip data: {exc}") from exc
    if max_bytes and len(out) > max_bytes:
        raise ReadError(f"file too large once unpacked: over {max_bytes:,} bytes")
    if not stream.eof:
        raise ReadError("truncated gzip data: the file ends before the compressed story does")
    return out


UNPACK_STEP = 1 << 20  # bytes unpacked at a time while an input's size is measured


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):g} MB"


def unpacked_problem(data: bytes, name: str, *, max_bytes: int, max_records: int) -> str | None:
    """Why an input is refused before it is read, or None: once decompressed it is over
    ``max_bytes``, or it is JSON Lines with more than ``max_records`` lines (0 switches a
    limit off).

    Gzip data (the only compressed form the readers accept; bzip2, XZ and Zstandard are
    refused as unknown formats) is unpacked a step at a time and never past the limit plus
    one step, so a small file that unpacks to gigabytes costs no more than the limit. A
    broken gzip stream is left to the reader, which names what is wrong with it.
    """
    fmt = detect_format(data, name) if data.strip() else "text"
    count_lines = bool(max_records) and fmt == "jsonl"
    if not data.startswith(b"\x1f\x8b"):
        if count_lines and data.count(b"\n") + (not data.endswith(b"\n")) > max_records:
            return f"too many records: more than {max_records:,} lines"
        return None
    stream = gzip.GzipFile(fileobj=io.BytesIO(data))
    size = lines = 0
    last = b"\n"
    try:
        # unpacked to the size limit even when the lines are already too many: the size
        # is what tells a curator that the file is a bomb rather than a long export
        while step := stream.read(UNPACK_STEP):
            size += len(step)
            if max_bytes and size > max_bytes:
                return f"decompressed size over {_megabytes(max_bytes)}"
            if count_lines:
                lines += step.count(b"\n")
                last = step[-1:]
    except (OSError, EOFError, zlib.error):
        return None
    if count_lines and lines + (last != b"\n") > max_records:
        return f"too many records: more than {max_records:,} lines"
    return None


# ---------------------------------------------------------------------------
# HTML pages: trafilatura finds the article, its metadata and date (htmldate).

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(data: bytes, declared: str = "") -> tuple[str, str]:
    """Decode an HTML page: byte order mark, then the declared charset (HTTP header or
    ``<meta charset>``), then strict UTF-8, then the text reader's guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    candidates = [declared] if declared else []
    m = _META_CHARSET.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    for encoding in [*candidates, "utf-8"]:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            continue
        if name in ("latin-1", "iso8859-1", "ascii"):
            name = "cp1252"  # what browsers do with a page that says ISO-8859-1
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    return decode_bytes(data)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


MIN_ARTICLE_WORDS = 10  # fewer words of body text than this: the page has no article


def html_story(
    html: str,
    source: str,
    *,
    url: str = "",
    encoding: str = "utf-8",
    fmt: str = "html",
    meta: dict | None = None,
) -> RawStory:
    """Extract the article of one HTML page into a ``RawStory``.

    ``text`` is the headline and then the body paragraphs, one a line, as trafilatura
    extracts them (precision-first settings: boilerplate and comments left out);
    ``meta`` has the headline, site name, byline, publication date (htmldate, the original
    date rather than the last update), canonical URL and description. ``original`` is the
    page itself. Raises ``ReadError`` for a page with no article text.
    """
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
        )
    except Exception as exc:  # lxml and trafilatura raise many kinds on hopeless markup
        raise ReadError(f"broken HTML: {type(exc).__name__}: {exc}") from exc
    paragraphs = _lines(doc.text) if doc is not None else []
    words = sum(len(p.split()) for p in paragraphs)
    if words < MIN_ARTICLE_WORDS:
        # trafilatura falls back to any text at all (a menu, "Home"): that is not an article
        raise ReadError("no article found in the page: no body text")
    page = pagemeta.read_page(html, url or doc.url or "")
    title = page.headline or " ".join((doc.title or "").split())
    while paragraphs and (paragraphs[0] == title or pagemeta.key(paragraphs[0]) in page.titles):
        paragraphs = paragraphs[1:]  # the headline (or a title form of it) repeated as text
    if not paragraphs:
        raise ReadError("no article found in the page: only a headline")
    paragraphs.extend(pagemeta.later_sections(page, paragraphs))
    # a dek is the standfirst; trafilatura may have taken it as the first paragraph
    dek = ""
    if len(paragraphs) > 1 and pagemeta.key(paragraphs[0]) == pagemeta.key(page.description):
        dek = pagemeta.dek_of(page, paragraphs[1], in_body=True)
        if dek:
            paragraphs = paragraphs[1:]
    else:
        dek = pagemeta.dek_of(page, paragraphs[0])
    found = {
        "title": title,
        "outlet": page.outlet,
        "byline": (doc.author or "").strip(),
        "authors": page.authors,
        "wire": page.wire or pagemeta.wire_from_text(paragraphs),
        "published": doc.date or "",
        "url": doc.url or url or "",
        "standfirst": dek,
    }
    merged = {k: v for k, v in found.items() if v}
    for key, value in (meta or {}).items():
        if value and not merged.get(key):
            merged[key] = value
    headline = title or merged.get("standfirst", "")[:200] or "Untitled page"
    return RawStory(
        source=source,
        text="\n".join([headline, *paragraphs]),
        format=fmt,
        encoding=encoding,
        url=merged.get("url", ""),
        meta=merged,
        original=html,
    )


def read_html_story(data: bytes, source: str) -> list[RawStory]:
    """The HTML reader: one saved web page, one story."""
    html, encoding = decode_html(data)
    if not html.strip():
        raise ReadError("empty story: the file has no text")
    return [html_story(html, source, encoding=encoding)]


# ---------------------------------------------------------------------------
# JSON Lines exports of other tools (news-please, newspaper, Common Crawl news, ...).

#: Archive field -> the keys other tools use for it, in order of preference.
JSONL_FIELDS = {
    "title": ("title", "headline"),
    "text": ("text", "maintext", "content", "content_original", "body", "articleBody", "article"),
    "url": ("url", "link", "canonical_url"),
    "outlet": ("outlet", "source", "source_domain", "site_name", "sitename", "publisher"),
    "published": (
        "date_publish",
        "publish_date",
        "published",
        "date_published",
        "datePublished",
        "pubDate",
        "date",
    ),
    "byline": ("authors", "author", "byline"),
    "standfirst": ("description", "standfirst", "summary"),
}


def _field(record: dict, name: str) -> str:
    """The first non-empty value among the keys mapped to ``name``, as text."""
    for key in JSONL_FIELDS[name]:
        value = record.get(key)
        if isinstance(value, list):
            parts = [str(v).strip() for v in value if isinstance(v, str | int | float) and v]
            value = (", " if name == "byline" else "\n\n").join(p for p in parts if p)
        elif isinstance(value, dict | bool) or value is None:
            continue
        value = str(value).strip()
        if value:
            return value
    return ""


def jsonl_story(line: str, source: str, encoding: str = "utf-8") -> RawStory:
    """One JSON line to a ``RawStory`` through ``JSONL_FIELDS``; ``ReadError`` says what is wrong."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ReadError(f"not JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise ReadError(f"not a JSON object but {type(record).__name__}")
    text = _field(record, "text")
    if not text:
        raise ReadError("no text: none of " + ", ".join(JSONL_FIELDS["text"]) + " has a value")
    meta = {name: _field(record, name) for name in JSONL_FIELDS if name != "text"}
    meta = {k: v for k, v in meta.items() if v}
    title = " ".join(meta.get("title", "").split())
    body = _lines(text)
    if title and body and " ".join(body[0].split()) == title:
        body = body[1:]  # some exports repeat the headline as the first line of the text
    if title and not body:
        raise ReadError("no text: only a headline")
    return RawStory(
        source=source,
        text="\n".join([title, *body] if title else body),
        format="jsonl",
        encoding=encoding,
        url=meta.get("url", ""),
        meta=meta,
        original=line.rstrip("\r\n"),
    )


def _read_jsonl_stream(stream, source: str, max_bytes: int) -> Iterator[RawStory | RecordError]:
    """Each line of a binary stream is a story or a ``RecordError`` named ``source:line``."""
    number = 0
    while True:
        line = stream.readline(max_bytes + 1) if max_bytes else stream.readline()
        if not line:
            return
        number += 1
        where = f"{source}:{number}"
        if max_bytes and len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the long line
                line = stream.readline(1 << 20)
            yield RecordError(where, f"record too large: over {max_bytes:,} bytes")
            continue
        if not line.strip():
            continue
        try:
            text, encoding = line.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = decode_bytes(line)
            except ReadError as exc:
                yield RecordError(where, str(exc))
                continue
        try:
            yield jsonl_story(text.lstrip("\ufeff"), where, encoding)
        except ReadError as exc:
            yield RecordError(where, str(exc))


def read_jsonl(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES):
    """The JSON Lines reader: one story per line; bad lines are ``RecordError``s."""
    stream = io.BytesIO(data)
    if data.startswith(b"\x1f\x8b"):
        stream = gzip.GzipFile(fileobj=stream)
    return _guarded(_read_jsonl_stream(stream, source, max_bytes), source)


# ---------------------------------------------------------------------------
# WARC (and the older ARC) web archives: every HTML response record is a story.


def _read_warc_stream(stream, source: str, max_bytes: int) -> Iterator[RawStory | RecordError]:
    from warcio.archiveiterator import ArchiveIterator

    number = 0
    stories = 0
    records = ArchiveIterator(stream, arc2warc=True)
    while True:
        where = f"{source}#{number + 1}"
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as exc:  # warcio raises several kinds on a damaged header
            what = "malformed or truncated WARC record" if number else "not a readable WARC file"
            yield RecordError(where, f"{what}: {_warc_reason(exc)}")
            return
        number += 1
        html_record = _html_record(record)
        if html_record is None:
            if _drained_short(record):
                yield RecordError(where, "truncated record: the file ends inside it")
                return
            continue
        ctype, url = html_record
        captured = (record.rec_headers.get_header("WARC-Date") or "")[:10]
        try:
            payload = record.content_stream().read(max_bytes + 1 if max_bytes else -1)
        except Exception as exc:  # chunked or gzip body cut short
            yield RecordError(where, f"truncated record: {_warc_reason(exc)} ({url})")
            return
        if max_bytes and len(payload) > max_bytes:
            yield RecordError(where, f"record too large: over {max_bytes:,} bytes")
            continue
        if _drained_short(record):
            # the file ended before the record's Content-Length: a cut-off download
            yield RecordError(where, f"truncated record: the file ends inside it ({url})")
            return
        m = re.search(r"charset=([\w.:-]+)", ctype, re.I)
        stories += 1
        try:
            html, encoding = decode_html(payload, m.group(1) if m else "")
            meta = {"captured": captured, "published": captured} if captured else {}
            yield html_story(html, where, url=url, encoding=encoding, fmt="warc", meta=meta)
        except ReadError as exc:
            yield RecordError(where, f"{exc} ({url})" if url else str(exc))
    if not stories:
        yield RecordError(
            source, f"no HTML pages: none of its {number} records is an HTML response"
        )


def _html_record(record) -> tuple[str, str] | None:
    """(content type, URL) of a successful HTML response or resource record, else None."""
    if record.rec_type not in ("response", "resource"):
        return None
    http = record.http_headers
    if record.rec_type == "response" and http is None:
        return None
    ctype = (http or record.rec_headers).get_header("Content-Type") or ""
    if "html" not in ctype.lower():
        return None
    if http is not None and not str(http.get_statuscode()).startswith("2"):
        return None  # redirects and error pages are not stories
    return ctype, record.rec_headers.get_header("WARC-Target-URI") or ""


def _drained_short(record) -> bool:
    """Read what is left of the record; True when the file ended before its Content-Length."""
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    return getattr(raw, "limit", 0) > 0


def _warc_reason(exc: Exception) -> str:
    from warcio.exceptions import ArchiveLoadFailed

    if not isinstance(exc, ArchiveLoadFailed | EOFError | OSError | zlib.error):
        return "damaged record header"
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def read_warc(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES):
    """The WARC reader: each HTML response (or resource) record becomes a story with its URL
    and capture date (``meta['captured']``, also the publication date when the page has none).
    A truncated or malformed record stops the file with a ``RecordError``; the records before
    it are kept."""
    return _guarded(_read_warc_stream(io.BytesIO(data), source, max_bytes), source)


def _guarded(records: Iterator, source: str) -> Iterator[RawStory | RecordError]:
    """Turn a reader failure in the middle of a file into a last ``RecordError``."""
    try:
        yield from records
    except Exception as exc:
        yield RecordError(source, f"unreadable: {type(exc).__name__}: {exc}")


READERS = {
    "text": read_text_story,
    "html": read_html_story,
    "jsonl": read_jsonl,
    "warc": read_warc,
}
MULTI_RECORD = {"jsonl", "warc"}


def read_bytes(
    data: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[RawStory | RecordError]:
    """Read one file's bytes with the reader its content calls for.

    Single-story formats return one ``RawStory`` or raise ``ReadError``; multi-record
    formats (JSON Lines, WARC) return a ``RawStory`` or a ``RecordError`` per record.
    """
    if not data.strip():
        raise ReadError("empty story: the file has no text")
    fmt = detect_format(data, source)
    if fmt in MULTI_RECORD:
        # a size limit per record, not per file: an export holds many stories
        return list(READERS[fmt](data, source, max_bytes=max_bytes))
    if max_bytes and len(data) > max_bytes:
        raise ReadError(f"file too large: {len(data):,} bytes, the limit is {max_bytes:,} bytes")
    if fmt.startswith("gzip:"):
        data = _gunzip_all(data, max_bytes)
        fmt = _sniff(data[:65536], _strip_gz(source))
    if fmt.startswith("binary:"):
        raise UnknownFormat(f"unknown format: {fmt[7:]}; the archive reads {FORMATS_READ}")
    reader = READERS.get(fmt)
    if reader is None:
        raise UnknownFormat(f"unknown format {fmt!r}; the archive reads {FORMATS_READ}")
    return reader(data, source)


def read_path(
    path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterable[RawStory | RecordError]:
    """Read a file from disk, checking its size before loading it.

    JSON Lines and WARC files are streamed record by record (the size limit applies to each
    record), so an export of any size is read in constant memory.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror}") from exc
    fmt = detect_format(head, str(path)) if head.strip() else "text"
    if fmt in MULTI_RECORD:
        return _stream_path(path, fmt, max_bytes)
    if max_bytes and size > max_bytes:
        raise ReadError(f"file too large: {size:,} bytes, the limit is {max_bytes:,} bytes")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror}") from exc
    return read_bytes(data, str(path), max_bytes=max_bytes)


def _stream_path(path: Path, fmt: str, max_bytes: int) -> Iterator[RawStory | RecordError]:
    source = str(path)

    def records():
        with path.open("rb") as handle:
            if fmt == "warc":
                yield from _read_warc_stream(handle, source, max_bytes)
            elif handle.read(2) == b"\x1f\x8b":
                handle.seek(0)
                yield from _read_jsonl_stream(gzip.GzipFile(fileobj=handle), source, max_bytes)
            else:
                handle.seek(0)
                yield from _read_jsonl_stream(handle, source, max_bytes)

    return _guarded(records(), source)


def raw_story_from_article(raw: str, raw_format: str, source: str, url: str = "") -> RawStory:
    """Rebuild the ``RawStory`` of a stored article from ``Article.raw`` and ``raw_format``,
    so that re-extraction runs the same reader again. Raises ``ReadError`` as the reader did."""
    if raw_format in ("html", "warc"):
        return html_story(raw, source, url=url, fmt=raw_format)
    if raw_format == "jsonl":
        story = jsonl_story(raw, source)
        if url and not story.url:
            story.url = url
        return story
    return RawStory(source=source, text=raw, format=raw_format or "text", url=url)


STORY_SUFFIXES = {".txt", ".text", ".md", ""}
SKIP_NAMES = {".DS_Store", "Thumbs.db"}
# Files of a folder that are about the stories, not stories: a README, a licence, an index.
NOT_STORY_NAMES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^(readme|read[ _-]me)(\.\w+)?$", re.I), "a README file"),
    (re.compile(r"^(licen[cs]e|copying|copyright|notice)([._-]\w+)?(\.\w+)?$", re.I), "a licence file"),
    (re.compile(r"^(00)?index(\.(txt|md|csv|tsv|json|xml))?$|^(toc|contents|manifest)\.(txt|md|csv|json)$"
                r"|^sitemap[\w-]*\.xml$", re.I), "an index file"),
    (re.compile(r"^(changelog|changes|authors|contributors|citation)(\.\w+)?$", re.I), "a notes file"),
]  # fmt: skip


def not_a_story(name: str) -> str | None:
    """Why a file named ``name`` found in a folder is not a story, or None."""
    if name in SKIP_NAMES:
        return "not a story: a system file"
    if name.startswith("."):
        return "not a story: a hidden file"
    for pattern, what in NOT_STORY_NAMES:
        if pattern.match(name):
            return f"not a story: {what}"
    return None


@dataclass
class PathProblem:
    """A path given to the importer that yields no file to read."""

    path: str
    reason: str

    def as_error(self) -> ReadError:
        return ReadError(self.reason)


class NotAStory(ReadError):
    """A file that is not a story (a README, a licence, an index): skipped, not failed."""


@dataclass
class SkippedFile(PathProblem):
    """A file of a folder (or a glob match) that is not a story; the reason says what it is."""

    def as_error(self) -> ReadError:
        return NotAStory(self.reason)


def expand_paths(paths: Iterable[str]) -> Iterator[Path | PathProblem]:
    """Files named by ``paths``: files as given, folders walked recursively, globs expanded.

    Yields a ``PathProblem`` for a path that does not exist, a glob that matches nothing
    and a folder with no stories, so the caller reports them by name; and a
    ``SkippedFile`` for a file of a folder (or a glob match) that is not a story
    (``not_a_story``: README, licence, index, hidden and system files), reported as skipped.
    """
    for given in paths:
        given = str(given)
        if any(ch in given for ch in "*?[") and not os.path.exists(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                yield PathProblem(given, "no file matches this pattern")
                continue
            candidates = [Path(m) for m in matches]
            named = False
        else:
            candidates = [Path(given)]
            named = True  # a file named on its own is read whatever its name
        for candidate in candidates:
            if candidate.is_dir():
                found = False
                for root, dirs, files in os.walk(candidate):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(files):
                        reason = not_a_story(name)
                        if reason:
                            yield SkippedFile(str(Path(root) / name), reason)
                            continue
                        found = True
                        yield Path(root) / name
                if not found:
                    yield PathProblem(str(candidate), "folder has no stories")
            elif candidate.is_file():
                reason = None if named else not_a_story(candidate.name)
                yield SkippedFile(str(candidate), reason) if reason else candidate
            elif candidate.exists():
                yield PathProblem(str(candidate), "not a regular file")
            else:
                yield PathProblem(str(candidate), "no such file or folder")
