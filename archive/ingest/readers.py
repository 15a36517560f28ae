"""Readers: bytes in, ``RawStory`` records out. One reader per format (``rawstory`` for
plain text, ``htmlpages``, ``jsonl``, ``warc``); this module detects the format, hands
the bytes or the file to its reader, and expands the paths of an import into files.

Plain Python with no Django imports, so that every reader is tested on strings and bytes.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .htmlpages import decode_html as decode_html
from .htmlpages import html_story as html_story
from .htmlpages import read_html_story as read_html_story
from .jsonl import JSONL_FIELDS as JSONL_FIELDS
from .jsonl import _field as _field
from .jsonl import _read_jsonl_stream
from .jsonl import jsonl_story as jsonl_story
from .jsonl import read_jsonl as read_jsonl
from .rawstory import DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES
from .rawstory import RawStory as RawStory
from .rawstory import ReadError as ReadError
from .rawstory import RecordError as RecordError
from .rawstory import _guarded
from .rawstory import content_hash as content_hash
from .rawstory import decode_bytes as decode_bytes
from .rawstory import normalise_text as normalise_text
from .rawstory import read_text_story as read_text_story
from .rawstory import storable as storable
from .warc import _read_warc_stream
from .warc import read_warc as read_warc

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
